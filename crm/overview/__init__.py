"""What spans the areas: a client's timeline, the daily digest, the dashboard's numbers and the
revenue."""
