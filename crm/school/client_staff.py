"""Whom a client works with at the school: the teachers of their open contracts
(``crm.areas.Area.client_staff``)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from crm.people.staff import employee_ids
from crm.school.rules import OPEN_STATUSES
from db.models import Client, Contract


async def contract_teachers(session: AsyncSession, client: Client) -> set[int]:
    return await employee_ids(
        session,
        Contract.teacher_id,
        Contract.client_id == client.id,
        Contract.status.in_(OPEN_STATUSES),
    )
