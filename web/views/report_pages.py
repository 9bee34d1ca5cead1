"""What the report pages of every area (``/reports/...``) share: the period in the URL, its part
of a page, and a report's page (its CSV answer is web/views/listing.py's ``send_csv``; its
chart web/views/report_charts.py's; its template's pieces web/templates/report_macros.html)."""

from __future__ import annotations

from typing import Any

import aiohttp_jinja2
from aiohttp import web

from crm.errors import InvalidInput
from crm.i18n import N_
from crm.periods import MAX_PERIOD_DAYS, Period, period
from web.forms import Reader
from web.i18n import words
from web.keys import SETTINGS, request_now


def read_period(request: web.Request) -> tuple[Period | None, dict[str, str]]:
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


def asked_period(request: web.Request) -> bool:
    """Whether the URL names a period at all (a report whose period is optional covers
    everything without one)."""
    return bool(request.query.get("from", "").strip() or request.query.get("to", "").strip())


def period_context(request: web.Request, within: Period | None) -> dict[str, Any]:
    query = request.query
    return {
        "query": query,
        "first": within.first.isoformat() if within else query.get("from", ""),
        "last": within.last.isoformat() if within else query.get("to", ""),
        "period": within,
        "max_days": MAX_PERIOD_DAYS,
        "csv_url": f"{request.path}.csv?{request.query_string}",
    }


def refuse_csv(errors: dict[str, str]) -> web.HTTPBadRequest:
    return web.HTTPBadRequest(text="; ".join(errors.values()))


def period_cells(within: Period) -> list[str]:
    return [within.first.isoformat(), within.last.isoformat()]


def render_report(
    request: web.Request, template: str, context: dict[str, Any], errors: dict[str, str]
) -> web.Response:
    return aiohttp_jinja2.render_template(
        template, request, {**context, "errors": errors}, status=400 if errors else 200
    )
