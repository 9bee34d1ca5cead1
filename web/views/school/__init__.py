"""The language school on the site: contracts, their pages and the languages catalog."""
