"""Coaching requests: the filtered listing with its CSV, and a request's page where a coach
accepts it (a planned session at the time they pick) or refuses it saying why."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import aiohttp_jinja2
from aiohttp import web

from crm.coaching.request_listing import (
    NO_COACH,
    RequestFilter,
    domains,
    export_requests,
    list_requests,
)
from crm.coaching.requests import accept_request, coaches_in, refuse_request, request_for
from crm.coaching.rules import DEFAULT_MINUTES, REQUEST_STATUS_NAMES, request_actions
from crm.coaching.session_listing import FORMAT_NAMES
from crm.errors import InvalidInput, NotFound
from crm.i18n import N_
from db.enums import RequestStatus, SessionFormat
from db.models import CoachingRequest
from web.flash import flash
from web.forms import FormErrors, Reader
from web.i18n import Words, words
from web.keys import NOTIFIER, db_session, employee, request_now
from web.views.coaching.session_page import read_when, shown_start
from web.views.crud import object_id
from web.views.listing import (
    listing_page,
    read_client,
    read_employee,
    read_statuses,
    stream_csv,
)

FILTER_KEYS = ("status", "coach", "domain", "client")


def _status_name(request: web.Request) -> Any:
    said = words(request)
    return lambda status: said.gettext(REQUEST_STATUS_NAMES[status])


def read_filter(request: web.Request) -> tuple[RequestFilter, dict[str, str]]:
    """The listing's filter from the URL; bad values are reported next to their field."""
    reader = Reader(request.query, words(request).gettext)  # type: ignore[arg-type]
    wanted = RequestFilter(
        statuses=read_statuses(reader, RequestStatus),
        coach=read_employee(reader, "coach", NO_COACH, N_("Coach must be an employee id or none")),
        domain_id=reader.identifier("domain", N_("Domain")),
        client=read_client(reader),
    )
    return wanted, reader.errors


async def request_list(request: web.Request) -> web.StreamResponse:
    wanted, errors = read_filter(request)
    session, viewer = db_session(request), employee(request)
    said = words(request)
    return await listing_page(
        request,
        "requests/list.html",
        path="/requests",
        keys=FILTER_KEYS,
        errors=errors,
        fetch=lambda after, before: list_requests(
            session, viewer, wanted, cursor=after, before=before
        ),
        refused_field="after",
        context={
            "selected_statuses": set(request.query.getall("status", [])),
            "statuses": [
                (status.value, said.gettext(REQUEST_STATUS_NAMES[status]))
                for status in RequestStatus
            ],
            "coaches": await coaches_in(session, None),
            "domains": await domains(session),
            "request_status": _status_name(request),
        },
    )


CSV_HEADER = [
    "id",
    "sent",
    "status",
    "client",
    "coach",
    "domain",
    "preferred",
    "message",
    "comment",
    "session",
]


def csv_row(said: Words) -> Callable[[CoachingRequest], list[str]]:
    def moment(value: Any) -> str:
        return value.astimezone(said.zone).isoformat(timespec="minutes") if value else ""

    def row(found: CoachingRequest) -> list[str]:
        return [
            str(found.id),
            moment(found.created_at),
            found.status.value,
            found.client.full_name,
            found.coach.full_name if found.coach else "",
            found.domain.name if found.domain else "",
            moment(found.preferred_at),
            found.message or "",
            found.comment or "",
            str(found.session_id or ""),
        ]

    return row


async def request_csv(request: web.Request) -> web.StreamResponse:
    wanted, errors = read_filter(request)
    if errors:
        raise web.HTTPBadRequest(text="; ".join(errors.values()))
    chunks = export_requests(db_session(request), employee(request), wanted)
    return await stream_csv(
        request, chunks, filename="requests.csv", header=CSV_HEADER, row=csv_row(words(request))
    )


def _request_id(request: web.Request) -> int:
    found = object_id(request)
    assert found is not None
    return found


async def _card(
    request: web.Request,
    request_id: int,
    errors: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
) -> dict[str, Any]:
    found = await request_for(db_session(request), actor=employee(request), request_id=request_id)
    _ = words(request).gettext
    preferred = shown_start(request, found.preferred_at) if found.preferred_at else ""
    return {
        "coaching_request": found,
        "actions": request_actions(employee(request), found),  # the bot's /requests reads it too
        "request_status": _status_name(request),
        "formats": [(kind.value, _(FORMAT_NAMES[kind])) for kind in SessionFormat],
        "values": values
        or {
            "starts_at": preferred,
            "minutes": str(DEFAULT_MINUTES),
            "format": SessionFormat.IN_PERSON.value,
        },
        "errors": errors or {},
    }


@aiohttp_jinja2.template("requests/detail.html")
async def request_page(request: web.Request) -> dict[str, Any]:
    return await _card(request, _request_id(request))


ACCEPT_FIELDS = ("starts_at", "minutes", "format")


async def request_action(request: web.Request) -> web.StreamResponse:
    """Accept (a session is planned) or refuse (with a comment); a refusal is shown on the
    page next to its field, and nothing is changed."""
    action = request.match_info["action"]
    request_id = _request_id(request)
    session, actor, now = db_session(request), employee(request), request_now(request)
    await request_for(session, actor=actor, request_id=request_id)  # not visible: a 404
    reader = Reader(await request.post(), words(request).gettext)
    values = {key: reader.text(key) for key in (*ACCEPT_FIELDS, "comment")}
    errors: dict[str, str] = {}
    try:
        async with session.begin_nested():
            if action == "accept":
                starts_at, minutes, online = read_when(request, reader)
                reader.done()
                assert minutes is not None
                found = await accept_request(
                    session,
                    request.app[NOTIFIER],
                    actor=actor,
                    request_id=request_id,
                    now=now,
                    starts_at=starts_at,
                    minutes=minutes,
                    online=online,
                )
            else:
                found = await refuse_request(
                    session,
                    request.app[NOTIFIER],
                    actor=actor,
                    request_id=request_id,
                    comment=reader.text("comment"),
                    now=now,
                )
    except FormErrors as error:
        errors = error.errors
    except (InvalidInput, NotFound) as error:
        fields = ACCEPT_FIELDS if action == "accept" else ("comment",)
        field = error.field if error.field in fields else None
        errors = {field or action: words(request).error(error)}
    if errors:
        context = await _card(request, request_id, errors, values)
        return aiohttp_jinja2.render_template("requests/detail.html", request, context, status=400)
    _ = words(request).gettext
    if action == "accept" and found.session_id is not None:
        await flash(request, _("Request accepted: session #{id} is planned.", id=found.session_id))
        raise web.HTTPFound(f"/sessions/{found.session_id}")
    await flash(request, _("Request refused; the client is told why."))
    raise web.HTTPFound(f"/requests/{request_id}")
