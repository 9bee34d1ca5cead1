"""Tickets as the admin site edits them: opened by staff for a client, changed, deleted."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from crm.errors import InvalidInput
from crm.i18n import N_
from crm.permissions import Actor, require_manager
from crm.subjects import forget_subject
from crm.ticket_notices import ticket_subject
from crm.tickets import (
    clean_text,
    load_ticket,
    open_ticket,
    record_event,
    title_of,
)
from db.enums import TicketEventKind
from db.models import Client, Department, Ticket


async def open_ticket_for(
    session: AsyncSession,
    *,
    actor: Actor,
    client_id: int,
    description: str,
    department_id: int | None,
    now: datetime,
) -> Ticket:
    """A ticket staff write down for a client (a call, a visit)."""
    require_manager(actor)
    client = await session.get(Client, client_id)
    if client is None:
        raise InvalidInput(N_("that client does not exist"), field="client_id")
    if not description.strip():
        raise InvalidInput(N_("the text must not be empty"), field="description")
    if department_id is not None and await session.get(Department, department_id) is None:
        raise InvalidInput(N_("that department does not exist"), field="department_id")
    return await open_ticket(
        session, client=client, description=description, department_id=department_id, now=now
    )


async def edit_ticket(
    session: AsyncSession,
    *,
    actor: Actor,
    ticket_id: int,
    description: str,
    department_id: int | None,
    now: datetime,
) -> Ticket:
    """Change what a ticket says and which department it belongs to; noted in its history."""
    manager = require_manager(actor)
    ticket = await load_ticket(session, ticket_id)
    text = clean_text(description, required=True)
    if department_id is not None and await session.get(Department, department_id) is None:
        raise InvalidInput(N_("that department does not exist"), field="department_id")
    if text != ticket.description:
        record_event(
            ticket,
            TicketEventKind.NOTE,
            author=manager,
            now=now,
            text=N_("description changed"),
        )
        ticket.description = text
        ticket.title = title_of(text, None)
    ticket.department_id = department_id
    await session.flush()
    return ticket


async def delete_ticket(session: AsyncSession, *, actor: Actor, ticket_id: int) -> None:
    """Delete a ticket and its history (owners and administrators)."""
    require_manager(actor)
    ticket = await load_ticket(session, ticket_id)
    await forget_subject(session, ticket_subject(ticket.id))
    await session.delete(ticket)
    await session.flush()
