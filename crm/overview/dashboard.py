"""What the dashboard shows whatever areas are on: the clients who blocked the bot."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from crm.permissions import Actor, require_staff
from crm.visibility import visible_clients
from db.models import Client

SHOWN = 50


async def unreachable_clients(session: AsyncSession, *, actor: Actor) -> list[Client]:
    """The clients ``actor`` may see who blocked the bot, by name."""
    viewer = require_staff(actor)
    found = await session.scalars(
        select(Client)
        .where(Client.unreachable.is_(True), visible_clients(viewer))
        .order_by(Client.full_name)
        .limit(SHOWN)
    )
    return list(found)
