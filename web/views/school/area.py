"""The language school on the admin site: contracts, languages and their discount tiers."""

from __future__ import annotations

from aiohttp import web

from crm.i18n import N_
from crm.permissions import is_manager, is_staff
from crm.school.rules import PAYMENT_METHOD_NAMES, STATUS_NAMES
from db.enums import SubjectKind
from web.views.areas import MenuEntry, PagePart, SiteArea, crud_routes, get_and_post
from web.views.school import contract_page, contracts, dashboard, languages


def _routes(app: web.Application) -> None:
    route = app.router
    route.add_get("/contracts", contracts.contract_list, name="contracts")
    route.add_get("/contracts.csv", contracts.contract_csv, name="contracts_csv")
    get_and_post(app, "/contracts/new", contract_page.contract_new)
    route.add_get("/contracts/{id:\\d+}", contract_page.contract_card, name="contract")
    get_and_post(app, "/contracts/{id:\\d+}/edit", contract_page.contract_edit)
    get_and_post(app, "/contracts/{id:\\d+}/delete", contract_page.contract_delete)
    route.add_post(
        "/contracts/{id:\\d+}/{action:pay|assign|lesson|terminate}", contract_page.contract_action
    )
    crud_routes(
        app,
        "languages",
        languages.language_list,
        languages.language_form,
        languages.language_delete,
    )
    get_and_post(app, "/languages/tiers/new", languages.tier_form)
    get_and_post(app, "/languages/tiers/{id:\\d+}/delete", languages.tier_delete)


SITE = SiteArea(
    routes=_routes,
    menu=(
        MenuEntry("/contracts", N_("Contracts"), is_staff),
        MenuEntry("/languages", N_("Languages"), is_manager),
    ),
    dashboard=PagePart("contracts/dashboard_part.html", dashboard.school_part),
    names={"contract_status": STATUS_NAMES, "payment_method": PAYMENT_METHOD_NAMES},
    record_pages={SubjectKind.CONTRACT: "/contracts/{id}"},
)
