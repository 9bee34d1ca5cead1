"""Sales (seeds 003 and 004): companies with their founders, innovations and events, deals and
their pipeline, interactions with clients and tasks."""
