"""A client's interaction log: the calls, meetings, emails and notes logged with them (and the
chats logged on their deals), merged with every moment they and the business wrote to each
other in Telegram (``crm.chats``), newest first. Only the logged ones have notes; a chat is
shown as a chat, its text staying in the record it belongs to."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from crm.chats import ChatSource, client_chats
from crm.people.clients import get_client
from crm.permissions import Actor
from crm.visibility import visible_deals, visible_interactions
from db.enums import InteractionKind
from db.models import Deal, Interaction

LOG_PAGE = 30


@dataclass(frozen=True)
class LogEntry:
    """One line of the log. ``by`` is who logged it (None: the client wrote, or a chat);
    ``deal_id``/``deal_name`` only for a deal the viewer may see."""

    at: datetime
    kind: InteractionKind
    notes: str | None = None
    by: str | None = None
    from_client: bool | None = None
    deal_id: int | None = None
    deal_name: str | None = None


async def interaction_log(
    session: AsyncSession,
    sources: Sequence[ChatSource],
    *,
    actor: Actor,
    client_id: int,
    limit: int = LOG_PAGE,
) -> list[LogEntry]:
    """The newest ``limit`` entries of the log of a client ``actor`` may open (staff)."""
    client = await get_client(session, actor=actor, client_id=client_id)
    found = await session.scalars(
        select(Interaction)
        .where(Interaction.client_id == client.id, visible_interactions(actor))
        .order_by(Interaction.happened_at.desc(), Interaction.id.desc())
        .limit(limit)
        .options(selectinload(Interaction.by), selectinload(Interaction.deal))
    )
    logged = list(found)
    # A deal is named only to those who may see it (a specialist may see the client through
    # a ticket, and not the deal someone else owns).
    deal_ids = {row.deal_id for row in logged if row.deal_id is not None}
    shown_deals = (
        set(
            await session.scalars(
                select(Deal.id).where(Deal.id.in_(deal_ids), visible_deals(actor))
            )
        )
        if deal_ids
        else set()
    )
    entries = [
        LogEntry(
            at=row.happened_at,
            kind=row.kind,
            notes=row.notes,
            by=row.by.full_name if row.by is not None else None,
            from_client=True if row.kind is InteractionKind.CHAT else None,
            deal_id=row.deal_id if row.deal_id in shown_deals else None,
            deal_name=row.deal.name if row.deal and row.deal_id in shown_deals else None,
        )
        for row in logged
    ]
    # A message already logged as a chat on a deal (crm/sales/client_chats.py) is one entry.
    logged_chats = {e.at.replace(second=0, microsecond=0) for e in entries if e.from_client}
    for moment in await client_chats(session, sources, client, limit):
        if moment.from_client and moment.at.replace(second=0, microsecond=0) in logged_chats:
            continue
        entries.append(
            LogEntry(at=moment.at, kind=InteractionKind.CHAT, from_client=moment.from_client)
        )
    entries.sort(key=lambda entry: entry.at, reverse=True)
    return entries[:limit]
