"""The coaching practice: coaches, sessions, requests, reports, programmes, products,
tracks, recordings and their calendars."""
