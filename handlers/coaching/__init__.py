"""The coaching practice in the bot: sessions, booking, requests, reports, ratings, recordings,
stages, the agenda and the calendar link."""
