"""The service desk on the admin site: the ticket listing, cards, forms and attachments."""

from __future__ import annotations

from aiohttp import web

from crm.i18n import N_
from crm.permissions import is_staff
from crm.tickets.files import ATTACHMENT_KIND_NAMES
from crm.tickets.rules import STATUS_NAMES
from db.enums import SubjectKind
from web.views.areas import MenuEntry, PagePart, SiteArea, get_and_post
from web.views.tickets import dashboard, files, tickets


def _routes(app: web.Application) -> None:
    route = app.router
    route.add_get("/tickets", tickets.ticket_list, name="tickets")
    route.add_get("/tickets.csv", tickets.ticket_csv, name="tickets_csv")
    get_and_post(app, "/tickets/new", tickets.ticket_form)
    route.add_get("/tickets/{ticket_id:\\d+}", tickets.ticket_page, name="ticket")
    get_and_post(app, "/tickets/{ticket_id:\\d+}/edit", tickets.ticket_form)
    get_and_post(app, "/tickets/{ticket_id:\\d+}/delete", tickets.ticket_delete)
    route.add_post(
        "/tickets/{ticket_id:\\d+}/{action:assign|take|status|reply|note}", tickets.ticket_action
    )
    route.add_get(
        "/tickets/{ticket_id:\\d+}/files/{attachment_id:\\d+}",
        files.ticket_file,
        name="ticket_file",
    )


SITE = SiteArea(
    routes=_routes,
    menu=(MenuEntry("/tickets", N_("Tickets"), is_staff),),
    dashboard=PagePart("tickets/dashboard_part.html", dashboard.ticket_part),
    client_page=PagePart("tickets/client_part.html", dashboard.client_tickets_part),
    names={"status_name": STATUS_NAMES, "attachment_kind": ATTACHMENT_KIND_NAMES},
    record_pages={SubjectKind.TICKET: "/tickets/{id}"},
)
