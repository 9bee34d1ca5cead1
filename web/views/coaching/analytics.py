"""Reports built from the coaching records (``/reports/coaches``, ``/programs``, ``/period``,
``/clients/<id>`` and the overview linking them): each a page with an SVG chart and a CSV of
the same figures. The figures and who may see them are crm/coaching/analytics.py's."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import aiohttp_jinja2
from aiohttp import web

from crm.coaching.analytics import (
    MAX_PERIOD_DAYS,
    ClientFigures,
    Period,
    PeriodFigures,
    ProgramFigures,
    check_coach_viewer,
    client_figures,
    coach_figures,
    period,
    period_figures,
    program_figures,
)
from crm.coaching.rules import SESSION_STATUS_NAMES
from crm.coaching.tracks import TRACK_STATUS_NAMES
from crm.errors import InvalidInput
from crm.i18n import N_
from crm.overview.revenue import AREA_NAMES, business_revenue
from crm.permissions import is_manager, is_practitioner, require_manager
from db.enums import SessionStatus
from web.forms import Reader
from web.i18n import Words, words
from web.keys import SETTINGS, db_session, employee, request_now
from web.views.coaching.report_charts import Row, bar_chart
from web.views.listing import send_csv
from web.views.people.client_picker import Picked, client_fields, pick_client


def _read_period(request: web.Request) -> tuple[Period | None, dict[str, str]]:
    """The period in the URL (``from``, ``to``; this month by default), or the errors by field."""
    said = words(request)
    reader = Reader(request.query, said.gettext)  # type: ignore[arg-type]
    first, last = reader.day("from", N_("From")), reader.day("to", N_("To"))
    if reader.errors:
        return None, reader.errors
    try:
        within = period(first, last, zone=request.app[SETTINGS].zone, now=request_now(request))
    except InvalidInput as error:
        return None, {error.field or "from": said.error(error)}
    return within, {}


def _period_context(request: web.Request, within: Period | None) -> dict[str, Any]:
    query = request.query
    return {
        "query": query,
        "first": within.first.isoformat() if within else query.get("from", ""),
        "last": within.last.isoformat() if within else query.get("to", ""),
        "period": within,
        "max_days": MAX_PERIOD_DAYS,
        "csv_url": f"{request.path}.csv?{request.query_string}",
    }


def _refuse_csv(errors: dict[str, str]) -> web.HTTPBadRequest:
    return web.HTTPBadRequest(text="; ".join(errors.values()))


def _period_cells(within: Period) -> list[str]:
    return [within.first.isoformat(), within.last.isoformat()]


def _render(
    request: web.Request, template: str, context: dict[str, Any], errors: dict[str, str]
) -> web.Response:
    return aiohttp_jinja2.render_template(
        template, request, {**context, "errors": errors}, status=400 if errors else 200
    )


# The overview -------------------------------------------------------------------------------


async def overview(request: web.Request) -> web.Response:
    """GET /reports/overview: the four reports, those the viewer may open."""
    viewer = employee(request)
    return aiohttp_jinja2.render_template(
        "analytics/overview.html",
        request,
        {
            "coach_figures": is_practitioner(viewer),
            "period_figures": is_manager(viewer),
        },
    )


# Per coach ----------------------------------------------------------------------------------


async def coaches(request: web.Request) -> web.Response:
    """GET /reports/coaches: per coach over the period; a coach sees their own row."""
    check_coach_viewer(employee(request))
    within, errors = _read_period(request)
    rows = []
    if within is not None:
        rows = await coach_figures(
            db_session(request), actor=employee(request), within=within, now=request_now(request)
        )
    said = words(request)
    _ = said.gettext
    chart = bar_chart(
        [
            Row(
                row.name,
                [
                    (row.held, said.number(row.held)),
                    (row.no_shows, said.number(row.no_shows)),
                    (row.cancelled, said.number(row.cancelled)),
                ],
                said.number(row.held + row.no_shows + row.cancelled),
            )
            for row in rows
        ],
        [_("held"), _("no-show"), _("cancelled")],
    )
    context = {"rows": rows, "chart": chart, **_period_context(request, within)}
    return _render(request, "analytics/coaches.html", context, errors)


async def coaches_csv(request: web.Request) -> web.StreamResponse:
    check_coach_viewer(employee(request))
    within, errors = _read_period(request)
    if within is None:
        raise _refuse_csv(errors)
    rows = await coach_figures(
        db_session(request), actor=employee(request), within=within, now=request_now(request)
    )
    header = [
        "from",
        "to",
        "coach_id",
        "coach",
        "held",
        "hours",
        "no_shows",
        "cancelled",
        "planned",
        "average_rating",
        "ratings",
        "reports_filed",
        "reports_overdue",
        "development_tasks",
        "latest_development_task",
        "supervision_requests",
        "latest_supervision_request",
    ]
    return await send_csv(
        request,
        "coaches.csv",
        header,
        (
            [
                *_period_cells(within),
                str(row.coach_id),
                row.name,
                str(row.held),
                str(row.hours),
                str(row.no_shows),
                str(row.cancelled),
                str(row.planned),
                "" if row.rating is None else str(row.rating),
                str(row.ratings),
                str(row.reports_filed),
                str(row.reports_overdue),
                str(row.development_tasks),
                row.latest_development_task or "",
                str(row.supervision_requests),
                row.latest_supervision_request or "",
            ]
            for row in rows
        ),
    )


# Per programme ------------------------------------------------------------------------------


def _program_chart(programs: list[ProgramFigures], said: Words) -> Any:
    """One bar per programme, stacked by its stages (stage names differ between programmes, so
    the legend names stage positions: 1st, 2nd…)."""
    deepest = max((len(program.stages) for program in programs), default=0)
    rows = [
        Row(
            program.name,
            [(stage.now, said.number(stage.now)) for stage in program.stages],
            said.number(program.clients),
            [stage.name for stage in program.stages],
        )
        for program in programs
    ]
    _ = said.gettext
    legend = [_("stage {number}", number=said.number(n)) for n in range(1, deepest + 1)]
    return bar_chart(rows, legend)


async def programs(request: web.Request) -> web.Response:
    """GET /reports/programs: clients per stage now, and the time spent at each stage."""
    found = await program_figures(
        db_session(request), actor=employee(request), now=request_now(request)
    )
    return aiohttp_jinja2.render_template(
        "analytics/programs.html",
        request,
        {
            "programs": found,
            "chart": _program_chart(found, words(request)),
            "csv_url": "/reports/programs.csv",
            "now": request_now(request),
        },
    )


async def programs_csv(request: web.Request) -> web.StreamResponse:
    found = await program_figures(
        db_session(request), actor=employee(request), now=request_now(request)
    )

    def days(value: Decimal | None) -> str:
        return "" if value is None else str(value)

    return await send_csv(
        request,
        "programs.csv",
        [
            "program_id",
            "program",
            "position",
            "stage",
            "clients_now",
            "stays",
            "ongoing",
            "average_days",
            "median_days",
        ],
        (
            [
                str(program.program_id),
                program.name,
                str(stage.position),
                stage.name,
                str(stage.now),
                str(stage.stays),
                str(stage.ongoing),
                days(stage.average_days),
                days(stage.median_days),
            ]
            for program in found
            for stage in program.stages
        ),
    )


# Per period ---------------------------------------------------------------------------------


def _revenue_chart(figures: PeriodFigures, said: Words, nobody: str) -> Any:
    rows = [
        Row(
            f"{row.name or nobody}",
            [(float(row.revenue), said.money(row.revenue))],
            said.money(row.revenue),
        )
        for row in figures.by_coach
    ]
    return bar_chart(rows)


async def period_report(request: web.Request) -> web.Response:
    """GET /reports/period: sessions and revenue by coach, branch and product (managers)."""
    require_manager(employee(request))
    within, errors = _read_period(request)
    figures = None
    revenue = None
    if within is not None:
        figures = await period_figures(db_session(request), actor=employee(request), within=within)
        revenue = await business_revenue(
            db_session(request), actor=employee(request), within=within
        )
    said = words(request)
    _ = said.gettext
    context = {
        "figures": figures,
        "revenue": revenue,
        "area_names": {area: _(name) for area, name in AREA_NAMES.items()},
        "chart": _revenue_chart(figures, said, _("nobody")) if figures else bar_chart([]),
        **_period_context(request, within),
    }
    return _render(request, "analytics/period.html", context, errors)


async def period_csv(request: web.Request) -> web.StreamResponse:
    require_manager(employee(request))
    within, errors = _read_period(request)
    if within is None:
        raise _refuse_csv(errors)
    figures = await period_figures(db_session(request), actor=employee(request), within=within)
    rows = [
        [
            *_period_cells(within),
            group,
            "" if row.key is None else str(row.key),
            row.name or "",
            str(row.sessions),
            str(row.sales),
            str(row.revenue),
        ]
        for group, grouped in (
            ("coach", figures.by_coach),
            ("branch", figures.by_branch),
            ("product", figures.by_product),
        )
        for row in grouped
    ]
    return await send_csv(
        request,
        "period.csv",
        ["from", "to", "by", "id", "name", "sessions_held", "products_sold", "revenue"],
        rows,
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
    within, errors = _read_period(request)
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
        **_period_context(request, within),
    }
    return _render(request, "analytics/client.html", context, errors)


async def client_csv(request: web.Request) -> web.StreamResponse:
    client_id = _client_id(request)
    within, errors = _read_period(request)
    if within is None:
        raise _refuse_csv(errors)
    figures = await client_figures(
        db_session(request), actor=employee(request), client_id=client_id, within=within
    )
    first = _period_cells(within)
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
