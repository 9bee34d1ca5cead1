"""Sales on the site: the deal board and list, companies, tasks, events and the sales reports."""
