"""Who the business knows, on the site: clients, employees, departments and the client picker."""
