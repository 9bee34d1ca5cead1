"""The service desk: tickets, their rules and notices, their files and the ticket listing."""
