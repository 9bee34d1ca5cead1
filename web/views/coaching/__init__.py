"""The coaching practice on the site: sessions, requests, reports and analytics, programmes,
products, tracks, domains and calendars."""
