"""Views of the admin site, one module per area."""
