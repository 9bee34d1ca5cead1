"""All mapped classes; importing this module registers every table on ``Base.metadata``."""

from db.base import Base
from db.models.coaching import (
    ClientReport,
    ClientStep,
    CoachingRequest,
    CoachingSession,
    CoachProfile,
    CoachReport,
    Enrolment,
    ExpertiseDomain,
    MeetingReport,
    Program,
    ProgramStage,
    Recording,
    SessionParticipant,
    StageMove,
    StrategyEntry,
    Track,
    coach_domains,
)
from db.models.people import Client, Department, Employee
from db.models.school import Contract, DiscountTier, Language, Lesson, Payment, teacher_languages
from db.models.telegram import FsmRecord, MessageLink, OutboxMessage, ProcessedUpdate
from db.models.tickets import Ticket, TicketAttachment, TicketEvent

__all__ = [
    "Base",
    "Client",
    "ClientReport",
    "ClientStep",
    "CoachProfile",
    "CoachReport",
    "CoachingRequest",
    "CoachingSession",
    "Contract",
    "Department",
    "DiscountTier",
    "Employee",
    "Enrolment",
    "ExpertiseDomain",
    "FsmRecord",
    "Language",
    "Lesson",
    "MeetingReport",
    "MessageLink",
    "OutboxMessage",
    "Payment",
    "ProcessedUpdate",
    "Program",
    "ProgramStage",
    "Recording",
    "SessionParticipant",
    "StageMove",
    "StrategyEntry",
    "Ticket",
    "TicketAttachment",
    "TicketEvent",
    "Track",
    "coach_domains",
    "teacher_languages",
]
