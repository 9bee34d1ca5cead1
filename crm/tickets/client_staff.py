"""Whom a client works with at the service desk: the assignees of their open tickets
(``crm.areas.Area.client_staff``)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from crm.tickets.rules import OPEN_STATUSES
from db.models import Client, Ticket


async def ticket_assignees(session: AsyncSession, client: Client) -> set[int]:
    found = await session.scalars(
        select(Ticket.assignee_id).where(
            Ticket.client_id == client.id,
            Ticket.status.in_(OPEN_STATUSES),
            Ticket.assignee_id.is_not(None),
        )
    )
    return {employee_id for employee_id in found if employee_id is not None}
