"""A person's workspace: their agenda with planned items and reminders, their own contacts and
documents, messages between people, and the notifications they got."""
