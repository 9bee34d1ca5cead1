"""The service desk through the API."""
