"""Sales on the admin site: deals (a board and a list), companies, tasks, events, reports."""

from __future__ import annotations

from aiohttp import web

from crm.i18n import N_
from crm.sales.rules import INTERACTION_KIND_NAMES, STAGE_NAMES, sees_deals
from web.views.areas import MenuEntry, PagePart, SiteArea, get_and_post
from web.views.sales import dashboard, deal_forms, deal_page, deals


def _routes(app: web.Application) -> None:
    route = app.router
    route.add_get("/deals", deals.deal_list, name="deals")
    route.add_get("/deals.csv", deals.deal_csv, name="deals_csv")
    get_and_post(app, "/deals/new", deal_forms.deal_new)
    route.add_get("/deals/{id:\\d+}", deal_page.deal_card, name="deal")
    get_and_post(app, "/deals/{id:\\d+}/edit", deal_forms.deal_edit)
    get_and_post(app, "/deals/{id:\\d+}/delete", deal_forms.deal_delete)
    route.add_post("/deals/{id:\\d+}/{action:move|log|task}", deal_page.deal_action)


SITE = SiteArea(
    routes=_routes,
    menu=(MenuEntry("/deals", N_("Deals"), sees_deals),),
    dashboard=PagePart("deals/dashboard_part.html", dashboard.sales_part),
    names={"deal_stage": STAGE_NAMES, "interaction_kind": INTERACTION_KIND_NAMES},
)
