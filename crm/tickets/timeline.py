"""The service desk's events on a client's timeline: their tickets."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from crm.overview.timeline import Event, EventKind
from crm.permissions import Actor
from crm.tickets.rules import STATUS_NAMES
from crm.visibility import visible_tickets
from db.models import Ticket


async def ticket_events(
    session: AsyncSession, actor: Actor, client_id: int, limit: int
) -> list[Event]:
    rows = await session.execute(
        select(Ticket.id, Ticket.created_at, Ticket.title, Ticket.status)
        .where(Ticket.client_id == client_id, visible_tickets(actor))
        .order_by(Ticket.created_at.desc(), Ticket.id.desc())
        .limit(limit)
    )
    return [
        Event(at, EventKind.TICKET, ticket_id, title, status, status_name=STATUS_NAMES[status])
        for ticket_id, at, title, status in rows
    ]
