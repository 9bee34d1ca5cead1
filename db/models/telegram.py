"""What the bot needs to keep promises: applied updates, dialog state, queued notifications."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, enum_column, utcnow
from db.enums import OutboxStatus, SubjectKind


class ProcessedUpdate(Base):
    """A Telegram update already applied; inserted in the same transaction as its effects."""

    __tablename__ = "processed_updates"

    update_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    processed_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class FsmRecord(Base):
    """A chat's dialog state, so that a dialog survives a restart."""

    __tablename__ = "fsm_states"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    state: Mapped[str | None] = mapped_column(String(200))
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class OutboxMessage(Base):
    """A notification written with the change that causes it, delivered later by the sender."""

    __tablename__ = "outbox"
    __table_args__ = (
        Index("ix_outbox_due", "status", "next_attempt_at"),
        # A person's unseen notifications (the site's notification centre and its count).
        Index("ix_outbox_chat_seen", "chat_id", "seen_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    chat_id: Mapped[int] = mapped_column(BigInteger, index=True)
    # The Bot API method and its parameters, e.g. sendMessage with text and reply_markup.
    method: Mapped[str] = mapped_column(String(40), default="sendMessage")
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    # Makes an enqueue idempotent, e.g. one digest per employee per day.
    dedupe_key: Mapped[str | None] = mapped_column(String(200), unique=True)
    status: Mapped[OutboxStatus] = mapped_column(
        enum_column(OutboxStatus), default=OutboxStatus.PENDING
    )
    # The record a message is about (a ticket...): once sent, a reply to it is filed there.
    subject_kind: Mapped[SubjectKind | None] = mapped_column(enum_column(SubjectKind))
    subject_id: Mapped[int | None] = mapped_column()
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    lease_until: Mapped[datetime | None] = mapped_column()
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column()
    # The chat message Telegram made of it, so a button pressed on it finds it.
    message_id: Mapped[int | None] = mapped_column(BigInteger)
    # When its reader saw it: opened on the site, or a button on it pressed in Telegram.
    seen_at: Mapped[datetime | None] = mapped_column()


class MessageLink(Base):
    """A message the bot sent about a record, so that a Telegram reply to it finds the record.

    No foreign key: the subject may be any area's record; a reply to a message about a record
    deleted since finds nothing there and is asked about like any other message.
    """

    __tablename__ = "message_links"
    __table_args__ = (Index("ix_message_links_subject", "subject_kind", "subject_id"),)

    chat_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    message_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    subject_kind: Mapped[SubjectKind] = mapped_column(enum_column(SubjectKind))
    subject_id: Mapped[int] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
