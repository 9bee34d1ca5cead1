"""Whom a client works with in sales: the owners of their open deals
(``crm.areas.Area.client_staff``)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from crm.people.staff import employee_ids
from crm.sales.rules import OPEN_STAGES
from db.models import Client, Deal


async def deal_owners(session: AsyncSession, client: Client) -> set[int]:
    return await employee_ids(
        session, Deal.owner_id, Deal.client_id == client.id, Deal.stage.in_(OPEN_STAGES)
    )
