"""The language school in the bot: the catalog, signing and showing contracts, and staff's
contract commands."""
