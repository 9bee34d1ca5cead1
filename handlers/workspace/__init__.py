"""The workspace in the bot: planned items and /remind, /contacts, /documents, /write, and a
notification pressed counting as seen."""
