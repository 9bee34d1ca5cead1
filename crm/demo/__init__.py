"""The demo business for the sandbox: its service desk, its language school and its coaching
practice."""
