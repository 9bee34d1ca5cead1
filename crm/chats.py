"""The moments a client and the business wrote to each other in Telegram, without what was
written: what a client's interaction log shows as ``chat``.

Where they are read, and why there:

- what the business wrote to a client is all in the outbox: every notice, reply, reminder and
  answer sent later is an ``OutboxMessage`` row for the client's chat (rows are kept, never
  pruned; ``ix_outbox_chat_id``), whatever area queued it. So the kernel reads those itself
  (``sent_to_client``) and no area has to remember to tell it;
- what a client wrote is not kept by the kernel (an update is remembered by its id only), but
  the area that filed the message keeps it (a ticket's history holds the client's messages):
  each area names its source in ``Area.chats`` (``crm/tickets/chats.py``), reading its own
  rows, as it names its timeline sources.

Every source reads the newest ``limit`` moments of one client through an index; none copies a
message's text, so the log says *when* they talked, and the record says *what*.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db.enums import OutboxStatus
from db.models import Client, OutboxMessage

if TYPE_CHECKING:
    from crm.areas import Area


@dataclass(frozen=True)
class ChatMoment:
    """A message between the business and a client: when, and which way."""

    at: datetime
    from_client: bool


# An area's moments of one client's chat, newest first, at most ``limit`` of them.
ChatSource = Callable[[AsyncSession, Client, int], Awaitable[list[ChatMoment]]]


async def sent_to_client(session: AsyncSession, client: Client, limit: int) -> list[ChatMoment]:
    """What the business sent (or is sending) to the client's chat through the outbox; a
    message that could not be delivered is left out."""
    if client.telegram_id is None:
        return []
    rows = await session.scalars(
        select(OutboxMessage.created_at)
        .where(
            OutboxMessage.chat_id == client.telegram_id,
            OutboxMessage.status != OutboxStatus.FAILED,
            # A long text is sent in parts, each a row: the first part stands for the message.
            (OutboxMessage.dedupe_key.is_(None)) | OutboxMessage.dedupe_key.like("%#0"),
        )
        .order_by(OutboxMessage.id.desc())
        .limit(limit)
    )
    return [ChatMoment(at, from_client=False) for at in rows]


def chat_sources(areas: Iterable[Area]) -> list[ChatSource]:
    """The outbox's source, then those of ``areas``."""
    return [sent_to_client, *(source for area in areas for source in area.chats)]


async def client_chats(
    session: AsyncSession, sources: Iterable[ChatSource], client: Client, limit: int
) -> list[ChatMoment]:
    """The newest ``limit`` moments of ``client``'s chat with the business, newest first."""
    moments: list[ChatMoment] = []
    for source in sources:
        moments.extend(await source(session, client, limit))
    moments.sort(key=lambda moment: moment.at, reverse=True)
    return moments[:limit]
