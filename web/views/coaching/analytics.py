"""Reports built from the coaching records: the overview linking them (``/reports/overview``),
per coach (``/reports/coaches``) and per programme (``/reports/programs``), each a page with an
SVG chart and a CSV of the same figures; per period: web/views/coaching/period.py; per client:
web/views/coaching/client_report.py. The figures and who may see them are
crm/coaching/*_figures.py's."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import aiohttp_jinja2
from aiohttp import web

from crm.coaching.coach_figures import check_coach_viewer, coach_figures
from crm.coaching.program_figures import ProgramFigures, program_figures
from crm.permissions import is_manager, is_practitioner
from web.i18n import Words, words
from web.keys import db_session, employee, request_now
from web.views.listing import send_csv
from web.views.report_charts import Row, bar_chart
from web.views.report_pages import (
    period_cells,
    period_context,
    read_period,
    refuse_csv,
    render_report,
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
    within, errors = read_period(request)
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
    context = {"rows": rows, "chart": chart, **period_context(request, within)}
    return render_report(request, "analytics/coaches.html", context, errors)


async def coaches_csv(request: web.Request) -> web.StreamResponse:
    check_coach_viewer(employee(request))
    within, errors = read_period(request)
    if within is None:
        raise refuse_csv(errors)
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
                *period_cells(within),
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
