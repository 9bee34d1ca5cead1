"""Whom a client works with at the school: the teachers of their open contracts
(``crm.areas.Area.client_staff``)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from crm.school.rules import OPEN_STATUSES
from db.models import Client, Contract


async def contract_teachers(session: AsyncSession, client: Client) -> set[int]:
    found = await session.scalars(
        select(Contract.teacher_id).where(
            Contract.client_id == client.id,
            Contract.status.in_(OPEN_STATUSES),
            Contract.teacher_id.is_not(None),
        )
    )
    return {employee_id for employee_id in found if employee_id is not None}
