"""The workspace's part of ``/agenda`` (``crm.areas.Area.agenda``): the person's own planned
items between now and the horizon."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from crm.areas import AgendaAsk, AgendaItem
from crm.workspace.plans import plans_between

# How many planned items the agenda shows.
SHOWN = 30


async def agenda_items(session: AsyncSession, ask: AgendaAsk) -> list[AgendaItem]:
    """The asker's planned items between now and the horizon, dated."""
    items = await plans_between(
        session, actor=ask.actor, start=ask.now, end=ask.horizon, limit=SHOWN
    )
    return [AgendaItem("workspace.plan", item, item.starts_at) for item in items]
