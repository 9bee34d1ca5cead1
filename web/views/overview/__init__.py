"""What spans the areas on the site: the dashboard and the client's timeline."""
