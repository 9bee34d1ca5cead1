"""Coaching sessions and requests through the API: the site's listings and filters, a session
with its report state, and ending a session (held, no-show, cancelled), by the same services."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import Field

from crm.coaching.report_listing import ReportKind, list_reports
from crm.coaching.request_listing import list_requests
from crm.coaching.requests import request_for
from crm.coaching.session_listing import list_sessions
from crm.coaching.sessions import end_session, session_for
from db.enums import RequestStatus, SessionFormat, SessionStatus
from db.models import CoachingSession
from web.api.endpoints import (
    ApiArea,
    Call,
    Endpoint,
    In,
    Out,
    Page,
    Paging,
    RecordId,
)
from web.views.coaching.reports import read_filter as read_report_filter
from web.views.coaching.requests import read_filter as read_request_filter
from web.views.coaching.sessions import read_filter as read_session_filter


class Named(Out):
    id: int
    full_name: str


class SessionOut(Out):
    """A coaching session: who, when, how, and how it went."""

    id: int
    status: SessionStatus
    client: Named
    coach: Named | None
    track_id: int | None
    contract_id: int | None
    starts_at: datetime
    minutes: int
    format: SessionFormat
    rating: int | None


class RequestOut(Out):
    """A client's request for a coach."""

    id: int
    status: RequestStatus
    client: Named
    coach: Named | None
    domain_id: int | None
    preferred_at: datetime | None
    message: str | None
    comment: str | None
    session_id: int | None


class SessionQuery(Paging):
    status: list[SessionStatus] = Field(default_factory=list, description="Any of these.")
    coach: str = Field(default="", max_length=20, description="An employee id, or `none`.")
    client: str = Field(default="", max_length=200, description="A client id, name or phone.")
    format: SessionFormat | None = None
    from_: date | None = Field(default=None, alias="from", description="Starting on or after.")
    to: date | None = Field(default=None, description="Starting on or before.")


class RequestQuery(Paging):
    status: list[RequestStatus] = Field(default_factory=list, description="Any of these.")
    coach: str = Field(default="", max_length=20, description="An employee id, or `none`.")
    domain: RecordId | None = Field(default=None, description="An expertise domain id.")
    client: str = Field(default="", max_length=200, description="A client id, name or phone.")


class ReportOut(Out):
    """A written report: a session's meeting report, a client's progress report on a track, or
    a coach's report on their own work (the last only for its coach and managers)."""

    kind: ReportKind
    id: int
    written_at: datetime
    client_id: int | None
    client_name: str | None
    coach_id: int | None
    coach_name: str | None
    session_id: int | None
    track_id: int | None
    period_start: date | None
    period_end: date | None
    excerpt: str


class ReportQuery(Paging):
    kind: list[ReportKind] = Field(default_factory=list, description="Any of these kinds.")
    coach: str = Field(default="", max_length=20, description="An employee id.")
    client: str = Field(default="", max_length=200, description="A client id, name or phone.")
    from_: date | None = Field(default=None, alias="from", description="Written on or after.")
    to: date | None = Field(default=None, description="Written on or before.")


class SessionEnd(In):
    """How a planned session ended: held or no-show once it has started, or cancelled."""

    status: SessionStatus


def _session(meeting: CoachingSession) -> SessionOut:
    return SessionOut.model_validate(meeting)


async def _sessions(call: Call) -> Page[SessionOut]:
    page = await call.listing(list_sessions, call.filtered(read_session_filter))
    return call.page_of(page, [_session(row.session) for row in page.rows])


async def _one_session(call: Call) -> SessionOut:
    found = await session_for(call.session, actor=call.actor, session_id=call.ids["session_id"])
    return _session(found)


async def _end(call: Call) -> SessionOut:
    sent: SessionEnd = call.body
    session_id = call.ids["session_id"]
    ended = await end_session(
        call.session,
        call.notifier,
        actor=call.actor,
        session_id=session_id,
        to=sent.status,
        now=call.now,
    )
    return _session(
        await session_for(call.session, actor=call.actor, session_id=call.forget(ended))
    )


async def _requests(call: Call) -> Page[RequestOut]:
    page = await call.listing(list_requests, call.filtered(read_request_filter))
    return call.page_of(page, [RequestOut.model_validate(row) for row in page.requests])


async def _one_request(call: Call) -> RequestOut:
    found = await request_for(call.session, actor=call.actor, request_id=call.ids["request_id"])
    return RequestOut.model_validate(found)


async def _reports(call: Call) -> Page[ReportOut]:
    page = await call.listing(list_reports, call.filtered(read_report_filter))
    return call.page_of(page, [ReportOut.model_validate(row) for row in page.reports])


API = ApiArea(
    tag="coaching",
    description="Coaching sessions, clients' requests for a coach, and written reports.",
    endpoints=(
        Endpoint(
            "GET", "/sessions", _sessions, "List sessions", Page[SessionOut], query=SessionQuery
        ),
        Endpoint("GET", "/sessions/{session_id}", _one_session, "Read a session", SessionOut),
        Endpoint(
            "POST",
            "/sessions/{session_id}/end",
            _end,
            "End a planned session",
            SessionOut,
            body=SessionEnd,
            current=_one_session,
            description="Done and no-show only once it has started; the client is told.",
        ),
        Endpoint(
            "GET", "/requests", _requests, "List requests", Page[RequestOut], query=RequestQuery
        ),
        Endpoint("GET", "/requests/{request_id}", _one_request, "Read a request", RequestOut),
        Endpoint(
            "GET", "/reports", _reports, "List written reports", Page[ReportOut], query=ReportQuery
        ),
    ),
)
