"""The service desk's numbers on the dashboard, within what the viewer may see: open tickets by
status and by assignee, tickets opened per day, the unassigned and the overdue."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from crm.permissions import Actor, require_staff
from crm.tickets.rules import OPEN_STATUSES
from crm.visibility import visible_tickets
from db.enums import TicketStatus
from db.models import Employee, Ticket

CHART_DAYS = 30
# An open ticket older than this needs a look.
OVERDUE_AFTER = timedelta(days=3)
SHORT_LIST = 10


@dataclass(frozen=True)
class TicketFigures:
    by_status: list[tuple[TicketStatus, int]]
    by_assignee: list[tuple[int | None, str | None, int]]  # id, name; None: nobody
    per_day: list[tuple[date, int]]
    unassigned: list[Ticket]
    overdue: list[Ticket]


async def ticket_figures(
    session: AsyncSession, *, actor: Actor, zone: ZoneInfo, now: datetime
) -> TicketFigures:
    """The viewer's numbers as they stand at ``now``: its day, and what is open too long by then."""
    viewer = require_staff(actor)
    base = select(Ticket).where(visible_tickets(viewer)).subquery()
    counts = await session.execute(
        select(base.c.status, func.count())
        .where(base.c.status.in_(OPEN_STATUSES))
        .group_by(base.c.status)
    )
    by_status_map = {TicketStatus(status): int(count) for status, count in counts}
    by_status = [
        (status, by_status_map.get(status, 0)) for status in TicketStatus if status in OPEN_STATUSES
    ]
    per_assignee = await session.execute(
        select(Employee.id, Employee.full_name, func.count())
        .select_from(base)
        .outerjoin(Employee, Employee.id == base.c.assignee_id)
        .where(base.c.status.in_(OPEN_STATUSES))
        .group_by(Employee.id, Employee.full_name)
        .order_by(func.count().desc())
    )
    today = now.astimezone(zone).date()
    since = datetime.combine(today - timedelta(days=CHART_DAYS - 1), datetime.min.time(), zone)
    created = await session.scalars(select(base.c.created_at).where(base.c.created_at >= since))
    days = Counter(moment.astimezone(zone).date() for moment in created)
    per_day = [
        (day, days.get(day, 0))
        for day in (today - timedelta(days=back) for back in range(CHART_DAYS - 1, -1, -1))
    ]
    listing = select(Ticket).where(visible_tickets(viewer)).options(selectinload(Ticket.client))
    unassigned = await session.scalars(
        listing.where(Ticket.assignee_id.is_(None), Ticket.status.in_(OPEN_STATUSES))
        .order_by(Ticket.created_at)
        .limit(SHORT_LIST)
    )
    overdue = await session.scalars(
        listing.options(selectinload(Ticket.assignee))
        .where(Ticket.status.in_(OPEN_STATUSES), Ticket.created_at < now - OVERDUE_AFTER)
        .order_by(Ticket.created_at)
        .limit(SHORT_LIST)
    )
    return TicketFigures(
        by_status=by_status,
        by_assignee=[(person, name, int(count)) for person, name, count in per_assignee],
        per_day=per_day,
        unassigned=list(unassigned),
        overdue=list(overdue),
    )
