"""Tickets' part of the daily digest: each employee's open tickets (those assigned to them and
those of the clients they help) and, for managers, how many wait in the queue."""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from crm.areas import DigestDay, DigestText
from crm.notify import Notifier
from crm.tickets.notices import DigestLine, digest_text
from crm.tickets.queues import my_tickets, queue_size
from crm.tickets.rules import OPEN_STATUSES
from db.models import Client, Employee, Ticket


async def _open_tickets_by_employee(session: AsyncSession) -> dict[int, list[DigestLine]]:
    """Open tickets keyed by who should hear of them: the assignee, and a client's helper."""
    rows = await session.execute(
        select(
            Ticket.id,
            Ticket.status,
            Client.full_name,
            Ticket.title,
            Ticket.assignee_id,
            Client.helper_id,
        )
        .join(Client)
        .where(Ticket.status.in_(OPEN_STATUSES))
        .order_by(Ticket.id)
    )
    by_employee: dict[int, list[DigestLine]] = defaultdict(list)
    for ticket_id, status, client_name, title, assignee, helper in rows:
        line = DigestLine(ticket_id, status, client_name, title)
        if assignee is not None:
            by_employee[assignee].append(line)
        if helper is not None and helper != assignee:
            by_employee[helper].append(line)
    return by_employee


async def ticket_digest(session: AsyncSession, notifier: Notifier, ask: DigestDay) -> DigestText:
    """Open tickets per employee (and the queue for managers), for everyone or the asker.

    The asker always gets the count, even nothing open; the morning digest skips them then.
    """
    if ask.employee_id is None:
        by_employee = await _open_tickets_by_employee(session)
    else:
        asker = await session.get(Employee, ask.employee_id)
        assert asker is not None  # the asker was read by the caller
        mine = await my_tickets(session, actor=asker)
        by_employee = {asker.id: [DigestLine.of(ticket) for ticket in mine]}
    waiting = await queue_size(session)

    def text(employee_id: int, manager: bool, language: str | None) -> str:
        lines = by_employee.get(employee_id, [])
        queue = waiting if manager else None
        if ask.employee_id is None and not lines and not queue:
            return ""
        return digest_text(notifier, language, lines, queue)

    return text
