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


class SubjectKind(StrEnum):
    """What a message can be about, so that a reply to it reaches that record's area."""

    TICKET = "ticket"
    CONTRACT = "contract"
    SESSION = "session"
    REQUEST = "request"
    TRACK = "track"
    MESSAGE = "message"


class ContractStatus(StrEnum):
    """Where a school contract stands; see crm/school/rules.py for the moves."""

    UNPAID = "unpaid"
    ACTIVE = "active"
    COMPLETED = "completed"
    TERMINATED = "terminated"


class PaymentMethod(StrEnum):
    """How a payment was made."""

    CASH = "cash"
    CARD = "card"
    TRANSFER = "transfer"


class TicketStatus(StrEnum):
    """Where a ticket stands; see crm/tickets/rules.py for the moves between them."""

    NEW = "new"
    ASSIGNED = "assigned"
    IN_PROGRESS = "in_progress"
    WAITING = "waiting"
    RESOLVED = "resolved"
    CLOSED = "closed"
    CANCELLED = "cancelled"


class TicketEventKind(StrEnum):
    """What happened to a ticket, as its history shows it."""

    CREATED = "created"
    ASSIGNED = "assigned"
    STATUS = "status"
    REPLY = "reply"  # staff to the client
    CLIENT_MESSAGE = "client_message"
    NOTE = "note"  # internal, never shown to the client


class AttachmentKind(StrEnum):
    """How Telegram holds an attached file."""

    PHOTO = "photo"
    DOCUMENT = "document"


class SessionStatus(StrEnum):
    """Where a coaching session (a meeting or a lesson) stands."""

    PLANNED = "planned"
    DONE = "done"
    CANCELLED = "cancelled"
    NO_SHOW = "no_show"


class SessionFormat(StrEnum):
    """Where a session happens."""

    IN_PERSON = "in_person"
    ONLINE = "online"


class RequestStatus(StrEnum):
    """A client's coaching request: waiting for the coach, or answered."""

    PENDING = "pending"
    ACCEPTED = "accepted"
    REFUSED = "refused"


class TrackStatus(StrEnum):
    """A client's goal that a coach works on."""

    OPEN = "open"
    ACHIEVED = "achieved"
    DROPPED = "dropped"


class RecordingKind(StrEnum):
    """What a recording of a meeting is."""

    AUDIO = "audio"
    VIDEO = "video"
    VOICE = "voice"
    LINK = "link"


class ProductKind(StrEnum):
    """What the business sells in coaching: a program, a course or a package of sessions."""

    PROGRAM = "program"
    COURSE = "course"
    PACKAGE = "package"


class DealStage(StrEnum):
    """Where a deal stands in the sales pipeline; see crm/sales/rules.py for the moves."""

    NEW = "new"
    QUALIFIED = "qualified"
    PROPOSAL = "proposal"
    NEGOTIATION = "negotiation"
    WON = "won"
    LOST = "lost"


class InteractionKind(StrEnum):
    """How the business and a client were in touch."""

    EMAIL = "email"
    CALL = "call"
    MEETING = "meeting"
    CHAT = "chat"
    NOTE = "note"


class InnovationKind(StrEnum):
    """What a company's innovation is."""

    PRODUCT = "product"
    SERVICE = "service"
    PROCESS = "process"


class ParticipantStatus(StrEnum):
    """A client's place at an event."""

    GOING = "going"
    LEFT = "left"
