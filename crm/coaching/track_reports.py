"""The client's periodic progress report on a track: when a track's period (``report_every_days``)
has passed since the client was last asked (or since the track was opened), a scheduled job asks
the client for a short report, once — the question has a dedupe key (the track and the day it
fell due), so a restart or a second process never asks twice. The client answers by replying
to the question or with its button; the report is kept (``file_client_report``) and the coach
is told."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from crm.coaching.reports import file_client_report
from crm.coaching.tracks import next_report_due
from crm.notify import Notifier, button_data
from crm.permissions import Actor
from crm.subjects import Subject
from crm.telegram_html import escape
from db.enums import SubjectKind, TrackStatus
from db.models import Client, ClientReport, Track

TRACK_CALLBACK_PREFIX = "tr"
# The dedupe keys of the questions for progress reports start so.
KEY_PREFIX = "track"


def track_subject(track_id: int) -> Subject:
    return Subject(SubjectKind.TRACK, track_id)


def track_button_data(action: str, track_id: int) -> str:
    """A track button's data (``tr:report:5``), read by the bot's ``TrackAction``."""
    return button_data(TRACK_CALLBACK_PREFIX, action, track_id)


async def ask_for_track_reports(session: AsyncSession, notifier: Notifier, *, now: datetime) -> int:
    """Ask each client whose track's report is due at ``now``; returns how many were asked now."""
    tracks = await session.scalars(
        select(Track)
        .join(Client, Client.id == Track.client_id)
        .where(
            Track.status == TrackStatus.OPEN,
            Track.report_every_days.is_not(None),
            Client.telegram_id.is_not(None),
            Client.unreachable.is_(False),
        )
        .options(selectinload(Track.client))
        .order_by(Track.id)
    )
    asked = 0
    for track in tracks:
        due = next_report_due(track)
        if due is None or due > now:
            continue
        client = track.client
        assert client.telegram_id is not None  # filtered above
        tr = notifier.translator(notifier.language_of(client))
        text = tr.gettext(
            "📈 How is it going with your goal “{goal}”? Reply to this message with a few words "
            "on your progress, or press the button.",
            goal=escape(track.goal),
        )
        button = {
            "text": tr.gettext("✍️ Write my progress"),
            "callback_data": track_button_data("report", track.id),
        }
        if await notifier.enqueue(
            session,
            client.telegram_id,
            text,
            now=now,
            buttons=[[button]],
            subject=track_subject(track.id),
            dedupe_key=f"{KEY_PREFIX}:{track.id}:report:{due:%Y-%m-%d}",
        ):
            asked += 1
        track.report_asked_at = now
    await session.flush()
    return asked


async def file_track_report(
    session: AsyncSession,
    notifier: Notifier,
    *,
    actor: Actor,
    track_id: int,
    progress: str,
    now: datetime,
) -> ClientReport:
    """The client's (or staff's) progress report on a track; the track's coach is told."""
    report = await file_client_report(
        session, actor=actor, track_id=track_id, progress=progress, now=now
    )
    track = await session.get(Track, track_id, options=[selectinload(Track.coach)])
    coach = None if track is None else track.coach
    if track is not None and coach is not None and coach.telegram_id is not None and coach.active:
        client = await session.get(Client, track.client_id)
        text = notifier.translator(notifier.language_of(coach)).gettext(
            "📈 {name} on the goal “{goal}”: {progress}",
            name=escape(client.full_name if client else ""),
            goal=escape(track.goal),
            progress=escape(report.progress),
        )
        await notifier.enqueue(
            session, coach.telegram_id, text, now=now, subject=track_subject(track.id)
        )
    return report
