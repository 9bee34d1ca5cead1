"""The coaching practice in the bot: clients book and rate sessions; coaches plan, hold and
report them, answer requests and move clients through programmes."""

from __future__ import annotations

from aiogram import Router

from crm.coaching.sessions import upcoming_sessions
from crm.i18n import N_
from crm.permissions import Audience
from db.enums import SubjectKind
from handlers.areas import BotArea, StatusAsk
from handlers.coaching import (
    agenda_texts,
    booking,
    calendar_link,
    coach_reports,
    meeting_reports,
    recordings,
    requests,
    session_ratings,
    sessions,
    stage_moves,
    track_reports,
)
from handlers.commands import BotCommandEntry

_MY_SESSIONS = BotCommandEntry(
    "sessions", N_("my upcoming sessions; a button gives my private calendar link")
)
_BOOK = BotCommandEntry("book", N_("ask a coach for a session"))
_PLAN = BotCommandEntry(
    "plan", N_("plan a session: /plan 7 tomorrow 18:30 [60] [online]; a group: /plan 7,8 …")
)
_SESSION = BotCommandEntry("session", N_("a session's card: /session 5"))
_SESSIONS = BotCommandEntry(
    "sessions", N_("upcoming sessions; a button gives my private calendar link")
)
_REQUESTS = BotCommandEntry("requests", N_("coaching requests waiting for an answer"))
_REPORT = BotCommandEntry("report", N_("a session's meeting report: /report 5"))
_COACH_REPORT = BotCommandEntry(
    "coachreport", N_("my coach report on a session or a period: /coachreport [5]")
)
_COACHING = (_PLAN, _SESSION, _SESSIONS, _REQUESTS, _REPORT, _COACH_REPORT)


async def _status(ask: StatusAsk) -> str:
    coming = await upcoming_sessions(ask.session, actor=ask.client, now=ask.now, limit=1)
    return agenda_texts.next_session(
        coming[0] if coming else None, sessions.shown_in(ask.settings.zone)
    )


def _routers() -> list[Router]:
    return [
        sessions.create_staff_router(),
        sessions.create_router(),
        requests.create_router(),
        meeting_reports.create_router(),
        booking.create_router(),
        calendar_link.create_router(),
        session_ratings.create_router(),
        coach_reports.create_router(),
        stage_moves.create_router(),
        track_reports.create_router(),
        recordings.create_router(),
    ]


BOT = BotArea(
    routers=_routers,
    commands={
        Audience.CLIENT: (_MY_SESSIONS, _BOOK),
        Audience.OWNER: _COACHING,
        Audience.ADMIN: _COACHING,
        Audience.SPECIALIST: _COACHING,
        Audience.HELPER: (_SESSIONS, _SESSION),
    },
    reply_filers={
        SubjectKind.SESSION: recordings.file_reply_on_session,
        SubjectKind.TRACK: track_reports.file_reply_on_track,
    },
    status=_status,
    agenda_lines={"coaching.sessions": agenda_texts.session_item},
    agenda_groups={f"coaching.{kind}": group for kind, group in agenda_texts.GROUPS.items()},
    agenda_for=frozenset(
        {Audience.CLIENT, Audience.OWNER, Audience.ADMIN, Audience.SPECIALIST, Audience.HELPER}
    ),
)
