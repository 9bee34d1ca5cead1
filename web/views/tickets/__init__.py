"""The service desk on the site: the ticket listing, pages and files."""
