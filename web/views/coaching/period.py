"""The period's report (``/reports/period`` and its CSV): the coaching sessions held and their
revenue by coach, branch and product, beside the business's revenue across its areas
(crm/coaching/revenue.py); for owners and administrators."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from crm.coaching.period_figures import (
    PeriodFigures,
    period_figures,
)
from crm.coaching.revenue import AREA_NAMES, business_revenue
from crm.permissions import require_manager
from web.i18n import Words, words
from web.keys import db_session, employee
from web.views.listing import send_csv
from web.views.report_charts import Row, bar_chart
from web.views.report_pages import (
    period_cells,
    period_context,
    read_period,
    refuse_csv,
    render_report,
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
    within, errors = read_period(request)
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
        **period_context(request, within),
    }
    return render_report(request, "analytics/period.html", context, errors)


async def period_csv(request: web.Request) -> web.StreamResponse:
    require_manager(employee(request))
    within, errors = read_period(request)
    if within is None:
        raise refuse_csv(errors)
    figures = await period_figures(db_session(request), actor=employee(request), within=within)
    rows = [
        [
            *period_cells(within),
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
