"""The daily digest: each employee's open tickets (and, for managers, the queue); for coaches,
their sessions of the day and the sessions held whose meeting report is overdue."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from crm.coaching.reminders import report_overdue
from crm.coaching.rules import SESSION_STATUS_NAMES
from crm.i18n import numbered
from crm.moments import written_clock
from crm.notify import Notifier
from crm.permissions import Actor, is_manager, manager_rows, require_staff
from crm.telegram_html import escape
from crm.tickets.notices import DigestLine, digest_text
from crm.tickets.queues import my_tickets, queue_size
from crm.tickets.rules import OPEN_STATUSES
from db.enums import SessionStatus
from db.models import Client, CoachingSession, Employee, Ticket


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


# At most this many overdue reports are listed one by one; the rest are counted.
OVERDUE_SHOWN = 10


@dataclass
class CoachingDigest:
    """A coach's part of the digest: the day's sessions and the reports overdue, oldest first."""

    today: list[tuple[int, datetime, str, SessionStatus]] = field(default_factory=list)
    overdue: list[tuple[int, datetime, str]] = field(default_factory=list)


def _business_day(day: date, zone: ZoneInfo) -> tuple[datetime, datetime]:
    start = datetime.combine(day, time(0), tzinfo=zone)
    return start.astimezone(UTC), (start + timedelta(days=1)).astimezone(UTC)


async def _coaching_by_coach(
    session: AsyncSession, *, day: date, now: datetime, zone: ZoneInfo, coach_id: int | None = None
) -> dict[int, CoachingDigest]:
    """The day's sessions (not cancelled) and the overdue reports, keyed by coach: two queries
    for everyone (the morning fan-out), or for the one coach asking."""
    first, last = _business_day(day, zone)
    mine = [] if coach_id is None else [CoachingSession.coach_id == coach_id]
    columns = (
        CoachingSession.coach_id,
        CoachingSession.id,
        CoachingSession.starts_at,
        Client.full_name,
        CoachingSession.status,
    )
    today = await session.execute(
        select(*columns)
        .join(Client, Client.id == CoachingSession.client_id)
        .where(
            CoachingSession.coach_id.is_not(None),
            CoachingSession.starts_at >= first,
            CoachingSession.starts_at < last,
            CoachingSession.status != SessionStatus.CANCELLED,
            *mine,
        )
        .order_by(CoachingSession.starts_at, CoachingSession.id)
    )
    by_coach: dict[int, CoachingDigest] = defaultdict(CoachingDigest)
    for coach, session_id, starts_at, name, status in today:
        if coach is not None:  # filtered above
            by_coach[coach].today.append((session_id, starts_at, name, status))
    overdue = await session.execute(
        select(*columns)
        .join(Client, Client.id == CoachingSession.client_id)
        .where(CoachingSession.coach_id.is_not(None), report_overdue(now), *mine)
        .order_by(CoachingSession.starts_at, CoachingSession.id)
    )
    for coach, session_id, starts_at, name, _status in overdue:
        if coach is not None:  # filtered above
            by_coach[coach].overdue.append((session_id, starts_at, name))
    return by_coach


def coaching_text(notifier: Notifier, language: str | None, part: CoachingDigest) -> str:
    """The coach's sessions of the day and reports overdue, in ``language`` (empty if none)."""
    tr = notifier.translator(language)
    lines: list[str] = []
    if part.today:
        lines.append(tr.gettext("📅 Your sessions today: {count}", count=len(part.today)))
        for session_id, starts_at, name, status in part.today:
            lines.append(
                f"{numbered(tr, 'session', session_id)}"
                f" · {written_clock(starts_at, tr.language, notifier.zone)}"
                f" · {escape(name)} · {tr.gettext(SESSION_STATUS_NAMES[status])}"
            )
    if part.overdue:
        if lines:
            lines.append("")
        lines.append(tr.gettext("📝 Meeting reports overdue: {count}", count=len(part.overdue)))
        for session_id, starts_at, name in part.overdue[:OVERDUE_SHOWN]:
            lines.append(
                f"{numbered(tr, 'session', session_id)}"
                f" · {notifier.moment(tr.language, starts_at)} · {escape(name)}"
                f": /report {session_id}"
            )
        if len(part.overdue) > OVERDUE_SHOWN:
            lines.append(tr.gettext("… and {count} more", count=len(part.overdue) - OVERDUE_SHOWN))
    return "\n".join(lines)


def _with_coaching(text: str, coaching: str) -> str:
    return f"{text}\n\n{coaching}" if coaching else text


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
        # Their chosen language, else their Telegram app's (as Notifier.language_of).
        select(
            Employee.id,
            Employee.telegram_id,
            manager_rows(),  # is_manager, read in the query: managers are told the queue
            func.coalesce(Employee.language, Employee.telegram_language),
        )
        .where(Employee.active.is_(True), Employee.telegram_id.is_not(None))
        .order_by(Employee.id)
    )
    by_employee = await _open_tickets_by_employee(session)
    coaching = await _coaching_by_coach(session, day=day, now=now, zone=notifier.zone)
    waiting = await queue_size(session)
    digests: list[tuple[int, str, str]] = []
    for employee_id, chat_id, manager, language in staff:
        lines = by_employee.get(employee_id, [])
        queue_for_them = waiting if manager else None
        their_sessions = coaching_text(
            notifier, language, coaching.get(employee_id, CoachingDigest())
        )
        if not lines and not queue_for_them and not their_sessions:
            continue  # an empty digest is noise
        text = _with_coaching(
            digest_text(notifier, language, lines, queue_for_them), their_sessions
        )
        assert chat_id is not None  # filtered above
        digests.append((chat_id, text, f"digest:{employee_id}:{day.isoformat()}"))
    return await notifier.enqueue_once(session, digests, now=now)


async def digest_now(
    session: AsyncSession, notifier: Notifier, *, actor: Actor, now: datetime
) -> str:
    """The asker's digest, to show right away (``/digest``); ``now`` says which business day."""
    employee: Employee = require_staff(actor)
    tickets = await my_tickets(session, actor=employee)
    waiting = await queue_size(session) if is_manager(employee) else None
    lines = [DigestLine.of(ticket) for ticket in tickets]
    day = now.astimezone(notifier.zone).date()
    coaching = await _coaching_by_coach(
        session, day=day, now=now, zone=notifier.zone, coach_id=employee.id
    )
    part = coaching.get(employee.id, CoachingDigest())
    language = notifier.language_of(employee)
    text = digest_text(notifier, language, lines, waiting)
    return _with_coaching(text, coaching_text(notifier, language, part))
