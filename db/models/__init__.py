"""All mapped classes; importing this module registers every table on ``Base.metadata``."""

from db.base import Base
from db.models.people import Client, Department, Employee
from db.models.telegram import FsmRecord, MessageLink, OutboxMessage, ProcessedUpdate
from db.models.tickets import Ticket, TicketAttachment, TicketEvent

__all__ = [
    "Base",
    "Client",
    "Department",
    "Employee",
    "FsmRecord",
    "MessageLink",
    "OutboxMessage",
    "ProcessedUpdate",
    "Ticket",
    "TicketAttachment",
    "TicketEvent",
]
