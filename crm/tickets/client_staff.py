"""Whom a client works with at the service desk: the assignees of their open tickets
(``crm.areas.Area.client_staff``)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from crm.people.staff import employee_ids
from crm.tickets.rules import OPEN_STATUSES
from db.models import Client, Ticket


async def ticket_assignees(session: AsyncSession, client: Client) -> set[int]:
    return await employee_ids(
        session,
        Ticket.assignee_id,
        Ticket.client_id == client.id,
        Ticket.status.in_(OPEN_STATUSES),
    )
