"""A person's workspace: their own contacts, documents and planned items, and the messages
people write each other through the bot.

A person is a client or an employee: each row names exactly one of the two (``client_id`` or
``employee_id``), and goes with that person's card.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship

from db.base import Base, utcnow
from db.models.people import Client, Employee


def _one_person(prefix: str = "") -> CheckConstraint:
    client, employee = f"{prefix}client_id", f"{prefix}employee_id"
    return CheckConstraint(
        f"({client} IS NULL) <> ({employee} IS NULL)", name=f"{prefix or 'owner_'}one_person"
    )


class OwnedByPerson:
    """Kept for one person: a client or an employee."""

    client_id: Mapped[int | None] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"))
    employee_id: Mapped[int | None] = mapped_column(ForeignKey("employees.id", ondelete="CASCADE"))

    @declared_attr
    def client(cls) -> Mapped[Client | None]:  # noqa: N805 (SQLAlchemy's declared attribute)
        return relationship(lazy="raise")

    @declared_attr
    def employee(cls) -> Mapped[Employee | None]:  # noqa: N805
        return relationship(lazy="raise")


class PersonalContact(OwnedByPerson, Base):
    """Someone a person keeps in their own address book (not a client of the business)."""

    __tablename__ = "personal_contacts"
    __table_args__ = (
        _one_person(),
        Index("ix_personal_contacts_client", "client_id", "name", "id"),
        Index("ix_personal_contacts_employee", "employee_id", "name", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(32))
    company: Mapped[str | None] = mapped_column(String(200))
    note: Mapped[str | None] = mapped_column(Text)
    # The Telegram user the contact card named, when it came from one.
    telegram_user_id: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class PersonalDocument(OwnedByPerson, Base):
    """A file a person keeps with the bot: Telegram holds the bytes, we the file's id."""

    __tablename__ = "personal_documents"
    __table_args__ = (
        _one_person(),
        Index("ix_personal_documents_client", "client_id", "uploaded_at", "id"),
        Index("ix_personal_documents_employee", "employee_id", "uploaded_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(300))
    # What it is, as people say: PDF, DOC, JPG...
    kind: Mapped[str] = mapped_column(String(20))
    # photo or document: how Telegram is asked to send it back.
    media: Mapped[str] = mapped_column(String(10), default="document")
    file_id: Mapped[str] = mapped_column(String(300))
    file_unique_id: Mapped[str | None] = mapped_column(String(100))
    file_name: Mapped[str | None] = mapped_column(String(300))
    mime_type: Mapped[str | None] = mapped_column(String(120))
    size: Mapped[int | None] = mapped_column(Integer)
    uploaded_at: Mapped[datetime] = mapped_column(default=utcnow)


class PlannedItem(OwnedByPerson, Base):
    """Something a person planned for themselves, with a reminder if they want one."""

    __tablename__ = "planned_items"
    __table_args__ = (
        _one_person(),
        Index("ix_planned_items_client", "client_id", "starts_at", "id"),
        Index("ix_planned_items_employee", "employee_id", "starts_at", "id"),
        # The reminder job: those due now.
        Index("ix_planned_items_remind", "remind_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str | None] = mapped_column(Text)
    starts_at: Mapped[datetime] = mapped_column()
    minutes: Mapped[int | None] = mapped_column(Integer)
    # How long before it starts the reminder comes (0: at its time); None: no reminder.
    remind_before: Mapped[int | None] = mapped_column(Integer)
    # starts_at less remind_before, kept for the job's index.
    remind_at: Mapped[datetime | None] = mapped_column()
    # The reminder time a reminder was queued for: the job passes over it after.
    reminded_for: Mapped[datetime | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class PersonMessage(Base):
    """A message one person wrote to another through the bot."""

    __tablename__ = "person_messages"
    __table_args__ = (
        _one_person("sender_"),
        _one_person("recipient_"),
        Index("ix_person_messages_sender_client", "sender_client_id", "id"),
        Index("ix_person_messages_sender_employee", "sender_employee_id", "id"),
        Index("ix_person_messages_recipient_client", "recipient_client_id", "id"),
        Index("ix_person_messages_recipient_employee", "recipient_employee_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    sender_client_id: Mapped[int | None] = mapped_column(
        ForeignKey("clients.id", ondelete="CASCADE")
    )
    sender_employee_id: Mapped[int | None] = mapped_column(
        ForeignKey("employees.id", ondelete="CASCADE")
    )
    recipient_client_id: Mapped[int | None] = mapped_column(
        ForeignKey("clients.id", ondelete="CASCADE")
    )
    recipient_employee_id: Mapped[int | None] = mapped_column(
        ForeignKey("employees.id", ondelete="CASCADE")
    )
    text: Mapped[str] = mapped_column(Text)
    sent_at: Mapped[datetime] = mapped_column(default=utcnow)
    # When the recipient opened the conversation on the site (the bot cannot tell).
    read_at: Mapped[datetime | None] = mapped_column()

    sender_client: Mapped[Client | None] = relationship(
        lazy="raise", foreign_keys=[sender_client_id]
    )
    sender_employee: Mapped[Employee | None] = relationship(
        lazy="raise", foreign_keys=[sender_employee_id]
    )
    recipient_client: Mapped[Client | None] = relationship(
        lazy="raise", foreign_keys=[recipient_client_id]
    )
    recipient_employee: Mapped[Employee | None] = relationship(
        lazy="raise", foreign_keys=[recipient_employee_id]
    )
