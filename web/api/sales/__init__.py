"""The sales team through the API."""
