"""Sales on the admin site: deals (a board and a list), companies, tasks, events, reports."""

from __future__ import annotations

from aiohttp import web

from crm.i18n import N_
from crm.permissions import is_staff
from crm.sales.founders import INNOVATION_KIND_NAMES
from crm.sales.rules import INTERACTION_KIND_NAMES, STAGE_NAMES, sees_deals
from db.models import Event, Task
from web.i18n import Words
from web.views.areas import MenuEntry, PagePart, SiteArea, get_and_post
from web.views.sales import (
    client_part,
    companies,
    company_parts,
    dashboard,
    deal_forms,
    deal_page,
    deals,
    events,
    reports,
    tasks,
)


def _deal_routes(app: web.Application) -> None:
    route = app.router
    route.add_get("/deals", deals.deal_list, name="deals")
    route.add_get("/deals.csv", deals.deal_csv, name="deals_csv")
    get_and_post(app, "/deals/new", deal_forms.deal_new)
    route.add_get("/deals/{id:\\d+}", deal_page.deal_card, name="deal")
    get_and_post(app, "/deals/{id:\\d+}/edit", deal_forms.deal_edit)
    get_and_post(app, "/deals/{id:\\d+}/delete", deal_forms.deal_delete)
    route.add_post("/deals/{id:\\d+}/{action:move|log|task}", deal_page.deal_action)


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


def _task_routes(app: web.Application) -> None:
    route = app.router
    route.add_get("/tasks", tasks.task_list, name="tasks")
    route.add_get("/tasks.csv", tasks.task_csv, name="tasks_csv")
    get_and_post(app, "/tasks/new", tasks.task_form)
    get_and_post(app, "/tasks/{id:\\d+}/edit", tasks.task_form)
    get_and_post(app, "/tasks/{id:\\d+}/delete", tasks.task_delete)
    route.add_post("/tasks/{id:\\d+}/done", tasks.task_done)
    route.add_post("/clients/{id:\\d+}/interactions", client_part.log_from_client_page)


def _report_routes(app: web.Application) -> None:
    """The reports built from the deals and their moves."""
    route = app.router
    route.add_get("/reports/pipeline", reports.pipeline_report, name="sales_pipeline")
    route.add_get("/reports/pipeline.csv", reports.pipeline_csv)
    route.add_get("/reports/win-rate", reports.win_rate_report, name="sales_win_rate")
    route.add_get("/reports/win-rate.csv", reports.win_rate_csv)


def _routes(app: web.Application) -> None:
    _deal_routes(app)
    _company_routes(app)
    _event_routes(app)
    _task_routes(app)
    _report_routes(app)


def _event_entry(word: Words, event: Event) -> tuple[str, str | None]:
    """An event on the week of /agenda."""
    return word.gettext("Event: {title}", title=event.title), f"/events/{event.id}"


def _task_entry(word: Words, task: Task) -> tuple[str, str | None]:
    """A task due on the week of /agenda."""
    return word.gettext("Task #{number} · {title}", number=task.id, title=task.title), (
        f"/tasks/{task.id}/edit"
    )


SITE = SiteArea(
    routes=_routes,
    menu=(
        MenuEntry("/deals", N_("Deals"), sees_deals),
        MenuEntry("/companies", N_("Companies"), is_staff),
        MenuEntry("/tasks", N_("Tasks"), is_staff),
        MenuEntry("/events", N_("Events"), is_staff),
        MenuEntry("/reports/pipeline", N_("Sales reports"), is_staff),
    ),
    dashboard=PagePart("deals/dashboard_part.html", dashboard.sales_part),
    client_page=PagePart("tasks/interactions_part.html", client_part.interactions_part),
    names={
        "interaction_kind": INTERACTION_KIND_NAMES,
        "innovation_kind": INNOVATION_KIND_NAMES,
        "deal_stage": STAGE_NAMES,
    },
    agenda={"sales.event": _event_entry, "sales.task": _task_entry},
)
