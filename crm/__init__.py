"""The domain layer shared by the bot and the web site: settings, rules and use-cases."""
