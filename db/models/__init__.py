"""All mapped classes; importing this module registers every table on ``Base.metadata``."""

from db.base import Base
from db.models.people import Client, Department, Employee
from db.models.school import Contract, DiscountTier, Language, Lesson, Payment, teacher_languages
from db.models.telegram import FsmRecord, MessageLink, OutboxMessage, ProcessedUpdate
from db.models.tickets import Ticket, TicketAttachment, TicketEvent

__all__ = [
    "Base",
    "Client",
    "Contract",
    "Department",
    "DiscountTier",
    "Employee",
    "FsmRecord",
    "Language",
    "Lesson",
    "MessageLink",
    "OutboxMessage",
    "Payment",
    "ProcessedUpdate",
    "Ticket",
    "TicketAttachment",
    "TicketEvent",
    "teacher_languages",
]
