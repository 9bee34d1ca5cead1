"""Coaching's part of the daily digest: a coach's sessions of the day and the sessions held
whose meeting report is overdue."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from crm.areas import DigestDay, DigestText
from crm.coaching.reminders import report_overdue
from crm.coaching.rules import SESSION_STATUS_NAMES
from crm.i18n import numbered
from crm.moments import written_clock
from crm.notify import Notifier
from crm.telegram_html import escape
from db.enums import SessionStatus
from db.models import Client, CoachingSession

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


async def coaching_digest(session: AsyncSession, notifier: Notifier, ask: DigestDay) -> DigestText:
    """The coaches' sessions of the day and their overdue reports, for everyone or the asker."""
    by_coach = await _coaching_by_coach(
        session, day=ask.day, now=ask.now, zone=notifier.zone, coach_id=ask.employee_id
    )

    def text(employee_id: int, _manager: bool, language: str | None) -> str:
        return coaching_text(notifier, language, by_coach.get(employee_id, CoachingDigest()))

    return text
