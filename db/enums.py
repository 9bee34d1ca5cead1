"""Closed sets of values stored in the database (their values are what is stored)."""

from enum import StrEnum


class Role(StrEnum):
    """An employee's role; clients and strangers are not employees."""

    OWNER = "owner"
    ADMIN = "admin"
    SPECIALIST = "specialist"
    HELPER = "helper"


class ClientStage(StrEnum):
    """Where a client stands in the coaching funnel (also used as a plain lifecycle)."""

    LEAD = "lead"
    THINKING = "thinking"
    CONSULTATION = "consultation"
    ACTIVE = "active"
    PAUSED = "paused"
    FINISHED = "finished"


class OutboxStatus(StrEnum):
    """Delivery state of one queued notification."""

    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"
