"""The outbox's bookkeeping: claiming due messages under a lease, and recording outcomes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from db.enums import OutboxStatus, SubjectKind
from db.models import OutboxMessage

_WRITTEN = "outbox_written"


def note_written(session: AsyncSession) -> None:
    """Remember that this session queued a message, so whoever commits it wakes the sender."""
    session.info[_WRITTEN] = True


def was_written(session: AsyncSession) -> bool:
    """Whether this session queued a message (the sender need not look otherwise)."""
    return bool(session.info.get(_WRITTEN))


@dataclass(frozen=True)
class Claimed:
    """A message claimed for delivery, detached from any session."""

    id: int
    chat_id: int
    method: str
    payload: dict[str, Any]
    subject_kind: SubjectKind | None
    subject_id: int | None
    attempts: int
    created_at: datetime


async def claim_due(
    session: AsyncSession, *, now: datetime, lease_until: datetime, limit: int
) -> list[Claimed]:
    """Take up to ``limit`` due messages, oldest first, leasing them until ``lease_until``.

    On PostgreSQL concurrent senders skip each other's rows (FOR UPDATE SKIP LOCKED); on SQLite
    the writer lock serialises claims. A lease that runs out (its sender died) makes the
    message due again.
    """
    earlier = aliased(OutboxMessage)
    # A chat's messages keep their order: none is taken while an earlier one for the same chat
    # waits for a retry (it was tried) or is out with another sender. One that was never tried
    # and is due later (a reminder for tomorrow) holds nothing back.
    earlier_pending = (
        select(earlier.id)
        .where(
            earlier.chat_id == OutboxMessage.chat_id,
            earlier.id < OutboxMessage.id,
            earlier.status == OutboxStatus.PENDING,
            or_(
                and_(earlier.attempts > 0, earlier.next_attempt_at > now),
                and_(earlier.lease_until.is_not(None), earlier.lease_until >= now),
            ),
        )
        .exists()
    )
    rows = list(
        await session.scalars(
            select(OutboxMessage)
            .where(
                OutboxMessage.status == OutboxStatus.PENDING,
                OutboxMessage.next_attempt_at <= now,
                or_(OutboxMessage.lease_until.is_(None), OutboxMessage.lease_until < now),
                ~earlier_pending,
            )
            .order_by(OutboxMessage.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
    )
    for row in rows:
        row.lease_until = lease_until
        row.attempts += 1
    await session.flush()
    return [
        Claimed(
            row.id,
            row.chat_id,
            row.method,
            dict(row.payload),
            row.subject_kind,
            row.subject_id,
            row.attempts,
            row.created_at,
        )
        for row in rows
    ]


async def mark_sent(
    session: AsyncSession, message_id: int, *, at: datetime, chat_message_id: int | None = None
) -> None:
    """The message went; ``chat_message_id`` is the chat message Telegram made of it."""
    await session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id)
        .values(
            status=OutboxStatus.SENT,
            sent_at=at,
            lease_until=None,
            last_error=None,
            message_id=chat_message_id,
        )
    )


async def retry_later(session: AsyncSession, message_id: int, *, at: datetime, error: str) -> None:
    await session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id)
        .values(next_attempt_at=at, lease_until=None, last_error=error[:2000])
    )


async def mark_failed(session: AsyncSession, message_id: int, *, error: str) -> None:
    await session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id)
        .values(status=OutboxStatus.FAILED, lease_until=None, last_error=error[:2000])
    )


async def fail_pending_for_chat(session: AsyncSession, chat_id: int, *, error: str) -> int:
    """Give up on everything still queued for ``chat_id``; returns how many."""
    result = await session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.chat_id == chat_id, OutboxMessage.status == OutboxStatus.PENDING)
        .values(status=OutboxStatus.FAILED, lease_until=None, last_error=error[:2000])
    )
    return int(getattr(result, "rowcount", 0))
