"""The composition root: the `crm` command, the runner, the bot and dispatcher factories."""
