"""The language school through the API."""
