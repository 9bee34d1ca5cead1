"""Sales on the admin site: deals (a board and a list), companies, tasks, events, reports."""

from __future__ import annotations

from aiohttp import web

from crm.i18n import N_
from crm.permissions import is_staff
from web.views.areas import MenuEntry, SiteArea
from web.views.sales import reports


def _routes(app: web.Application) -> None:
    route = app.router
    # The reports built from the deals and their moves.
    route.add_get("/reports/pipeline", reports.pipeline_report, name="sales_pipeline")
    route.add_get("/reports/pipeline.csv", reports.pipeline_csv)
    route.add_get("/reports/win-rate", reports.win_rate_report, name="sales_win_rate")
    route.add_get("/reports/win-rate.csv", reports.win_rate_csv)


SITE = SiteArea(
    routes=_routes,
    menu=(MenuEntry("/reports/pipeline", N_("Sales reports"), is_staff),),
)
