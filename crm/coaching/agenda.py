"""What is coming for someone (``/agenda``), gathered from sources, one per kind of thing: a
client's upcoming sessions and requests still waiting for a coach; a coach's sessions from
today on (a helper's: those of the clients they help), the requests waiting for their answer
and the meeting reports overdue. Each source says nothing to whom it does not concern. A later
area (events joined, tasks due) gives its own ``crm.areas.Area.agenda``; ``/agenda`` merges
them (handlers/overview/agenda.py)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, time
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from crm.areas import AgendaAsk, AgendaItem
from crm.coaching.reminders import REPORT_AFTER
from crm.coaching.requests import pending_requests
from crm.errors import PermissionDenied
from crm.permissions import Actor
from crm.visibility import followed_sessions, visible_requests, visible_sessions
from db.enums import RequestStatus, SessionStatus
from db.models import Client, CoachingRequest, CoachingSession, Employee, MeetingReport

# How many things of one kind the agenda shows.
SHOWN = 20


class AgendaKind(StrEnum):
    SESSIONS = "sessions"  # planned sessions: a client's from now, a coach's from today
    REQUESTS_SENT = "requests_sent"  # a client's requests no coach has answered yet
    REQUESTS_TO_ANSWER = "requests_to_answer"  # waiting for the coach's answer
    REPORTS_OVERDUE = "reports_overdue"  # sessions the coach held with no report yet


@dataclass(frozen=True)
class AgendaPart:
    """One kind of thing on the agenda, soonest (or oldest) first; never empty."""

    kind: AgendaKind
    items: Sequence[Any]


@dataclass(frozen=True)
class AgendaQuery:
    """Whose agenda, and when: ``now``, and the business time zone ``today`` is read in."""

    actor: Actor
    now: datetime
    zone: ZoneInfo
    horizon: datetime

    @property
    def today_starts(self) -> datetime:
        local = self.now.astimezone(self.zone)
        return datetime.combine(local.date(), time(0), tzinfo=self.zone)


Source = Callable[[AsyncSession, AgendaQuery], Awaitable[AgendaPart | None]]


def _part(kind: AgendaKind, items: Sequence[Any]) -> AgendaPart | None:
    return AgendaPart(kind, items) if items else None


async def _sessions(session: AsyncSession, query: AgendaQuery) -> AgendaPart | None:
    actor = query.actor
    if isinstance(actor, Client):
        since = query.now
    elif isinstance(actor, Employee):
        # From the start of today: one held this morning and not yet marked is still on it.
        since = query.today_starts
    else:
        return None
    found = await session.scalars(
        select(CoachingSession)
        .where(followed_sessions(actor), CoachingSession.status == SessionStatus.PLANNED)
        .where(CoachingSession.starts_at >= since)
        .where(CoachingSession.starts_at < query.horizon)
        .options(selectinload(CoachingSession.client), selectinload(CoachingSession.coach))
        .order_by(CoachingSession.starts_at, CoachingSession.id)
        .limit(SHOWN)
    )
    return _part(AgendaKind.SESSIONS, list(found))


async def _requests_sent(session: AsyncSession, query: AgendaQuery) -> AgendaPart | None:
    if not isinstance(query.actor, Client):
        return None
    found = await session.scalars(
        select(CoachingRequest)
        .where(visible_requests(query.actor), CoachingRequest.status == RequestStatus.PENDING)
        .options(selectinload(CoachingRequest.coach), selectinload(CoachingRequest.domain))
        .order_by(CoachingRequest.id)
        .limit(SHOWN)
    )
    return _part(AgendaKind.REQUESTS_SENT, list(found))


async def _requests_to_answer(session: AsyncSession, query: AgendaQuery) -> AgendaPart | None:
    if not isinstance(query.actor, Employee):
        return None
    try:
        found = await pending_requests(session, actor=query.actor)
    except PermissionDenied:  # staff who do not coach answer no requests
        return None
    return _part(AgendaKind.REQUESTS_TO_ANSWER, found[:SHOWN])


async def _reports_overdue(session: AsyncSession, query: AgendaQuery) -> AgendaPart | None:
    actor = query.actor
    if not isinstance(actor, Employee):
        return None
    found = await session.scalars(
        select(CoachingSession)
        .where(
            visible_sessions(actor),
            CoachingSession.coach_id == actor.id,
            CoachingSession.status == SessionStatus.DONE,
            CoachingSession.starts_at <= query.now - REPORT_AFTER,
            ~select(MeetingReport.id)
            .where(MeetingReport.session_id == CoachingSession.id)
            .exists(),
        )
        .options(selectinload(CoachingSession.client), selectinload(CoachingSession.coach))
        .order_by(CoachingSession.starts_at, CoachingSession.id)
        .limit(SHOWN)
    )
    return _part(AgendaKind.REPORTS_OVERDUE, list(found))


# In the order the agenda shows them.
SOURCES: tuple[Source, ...] = (_sessions, _requests_sent, _requests_to_answer, _reports_overdue)


async def agenda(
    session: AsyncSession, *, actor: Actor, now: datetime, zone: ZoneInfo, horizon: datetime
) -> list[AgendaPart]:
    """What is coming for ``actor``: the non-empty parts, in ``SOURCES`` order."""
    query = AgendaQuery(actor, now, zone, horizon)
    parts = [await source(session, query) for source in SOURCES]
    return [part for part in parts if part is not None]


async def agenda_items(session: AsyncSession, ask: AgendaAsk) -> list[AgendaItem]:
    """Coaching's part of ``/agenda`` (``crm.areas.Area.agenda``): the sessions, dated; the
    requests and the reports overdue, undated, in ``SOURCES`` order."""
    parts = await agenda(session, actor=ask.actor, now=ask.now, zone=ask.zone, horizon=ask.horizon)
    return [
        AgendaItem(
            f"coaching.{part.kind}",
            item,
            item.starts_at if part.kind is AgendaKind.SESSIONS else None,
        )
        for part in parts
        for item in part.items
    ]
