"""The lists of tickets the bot shows: a client's own, the queue nobody is assigned to, an
employee's open tickets, and how long the queue is."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from crm.permissions import Actor, is_helper, require_staff
from crm.tickets.rules import (
    FINAL_STATUSES,
    OPEN_STATUSES,
)
from crm.visibility import visible_tickets
from db.models import (
    Client,
    Ticket,
)


async def client_tickets(
    session: AsyncSession, client: Client, *, open_only: bool = False, limit: int = 30
) -> list[Ticket]:
    """The client's tickets, newest first."""
    query = (
        select(Ticket).where(Ticket.client_id == client.id).order_by(Ticket.id.desc()).limit(limit)
    )
    if open_only:
        query = query.where(Ticket.status.not_in(FINAL_STATUSES))
    return list(await session.scalars(query))


async def queue(session: AsyncSession, *, actor: Actor, limit: int = 30) -> list[Ticket]:
    """Open tickets nobody is assigned to, oldest first (helpers: their clients' only)."""
    employee = require_staff(actor)
    query = (
        select(Ticket)
        .options(selectinload(Ticket.client))
        .where(Ticket.assignee_id.is_(None), Ticket.status.in_(OPEN_STATUSES))
        .order_by(Ticket.id)
        .limit(limit)
    )
    return list(await session.scalars(query.where(visible_tickets(employee))))


async def my_tickets(session: AsyncSession, *, actor: Actor, limit: int = 50) -> list[Ticket]:
    """The open tickets assigned to the asker (helpers: those of their clients)."""
    employee = require_staff(actor)
    query = (
        select(Ticket)
        .options(selectinload(Ticket.client))
        .where(Ticket.status.in_(OPEN_STATUSES))
        .order_by(Ticket.id)
        .limit(limit)
    )
    # A helper works through their clients: all of their open tickets are theirs to follow.
    mine = visible_tickets(employee) if is_helper(employee) else None
    query = query.where(mine if mine is not None else Ticket.assignee_id == employee.id)
    return list(await session.scalars(query))


async def queue_size(session: AsyncSession) -> int:
    """How many open tickets wait for someone."""
    return int(
        await session.scalar(
            select(func.count())
            .select_from(Ticket)
            .where(Ticket.assignee_id.is_(None), Ticket.status.in_(OPEN_STATUSES))
        )
        or 0
    )
