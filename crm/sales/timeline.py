"""Sales on a client's timeline: each of their deals opened, moved, won or lost."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from crm.overview.timeline import Event, EventKind
from crm.permissions import Actor
from crm.sales.rules import STAGE_NAMES
from crm.visibility import visible_deals
from db.models import Deal, DealMove


async def deal_moves(
    session: AsyncSession, actor: Actor, client_id: int, limit: int
) -> list[Event]:
    """The moves of the client's deals ``actor`` may see: ``other`` is the stage it left
    (empty for the move that opened it), ``status`` the one it reached."""
    rows = await session.execute(
        select(
            DealMove.id,
            DealMove.moved_at,
            DealMove.from_stage,
            DealMove.to_stage,
            DealMove.note,
            Deal.id,
            Deal.name,
        )
        .join(Deal, Deal.id == DealMove.deal_id)
        .where(Deal.client_id == client_id, visible_deals(actor))
        .order_by(DealMove.moved_at.desc(), DealMove.id.desc())
        .limit(limit)
    )
    return [
        Event(
            at,
            EventKind.DEAL_MOVE,
            move_id,
            title=name if note is None else f"{name}: {note}",
            status=to,
            parent_id=deal_id,
            other="" if before is None else before.value,
            status_name=STAGE_NAMES[to],
        )
        for move_id, at, before, to, note, deal_id, name in rows
    ]
