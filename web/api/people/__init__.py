"""The kernel's endpoints: clients, employees and departments."""
