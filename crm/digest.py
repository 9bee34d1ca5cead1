"""The daily digest: each employee's open tickets (and, for managers, the queue)."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from crm.notify import Notifier
from crm.permissions import Actor, is_manager, require_staff
from crm.staff import active_staff_with_telegram
from crm.ticket_rules import OPEN_STATUSES
from crm.tickets import my_tickets, queue_size
from db.models import Client, Employee, Ticket


async def _open_tickets_by_employee(session: AsyncSession) -> dict[int, list[Ticket]]:
    """Open tickets keyed by who should hear of them: the assignee, and a client's helper."""
    tickets = await session.scalars(
        select(Ticket)
        .options(selectinload(Ticket.client))
        .join(Client)
        .where(Ticket.status.in_(OPEN_STATUSES))
        .order_by(Ticket.id)
    )
    by_employee: dict[int, list[Ticket]] = defaultdict(list)
    for ticket in tickets:
        if ticket.assignee_id is not None:
            by_employee[ticket.assignee_id].append(ticket)
        helper = ticket.client.helper_id
        if helper is not None and helper != ticket.assignee_id:
            by_employee[helper].append(ticket)
    return by_employee


async def enqueue_digests(session: AsyncSession, notifier: Notifier, day: date) -> int:
    """Queue ``day``'s digest for every employee with something open; at most once a day each.

    Returns how many were queued now (not those queued earlier the same day).
    """
    staff = await active_staff_with_telegram(session)
    by_employee = await _open_tickets_by_employee(session)
    waiting = await queue_size(session)
    digests = []
    for employee in staff:
        tickets = by_employee.get(employee.id, [])
        queue_for_them = waiting if is_manager(employee) else None
        if not tickets and not queue_for_them:
            continue  # an empty digest is noise
        digests.append(notifier.digest(employee, tickets, queue_for_them, day))
    return await notifier.enqueue_once(session, digests)


async def digest_now(session: AsyncSession, notifier: Notifier, *, actor: Actor) -> str:
    """The asker's digest, to show right away (``/digest``)."""
    employee: Employee = require_staff(actor)
    tickets = await my_tickets(session, actor=employee)
    waiting = await queue_size(session) if is_manager(employee) else None
    return notifier.digest_text(employee, tickets, waiting)
