"""The service desk in the bot: clients' tickets, staff's ticket commands, ticket cards and
texts."""
