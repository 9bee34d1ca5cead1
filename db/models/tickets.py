"""Tickets: a client's request, its history and its attachments."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from db.base import Base, Timestamped, enum_column, utcnow
from db.enums import AttachmentKind, TicketEventKind, TicketStatus
from db.models.people import Client, Department, Employee


class Ticket(Timestamped, Base):
    """A client's request to the business."""

    __tablename__ = "tickets"
    __table_args__ = (
        Index("ix_tickets_created", "created_at", "id"),
        Index("ix_tickets_status_created", "status", "created_at"),
        # Each filter of the listing has an index that also serves its newest-first order.
        Index("ix_tickets_assignee_created", "assignee_id", "created_at"),
        Index("ix_tickets_assignee_status_created", "assignee_id", "status", "created_at"),
        Index("ix_tickets_department_created", "department_id", "created_at"),
        Index("ix_tickets_client_created", "client_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="RESTRICT"))
    department_id: Mapped[int | None] = mapped_column(
        ForeignKey("departments.id", ondelete="SET NULL")
    )
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("employees.id", ondelete="SET NULL"))
    status: Mapped[TicketStatus] = mapped_column(
        enum_column(TicketStatus), default=TicketStatus.NEW
    )
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text)
    closed_at: Mapped[datetime | None] = mapped_column()

    client: Mapped[Client] = relationship(lazy="raise")
    department: Mapped[Department | None] = relationship(lazy="raise")
    assignee: Mapped[Employee | None] = relationship(lazy="raise")
    events: Mapped[list[TicketEvent]] = relationship(
        lazy="raise",
        back_populates="ticket",
        order_by="TicketEvent.id",
        cascade="all, delete-orphan",
    )
    attachments: Mapped[list[TicketAttachment]] = relationship(
        lazy="raise",
        back_populates="ticket",
        order_by="TicketAttachment.id",
        cascade="all, delete-orphan",
    )


class TicketEvent(Base):
    """One entry of a ticket's history and audit trail: who, when, what, from → to."""

    __tablename__ = "ticket_events"
    __table_args__ = (Index("ix_ticket_events_ticket", "ticket_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"))
    kind: Mapped[TicketEventKind] = mapped_column(enum_column(TicketEventKind))
    author_employee_id: Mapped[int | None] = mapped_column(
        ForeignKey("employees.id", ondelete="SET NULL")
    )
    author_client_id: Mapped[int | None] = mapped_column(
        ForeignKey("clients.id", ondelete="SET NULL")
    )
    from_value: Mapped[str | None] = mapped_column(String(200))
    to_value: Mapped[str | None] = mapped_column(String(200))
    text: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    ticket: Mapped[Ticket] = relationship(lazy="raise", back_populates="events")
    author_employee: Mapped[Employee | None] = relationship(lazy="raise")
    author_client: Mapped[Client | None] = relationship(lazy="raise")


class TicketAttachment(Base):
    """A file a client sent with a ticket, kept as Telegram's file_id."""

    __tablename__ = "ticket_attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"), index=True)
    event_id: Mapped[int | None] = mapped_column(
        ForeignKey("ticket_events.id", ondelete="SET NULL")
    )
    kind: Mapped[AttachmentKind] = mapped_column(enum_column(AttachmentKind))
    file_id: Mapped[str] = mapped_column(String(255))
    file_unique_id: Mapped[str | None] = mapped_column(String(255))
    file_name: Mapped[str | None] = mapped_column(String(255))
    mime_type: Mapped[str | None] = mapped_column(String(127))
    file_size: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    ticket: Mapped[Ticket] = relationship(lazy="raise", back_populates="attachments")
    event: Mapped[TicketEvent | None] = relationship(lazy="raise")
