"""Sales on the admin site: deals (a board and a list), companies, tasks, events, reports."""

from __future__ import annotations

from aiohttp import web

from crm.i18n import N_
from crm.permissions import is_staff
from crm.sales.rules import INTERACTION_KIND_NAMES
from web.views.areas import MenuEntry, PagePart, SiteArea, get_and_post
from web.views.sales import client_part, tasks


def _routes(app: web.Application) -> None:
    route = app.router
    route.add_get("/tasks", tasks.task_list, name="tasks")
    route.add_get("/tasks.csv", tasks.task_csv, name="tasks_csv")
    get_and_post(app, "/tasks/new", tasks.task_form)
    get_and_post(app, "/tasks/{id:\\d+}/edit", tasks.task_form)
    get_and_post(app, "/tasks/{id:\\d+}/delete", tasks.task_delete)
    route.add_post("/tasks/{id:\\d+}/done", tasks.task_done)
    route.add_post("/clients/{id:\\d+}/interactions", client_part.log_from_client_page)


SITE = SiteArea(
    routes=_routes,
    menu=(MenuEntry("/tasks", N_("Tasks"), is_staff),),
    client_page=PagePart("tasks/interactions_part.html", client_part.interactions_part),
    names={"interaction_kind": INTERACTION_KIND_NAMES},
)
