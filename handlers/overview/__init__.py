"""What the bot shows across the areas: a client's /status and the staff's /digest."""
