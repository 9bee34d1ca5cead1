"""What /agenda and the client's /status say about what is coming. Pure functions; user text
is escaped; moments are shown by the ``when`` the handler passes (the business time zone).
Each kind of agenda part has its own way of being shown, in ``SHOWN_AS``."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from aiogram import html
from aiogram.utils.i18n import gettext as _

from crm.coaching.agenda import AgendaKind
from db.models import CoachingRequest, CoachingSession
from handlers import written
from handlers.areas import AgendaGroup, AgendaShown
from handlers.coaching.session_texts import When, request_line, session_label


def session_line(meeting: CoachingSession, when: When, *, for_client: bool) -> str:
    """``#5 · 2026-12-04 18:30 · Ivan Kuznetsov, 60 min``."""
    label = html.quote(session_label(meeting, when, for_client=for_client))
    return _("{session}, {minutes} min.").format(session=label, minutes=meeting.minutes)


def _sent_line(request: CoachingRequest, when: When) -> str:
    if request.coach is not None:
        whom = html.quote(request.coach.full_name)
    else:
        whom = _("any coach of {domain}").format(
            domain=html.quote(request.domain.name if request.domain else "")
        )
    line = f"{written.number('request', request.id)} · {whom}"
    if request.preferred_at is not None:
        line += " · " + _("preferred {when}").format(when=when(request.preferred_at))
    return line


def _requests_sent(items: Sequence[Any], when: When, for_client: bool) -> str:
    head = _("🙋 Your requests waiting for a coach's answer:")
    return "\n".join([head, *(_sent_line(request, when) for request in items)])


def _requests_to_answer(items: Sequence[Any], when: When, for_client: bool) -> str:
    head = _("🙋 Requests waiting for your answer (/requests):")
    return "\n".join([head, *(request_line(request, when) for request in items)])


def _overdue_line(meeting: CoachingSession, when: When) -> str:
    label = html.quote(session_label(meeting, when, for_client=False))
    return f"{label}: /report {meeting.id}"


def _reports_overdue(items: Sequence[Any], when: When, for_client: bool) -> str:
    head = _("📝 Sessions held with no report yet:")
    return "\n".join([head, *(_overdue_line(meeting, when) for meeting in items)])


def session_item(shown: AgendaShown, meeting: CoachingSession) -> str:
    """A session's line of /agenda (handlers/overview/agenda.py)."""
    return session_line(meeting, shown.when, for_client=shown.for_client)


def _group(write: Callable[[Sequence[Any], When, bool], str]) -> AgendaGroup:
    return lambda shown, items: write(items, shown.when, shown.for_client)


# The undated groups of /agenda, by kind.
GROUPS: dict[AgendaKind, AgendaGroup] = {
    AgendaKind.REQUESTS_SENT: _group(_requests_sent),
    AgendaKind.REQUESTS_TO_ANSWER: _group(_requests_to_answer),
    AgendaKind.REPORTS_OVERDUE: _group(_reports_overdue),
}


def next_session(meeting: CoachingSession | None, when: When) -> str:
    """The client's next session, for /status."""
    if meeting is None:
        return _("No session is planned. /book asks a coach for one.")
    return _("Next session: {session}").format(session=session_line(meeting, when, for_client=True))
