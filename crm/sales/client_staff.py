"""Whom a client works with in sales: the owners of their open deals
(``crm.areas.Area.client_staff``)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from crm.sales.rules import OPEN_STAGES
from db.models import Client, Deal


async def deal_owners(session: AsyncSession, client: Client) -> set[int]:
    found = await session.scalars(
        select(Deal.owner_id).where(
            Deal.client_id == client.id, Deal.stage.in_(OPEN_STAGES), Deal.owner_id.is_not(None)
        )
    )
    return {employee_id for employee_id in found if employee_id is not None}
