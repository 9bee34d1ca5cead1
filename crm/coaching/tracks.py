"""Tracks: a client's goal that a coach works on. Staff who may open the client card open a
track, set its status (open, then achieved or dropped, once), plan the client's steps and write
the coach's strategy; the client sees their own tracks and steps and ticks steps off, never the
strategy. A track may ask its client for a progress report every so many days
(crm/coaching/track_reports.py sends the question)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from crm.coaching.track_rules import check_move
from crm.errors import InvalidInput, NotFound
from crm.i18n import N_
from crm.people.clients import coach_named, may_be_coach, visible_client
from crm.people.names import clean_text
from crm.permissions import Actor, require_staff
from crm.visibility import load_visible, visible_tracks
from db.enums import TrackStatus
from db.models import ClientReport, ClientStep, StrategyEntry, Track

# How often a client may be asked for a progress report: from every day to every quarter.
REPORT_EVERY_DAYS = range(1, 92)


def check_report_every(days: int | None) -> int | None:
    if days is not None and days not in REPORT_EVERY_DAYS:
        raise InvalidInput(
            N_("a progress report is asked for every {least} to {most} days"),
            field="report_every_days",
            least=REPORT_EVERY_DAYS.start,
            most=REPORT_EVERY_DAYS.stop - 1,
        )
    return days


async def track_for(
    session: AsyncSession, *, actor: Actor, track_id: int, with_strategy: bool = False
) -> Track:
    """The track ``actor`` may see, with its steps (and, for staff, its strategy)."""
    options = [selectinload(Track.steps), selectinload(Track.client), selectinload(Track.coach)]
    if with_strategy:
        require_staff(actor)
        options.append(selectinload(Track.strategy))
    track = await load_visible(session, Track, track_id, visible_to=actor, options=options)
    if track is None:
        raise NotFound(N_("that track does not exist"))
    return track


async def progress_reports(
    session: AsyncSession, *, actor: Actor, track_id: int
) -> Sequence[ClientReport]:
    """The client's progress reports on a track ``actor`` may see, newest first."""
    track = await track_for(session, actor=actor, track_id=track_id)
    found = await session.scalars(
        select(ClientReport)
        .where(ClientReport.track_id == track.id)
        .order_by(ClientReport.created_at.desc(), ClientReport.id.desc())
    )
    return found.all()


def next_report_due(track: Track) -> datetime | None:
    """When the client is next asked for a progress report: a schedule's days after the last
    time they were asked (or after the track opened); None without a schedule or once closed."""
    if track.report_every_days is None or track.status is not TrackStatus.OPEN:
        return None
    return (track.report_asked_at or track.created_at) + timedelta(days=track.report_every_days)


async def tracks_of(session: AsyncSession, *, actor: Actor, client_id: int) -> Sequence[Track]:
    """A client's tracks that ``actor`` may see, newest first, with their steps."""
    found = await session.scalars(
        select(Track)
        .where(Track.client_id == client_id, visible_tracks(actor))
        .options(selectinload(Track.steps), selectinload(Track.coach))
        .order_by(Track.id.desc())
    )
    return found.all()


async def open_track(
    session: AsyncSession,
    *,
    actor: Actor,
    client_id: int,
    goal: str,
    coach_id: int | None = None,
    report_every_days: int | None = None,
) -> Track:
    """A new open goal for a client card ``actor`` may open; the coach is ``coach_id``, else
    the client's coach, else ``actor``: always someone who coaches
    (``crm.people.clients.coach_named``), never a helper (the track's coach is sent the client's
    progress reports)."""
    me = require_staff(actor)
    client = await visible_client(session, actor, client_id)
    if coach_id is not None:
        coach_id = (await coach_named(session, coach_id)).id
    elif client.coach_id is None and await may_be_coach(session, me):
        coach_id = me.id
    track = Track(
        client_id=client.id,
        coach_id=coach_id or client.coach_id,
        goal=clean_text(goal, required=True, field="goal"),
        report_every_days=check_report_every(report_every_days),
    )
    session.add(track)
    await session.flush()
    return track


async def set_track_status(
    session: AsyncSession, *, actor: Actor, track_id: int, status: TrackStatus
) -> Track:
    """An open track becomes achieved or dropped, once (``crm.coaching.track_rules.MOVES``)."""
    require_staff(actor)
    track = await track_for(session, actor=actor, track_id=track_id)
    check_move(actor, track, status)
    track.status = status
    await session.flush()
    return track


async def set_report_schedule(
    session: AsyncSession, *, actor: Actor, track_id: int, every_days: int | None
) -> Track:
    """How often the track's client is asked for a progress report (None: never)."""
    require_staff(actor)
    track = await track_for(session, actor=actor, track_id=track_id)
    track.report_every_days = check_report_every(every_days)
    await session.flush()
    return track


async def add_step(
    session: AsyncSession, *, actor: Actor, track_id: int, text: str, due: date | None = None
) -> ClientStep:
    """A step of the client's plan on the track: by the client or by staff who see the track."""
    track = await track_for(session, actor=actor, track_id=track_id)
    step = ClientStep(
        track_id=track.id, text=clean_text(text, required=True, field="text"), due=due
    )
    session.add(step)
    await session.flush()
    return step


async def finish_step(
    session: AsyncSession, *, actor: Actor, step_id: int, now: datetime
) -> ClientStep:
    """Tick a step off (once); whoever sees its track."""
    step = await session.get(ClientStep, step_id)
    if step is None:
        raise NotFound(N_("that step does not exist"))
    await track_for(session, actor=actor, track_id=step.track_id)
    if step.done_at is not None:
        raise InvalidInput(N_("that step is already done"))
    step.done_at = now
    await session.flush()
    return step


async def add_strategy(
    session: AsyncSession, *, actor: Actor, track_id: int, text: str, now: datetime
) -> StrategyEntry:
    """The coach's note on how to work towards the goal: staff only, never shown to clients."""
    me = require_staff(actor)
    track = await track_for(session, actor=actor, track_id=track_id)
    entry = StrategyEntry(
        track_id=track.id,
        author_id=me.id,
        text=clean_text(text, required=True, field="text"),
        created_at=now,
    )
    session.add(entry)
    await session.flush()
    return entry
