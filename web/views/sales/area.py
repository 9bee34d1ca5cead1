"""Sales on the admin site: deals (a board and a list), companies, tasks, events, reports."""

from __future__ import annotations

from aiohttp import web

from crm.i18n import N_
from crm.permissions import is_staff
from crm.sales.founders import INNOVATION_KIND_NAMES
from crm.sales.rules import STAGE_NAMES
from web.views.areas import MenuEntry, SiteArea, get_and_post
from web.views.sales import companies, company_parts, events


def _company_routes(app: web.Application) -> None:
    route = app.router
    route.add_get("/companies", companies.company_list, name="companies")
    route.add_get("/companies.csv", companies.company_csv, name="companies_csv")
    route.add_get("/companies/suggest", companies.company_suggest)
    get_and_post(app, "/companies/new", companies.company_form)
    route.add_get("/companies/{id:\\d+}", companies.company_page, name="company")
    get_and_post(app, "/companies/{id:\\d+}/edit", companies.company_form)
    get_and_post(app, "/companies/{id:\\d+}/delete", companies.company_delete)
    founder, innovation = "/companies/{id:\\d+}/founders", "/companies/{id:\\d+}/innovations"
    get_and_post(app, f"{founder}/new", company_parts.founder_form)
    get_and_post(app, f"{founder}/{{founder_id:\\d+}}/edit", company_parts.founder_form)
    get_and_post(app, f"{founder}/{{founder_id:\\d+}}/delete", company_parts.founder_delete)
    get_and_post(app, f"{innovation}/new", company_parts.innovation_form)
    get_and_post(app, f"{innovation}/{{innovation_id:\\d+}}/edit", company_parts.innovation_form)
    get_and_post(
        app, f"{innovation}/{{innovation_id:\\d+}}/delete", company_parts.innovation_delete
    )


def _event_routes(app: web.Application) -> None:
    app.router.add_get("/events", events.event_list, name="events")
    get_and_post(app, "/events/new", events.event_form)
    app.router.add_get("/events/{id:\\d+}", events.event_page, name="event")
    get_and_post(app, "/events/{id:\\d+}/edit", events.event_form)
    get_and_post(app, "/events/{id:\\d+}/delete", events.event_delete)


def _routes(app: web.Application) -> None:
    _company_routes(app)
    _event_routes(app)


SITE = SiteArea(
    routes=_routes,
    menu=(
        MenuEntry("/companies", N_("Companies"), is_staff),
        MenuEntry("/events", N_("Events"), is_staff),
    ),
    names={"innovation_kind": INNOVATION_KIND_NAMES, "deal_stage": STAGE_NAMES},
)
