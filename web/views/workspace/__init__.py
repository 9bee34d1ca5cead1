"""The workspace on the admin site: the notification centre, my agenda as a week, my contacts,
my documents and my conversations."""
