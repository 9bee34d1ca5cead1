"""Delivery of what the outbox holds, the daily digest, and the scheduler that runs it."""
