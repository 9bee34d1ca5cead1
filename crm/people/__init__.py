"""Who the business knows: clients, staff, departments, their names, phones and passwords, and
who is writing."""
