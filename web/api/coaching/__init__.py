"""The coaching practice through the API."""
