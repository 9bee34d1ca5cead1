"""One client's report (``/reports/clients/<id>`` and its CSV), after choosing the client with the
site's client picker: sessions, tracks, reports and programmes over a period
(crm/coaching/client_figures.py)."""

from __future__ import annotations

from datetime import date
from typing import Any

import aiohttp_jinja2
from aiohttp import web

from crm.coaching.client_figures import ClientFigures, client_figures
from crm.coaching.rules import SESSION_STATUS_NAMES
from crm.coaching.track_rules import TRACK_STATUS_NAMES
from crm.i18n import N_
from db.enums import SessionStatus
from web.forms import Reader
from web.i18n import Words, words
from web.keys import db_session, employee
from web.views.listing import send_csv
from web.views.people.client_picker import Picked, client_fields, pick_client
from web.views.report_charts import Row, bar_chart
from web.views.report_pages import (
    period_cells,
    period_context,
    read_period,
    refuse_csv,
    render_report,
)

# Per client ---------------------------------------------------------------------------------


async def choose_client(request: web.Request) -> web.StreamResponse:
    """GET /reports/clients: choose the client (the site's client picker), then their report."""
    viewer = employee(request)
    said = words(request)
    reader = Reader(request.query, said.gettext)  # type: ignore[arg-type]
    picked, errors = Picked(), {}
    if "client" in request.query or "client_id" in request.query:
        picked = await pick_client(db_session(request), viewer, reader)
        errors = reader.errors
        if picked.client_id is not None and not errors:
            raise web.HTTPSeeOther(f"/reports/clients/{picked.client_id}")
    fields = client_fields(dict(request.query), errors, picked, said.gettext)
    return aiohttp_jinja2.render_template(
        "analytics/choose_client.html",
        request,
        {"fields": fields},
        status=400 if errors else 200,
    )


def _client_chart(figures: ClientFigures, said: Words) -> Any:
    _ = said.gettext
    return bar_chart(
        [
            Row(
                _("week of {day}", day=said.day(start)),
                [(count, said.number(count))],
                said.number(count),
            )
            for start, count in figures.per_week
        ]
    )


def _client_id(request: web.Request) -> int:
    reader = Reader(request.match_info, words(request).gettext)  # type: ignore[arg-type]
    found = reader.identifier("id", N_("Client id"))
    if found is None:
        raise web.HTTPNotFound()
    return found


async def client_report(request: web.Request) -> web.Response:
    """GET /reports/clients/<id>: one client's sessions, tracks, reports and programmes."""
    client_id = _client_id(request)
    within, errors = read_period(request)
    figures = None
    if within is not None:
        figures = await client_figures(
            db_session(request), actor=employee(request), client_id=client_id, within=within
        )
    said = words(request)
    context = {
        "figures": figures,
        "client_id": client_id,
        "chart": _client_chart(figures, said) if figures else bar_chart([]),
        "statuses": [
            (status, said.gettext(SESSION_STATUS_NAMES[status])) for status in SessionStatus
        ],
        "track_status": lambda status: said.gettext(TRACK_STATUS_NAMES[status]),
        **period_context(request, within),
    }
    return render_report(request, "analytics/client.html", context, errors)


async def client_csv(request: web.Request) -> web.StreamResponse:
    client_id = _client_id(request)
    within, errors = read_period(request)
    if within is None:
        raise refuse_csv(errors)
    figures = await client_figures(
        db_session(request), actor=employee(request), client_id=client_id, within=within
    )
    first = period_cells(within)
    rows: list[list[str]] = []
    rows += [
        [*first, "sessions", status.value, "", str(count)]
        for status, count in figures.by_status.items()
    ]
    rows += [
        [*first, "week", start.isoformat(), "", str(count)] for start, count in figures.per_week
    ]
    rows += [
        [*first, "track", str(track.track_id), track.goal, f"{track.steps_done}/{track.steps}"]
        for track in figures.tracks
    ]
    rows += [
        [*first, "meeting_report", str(line.report_id), line.text or "", _moment(line.at)]
        for line in figures.meeting_reports
    ]
    rows += [
        [*first, "client_report", str(line.report_id), line.text or "", _moment(line.at)]
        for line in figures.client_reports
    ]
    rows += [
        [
            *first,
            "program",
            enrolled.program,
            enrolled.stage,
            f"{enrolled.position}/{enrolled.stages}",
        ]
        for enrolled in figures.programs
    ]
    return await send_csv(
        request,
        f"client-{figures.client.id}.csv",
        ["from", "to", "part", "key", "text", "value"],
        rows,
    )


def _moment(value: date) -> str:
    return value.isoformat()
