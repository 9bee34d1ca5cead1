"""The daily digest: each employee's open tickets (and, for managers, the queue)."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from crm.notify import Notifier
from crm.permissions import MANAGER_ROLES, Actor, is_manager, require_staff
from crm.ticket_notices import DigestLine, digest_text
from crm.ticket_rules import OPEN_STATUSES
from crm.tickets import my_tickets, queue_size
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


async def enqueue_digests(
    session: AsyncSession, notifier: Notifier, *, day: date, now: datetime
) -> int:
    """Queue ``day``'s digest for every employee with something open; at most once a day each.

    ``day`` is the business day (in CRM_TIMEZONE) the digest is for; ``now`` the moment it is
    queued at.

    Returns how many were queued now (not those queued earlier the same day). Plain rows rather
    than ORM objects: the morning fan-out reaches every employee at once.
    """
    staff = await session.execute(
        select(Employee.id, Employee.telegram_id, Employee.role, Employee.language)
        .where(Employee.active.is_(True), Employee.telegram_id.is_not(None))
        .order_by(Employee.id)
    )
    by_employee = await _open_tickets_by_employee(session)
    waiting = await queue_size(session)
    digests: list[tuple[int, str, str]] = []
    for employee_id, chat_id, role, language in staff:
        lines = by_employee.get(employee_id, [])
        queue_for_them = waiting if role in MANAGER_ROLES else None
        if not lines and not queue_for_them:
            continue  # an empty digest is noise
        text = digest_text(notifier, language, lines, queue_for_them)
        assert chat_id is not None  # filtered above
        digests.append((chat_id, text, f"digest:{employee_id}:{day.isoformat()}"))
    return await notifier.enqueue_once(session, digests, now=now)


async def digest_now(session: AsyncSession, notifier: Notifier, *, actor: Actor) -> str:
    """The asker's digest, to show right away (``/digest``)."""
    employee: Employee = require_staff(actor)
    tickets = await my_tickets(session, actor=employee)
    waiting = await queue_size(session) if is_manager(employee) else None
    lines = [DigestLine.of(ticket) for ticket in tickets]
    return digest_text(notifier, employee.language, lines, waiting)
