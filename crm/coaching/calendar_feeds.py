"""Private calendar feeds: each coach, teacher and client may have an iCalendar URL of their
sessions, which phones and Google or Outlook calendars subscribe to. The URL carries a secret
token; only its SHA-256 is kept, so the database cannot give it away, and making a new one or
revoking it ends the old URL at once."""

from __future__ import annotations

from datetime import datetime, timedelta

from icalendar import Calendar, Event
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from crm.errors import PermissionDenied
from crm.i18n import N_
from crm.permissions import Actor
from crm.tokens import new_token, token_hash
from crm.visibility import visible_sessions
from db.enums import SessionFormat, SessionStatus
from db.models import CalendarFeed, Client, CoachingSession, Employee

# How far back and ahead a feed reaches.
PAST, AHEAD = timedelta(days=90), timedelta(days=366)
PRODUCT_ID = "-//Frontdoor CRM//sessions//EN"


def _owner(actor: Actor) -> dict[str, int | None]:
    if isinstance(actor, Employee) and actor.active:
        return {"employee_id": actor.id, "client_id": None}
    if isinstance(actor, Client):
        return {"employee_id": None, "client_id": actor.id}
    raise PermissionDenied(N_("Only staff and clients have a calendar."))


async def revoke_feeds(session: AsyncSession, *, actor: Actor, now: datetime) -> int:
    """End every calendar URL ``actor`` has; returns how many were live."""
    owner = _owner(actor)
    whose = (
        CalendarFeed.employee_id == owner["employee_id"]
        if owner["employee_id"] is not None
        else CalendarFeed.client_id == owner["client_id"]
    )
    ended = await session.execute(
        update(CalendarFeed).where(whose, CalendarFeed.revoked_at.is_(None)).values(revoked_at=now)
    )
    return int(getattr(ended, "rowcount", 0) or 0)


async def issue_feed(session: AsyncSession, *, actor: Actor, now: datetime) -> str:
    """A new secret token for ``actor``'s calendar URL; the old URL stops working."""
    owner = _owner(actor)
    await revoke_feeds(session, actor=actor, now=now)
    token = new_token()
    session.add(CalendarFeed(token_hash=token_hash(token), created_at=now, **owner))
    await session.flush()
    return token


async def feed_ics(session: AsyncSession, token: str, *, now: datetime) -> bytes | None:
    """The iCalendar document of the sessions of whoever holds ``token``, or None when the
    token is unknown or revoked."""
    feed = await session.scalar(
        select(CalendarFeed).where(
            CalendarFeed.token_hash == token_hash(token), CalendarFeed.revoked_at.is_(None)
        )
    )
    if feed is None:
        return None
    person: Employee | Client | None
    if feed.employee_id is not None:
        person = await session.get(Employee, feed.employee_id)
        if person is not None and not person.active:
            return None
    else:
        person = await session.get(Client, feed.client_id)
    if person is None:
        return None
    meetings = await session.scalars(
        select(CoachingSession)
        .where(
            visible_sessions(person),
            CoachingSession.starts_at >= now - PAST,
            CoachingSession.starts_at <= now + AHEAD,
        )
        .options(selectinload(CoachingSession.client), selectinload(CoachingSession.coach))
        .order_by(CoachingSession.starts_at, CoachingSession.id)
    )
    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", f"Frontdoor: {person.full_name}")
    for meeting in meetings:
        calendar.add_component(_event(meeting, now, _summary(meeting, person)))
    return bytes(calendar.to_ical())


def _summary(meeting: CoachingSession, reader: Employee | Client) -> str:
    """``#10 Pierre Girard · Julien Moreau`` for staff; a client's own feed names the coach
    alone, never another client of a group session (nor the session's main client)."""
    coach = meeting.coach.full_name if meeting.coach else ""
    if isinstance(reader, Client):
        return f"#{meeting.id} · {coach}" if coach else f"#{meeting.id}"
    return f"#{meeting.id} {meeting.client.full_name} · {coach}"


def _event(meeting: CoachingSession, now: datetime, summary: str) -> Event:
    event = Event()
    event.add("uid", f"session-{meeting.id}@frontdoor")
    event.add("dtstamp", now)
    event.add("dtstart", meeting.starts_at)
    event.add("dtend", meeting.starts_at + timedelta(minutes=meeting.minutes))
    event.add("summary", summary)
    event.add("status", "CANCELLED" if meeting.status is SessionStatus.CANCELLED else "CONFIRMED")
    if meeting.format is SessionFormat.ONLINE and meeting.video_link:
        event.add("location", meeting.video_link)
        event.add("url", meeting.video_link)
    return event
