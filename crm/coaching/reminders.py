"""Reminders of coaching sessions, queued when they fall due: each client and the coach 24
hours and 1 hour before a planned session, and the coach the day after a session held without
a meeting report. A scheduled job asks every minute; each reminder has a dedupe key, so a
second process, a restart or a late run never sends one twice, and a session cancelled before
its reminder falls due gets none."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, and_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from crm.coaching.notices import reminder_text, report_overdue_text, session_subject
from crm.notify import Notifier
from crm.subjects import Subject
from db.enums import SessionStatus
from db.models import Client, CoachingSession, Employee, MeetingReport, SessionParticipant

# (name, how long before the start): the nearer one is sent alone when both are due.
BEFORE = (("1h", timedelta(hours=1)), ("24h", timedelta(hours=24)))
# The dedupe keys of session reminders start so (the notification centre files them by it).
KEY_PREFIX = "session"
# A report is asked for the day after a session, and not for sessions older than a week.
REPORT_AFTER, REPORT_LOOKBACK = timedelta(days=1), timedelta(days=7)


def _people(meeting: CoachingSession) -> list[Client | Employee]:
    clients = [meeting.client, *(p.client for p in meeting.participants)]
    people: list[Client | Employee] = [c for c in clients if not c.unreachable]
    if meeting.coach is not None:
        people.append(meeting.coach)
    return [person for person in people if person.telegram_id is not None]


def report_overdue(now: datetime) -> ColumnElement[bool]:
    """A session held a day or more before ``now`` that still has no meeting report."""
    return and_(
        CoachingSession.status == SessionStatus.DONE,
        CoachingSession.starts_at <= now - REPORT_AFTER,
        ~select(MeetingReport.id).where(MeetingReport.session_id == CoachingSession.id).exists(),
    )


async def enqueue_session_reminders(
    session: AsyncSession, notifier: Notifier, *, now: datetime
) -> int:
    """Queue the reminders due at ``now``; returns how many were new."""
    due = await session.scalars(
        select(CoachingSession)
        .where(
            CoachingSession.status == SessionStatus.PLANNED,
            CoachingSession.starts_at > now,
            CoachingSession.starts_at <= now + BEFORE[-1][1],
        )
        .options(
            selectinload(CoachingSession.client),
            selectinload(CoachingSession.coach),
            selectinload(CoachingSession.participants).selectinload(SessionParticipant.client),
        )
    )
    messages: list[tuple[int, str, str]] = []
    # Each reminder is about its session: a reply to it (a recording) is filed there.
    subjects: dict[str, Subject] = {}
    for meeting in due:
        which = next(name for name, ahead in BEFORE if meeting.starts_at - now <= ahead)
        stamp = f"{meeting.starts_at:%Y%m%d%H%M}"
        for person in _people(meeting):
            assert person.telegram_id is not None
            key = f"{KEY_PREFIX}:{meeting.id}:{stamp}:{which}:{person.telegram_id}"
            messages.append((person.telegram_id, reminder_text(notifier, person, meeting), key))
            subjects[key] = session_subject(meeting.id)
    held = await session.scalars(
        select(CoachingSession)
        .where(report_overdue(now), CoachingSession.starts_at > now - REPORT_LOOKBACK)
        .options(selectinload(CoachingSession.coach), selectinload(CoachingSession.client))
    )
    for meeting in held:
        coach = meeting.coach
        if coach is None or coach.telegram_id is None or not coach.active:
            continue
        key = f"{KEY_PREFIX}:{meeting.id}:report"
        messages.append((coach.telegram_id, report_overdue_text(notifier, coach, meeting), key))
        subjects[key] = session_subject(meeting.id)
    if not messages:
        return 0
    return await notifier.enqueue_once(session, messages, now=now, subjects=subjects)
