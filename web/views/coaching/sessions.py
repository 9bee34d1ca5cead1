"""Coaching sessions: the filtered listing and its CSV export."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aiohttp import web

from crm.coaching.recordings import RECORDING_KIND_NAMES
from crm.coaching.requests import coaches_in
from crm.coaching.rules import SESSION_STATUS_NAMES
from crm.coaching.session_listing import (
    FORMAT_NAMES,
    NO_COACH,
    SessionFilter,
    SessionRow,
    export_sessions,
    list_sessions,
)
from crm.i18n import N_
from crm.permissions import is_practitioner
from db.enums import SessionFormat, SessionStatus
from web.forms import Reader
from web.i18n import Words, words
from web.keys import SETTINGS, db_session, employee
from web.views.listing import (
    listing_page,
    read_client,
    read_employee,
    read_statuses,
    stream_csv,
)

FILTER_KEYS = ("status", "coach", "client", "format", "from", "to")


def names(request: web.Request) -> dict[str, Any]:
    """How the session pages name statuses, formats and recordings, in the page's language."""
    said = words(request)
    return {
        "session_status": lambda status: said.gettext(SESSION_STATUS_NAMES[status]),
        "format_name": lambda kind: said.gettext(FORMAT_NAMES[kind]),
        "recording_kind": lambda kind: said.gettext(RECORDING_KIND_NAMES[kind]),
    }


def read_filter(request: web.Request) -> tuple[SessionFilter, dict[str, str]]:
    """The listing's filter from the URL; bad values are reported next to their field."""
    said = words(request)
    reader = Reader(request.query, said.gettext)  # type: ignore[arg-type]
    statuses = read_statuses(reader, SessionStatus)
    client = read_client(reader)
    coach = read_employee(reader, "coach", NO_COACH, N_("Coach must be an employee id or none"))
    chosen_format = None
    if typed := reader.text("format").strip():
        try:
            chosen_format = SessionFormat(typed)
        except ValueError:
            reader.errors["format"] = said.gettext("unknown format {format}", format=repr(typed))
    wanted = SessionFilter(
        statuses=statuses,
        coach=coach,
        client=client,
        format=chosen_format,
        starts_from=reader.day("from", N_("From")),
        starts_to=reader.day("to", N_("To")),
        zone=request.app[SETTINGS].zone,
    )
    return wanted, reader.errors


async def session_list(request: web.Request) -> web.StreamResponse:
    """The filtered listing; a filter it cannot read is shown next to its field, with a 400."""
    wanted, errors = read_filter(request)
    session, viewer = db_session(request), employee(request)
    said = words(request)
    return await listing_page(
        request,
        "sessions/list.html",
        path="/sessions",
        keys=FILTER_KEYS,
        errors=errors,
        fetch=lambda after, before: list_sessions(
            session, viewer, wanted, cursor=after, before=before
        ),
        refused_field="from",
        context={
            "selected_statuses": set(request.query.getall("status", [])),
            "statuses": [
                (status.value, said.gettext(SESSION_STATUS_NAMES[status]))
                for status in SessionStatus
            ],
            "formats": [(kind.value, said.gettext(FORMAT_NAMES[kind])) for kind in SessionFormat],
            "coaches": await coaches_in(session, None),
            "can_plan": is_practitioner(viewer),
            **names(request),
        },
    )


CSV_HEADER = [
    "id",
    "starts",
    "clients",
    "coach",
    "minutes",
    "format",
    "status",
    "rating",
    "report_filed",
]


def csv_row(said: Words) -> Callable[[SessionRow], list[str]]:
    def row(found: SessionRow) -> list[str]:
        meeting = found.session
        clients = [meeting.client.full_name] + [
            participant.client.full_name for participant in meeting.participants
        ]
        return [
            str(meeting.id),
            meeting.starts_at.astimezone(said.zone).isoformat(timespec="minutes"),
            "; ".join(clients),
            meeting.coach.full_name if meeting.coach else "",
            str(meeting.minutes),
            meeting.format.value,
            meeting.status.value,
            str(meeting.rating) if meeting.rating is not None else "",
            "yes" if found.report_filed else "no",
        ]

    return row


async def session_csv(request: web.Request) -> web.StreamResponse:
    """Exactly the filtered rows, streamed; refused with a whole 400 page before the first byte."""
    wanted, errors = read_filter(request)
    if errors:
        raise web.HTTPBadRequest(text="; ".join(errors.values()))
    chunks = export_sessions(db_session(request), employee(request), wanted)
    return await stream_csv(
        request, chunks, filename="sessions.csv", header=CSV_HEADER, row=csv_row(words(request))
    )
