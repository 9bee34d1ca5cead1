"""What a message is about: a record of some area (a ticket today; contracts, sessions next).

A notification or an answer names its subject; once Telegram has sent it, the chat message is
linked to that subject, so that a person's Telegram reply to it is filed there.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession

from db.enums import SubjectKind
from db.models import MessageLink
from db.upsert import insert_if_absent


@dataclass(frozen=True, slots=True)
class Subject:
    """One record a message can be about: its kind and its id."""

    kind: SubjectKind
    id: int


async def remember_message(
    session: AsyncSession, *, chat_id: int, message_id: int, subject: Subject, now: datetime
) -> None:
    """Note that a chat message is about ``subject``, so a reply to it is filed there."""
    await insert_if_absent(
        session,
        MessageLink,
        {
            "chat_id": chat_id,
            "message_id": message_id,
            "subject_kind": subject.kind,
            "subject_id": subject.id,
            "created_at": now,
        },
        conflict_on=["chat_id", "message_id"],
    )


async def subject_of_message(
    session: AsyncSession, *, chat_id: int, message_id: int
) -> Subject | None:
    """What a chat message is about, if the bot sent it about something."""
    link = await session.get(MessageLink, (chat_id, message_id))
    return None if link is None else Subject(link.subject_kind, link.subject_id)


async def forget_subject(session: AsyncSession, subject: Subject) -> None:
    """Drop the links to a deleted record: a reply to them is asked about like any message."""
    await session.execute(
        delete(MessageLink).where(
            MessageLink.subject_kind == subject.kind, MessageLink.subject_id == subject.id
        )
    )
