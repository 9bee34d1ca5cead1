"""Sales in the bot: staff's deals and tasks, clients' events."""
