"""The workspace on the admin site: the notification centre (and the header's unseen count), my
agenda as a week, my contacts, my documents (and a client's, on their card), conversations."""

from __future__ import annotations

from aiohttp import web

from crm.i18n import N_
from crm.permissions import is_staff
from web.views.areas import MenuEntry, PagePart, SiteArea, get_and_post
from web.views.workspace import agenda, contacts, conversations, documents, notifications


def _routes(app: web.Application) -> None:
    route = app.router
    route.add_get("/notifications", notifications.notification_list, name="notifications")
    route.add_get("/notifications/{id:\\d+}", notifications.notification_page)
    route.add_post("/notifications/seen", notifications.all_seen)
    route.add_get("/agenda", agenda.week_page, name="agenda")
    get_and_post(app, "/agenda/new", agenda.plan_form)
    get_and_post(app, "/agenda/{id:\\d+}/edit", agenda.plan_form)
    get_and_post(app, "/agenda/{id:\\d+}/delete", agenda.plan_delete)
    route.add_get("/contacts", contacts.contact_list, name="contacts")
    get_and_post(app, "/contacts/new", contacts.contact_form)
    get_and_post(app, "/contacts/{id:\\d+}/edit", contacts.contact_form)
    get_and_post(app, "/contacts/{id:\\d+}/delete", contacts.contact_delete)
    route.add_get("/documents", documents.document_list, name="documents")
    route.add_post("/documents/{id:\\d+}/send", documents.send_document)
    get_and_post(app, "/documents/{id:\\d+}/delete", documents.document_delete)
    route.add_get("/conversations", conversations.conversation_list, name="conversations")
    get_and_post(app, "/conversations/{key:(client|staff)-\\d+}", conversations.conversation_page)


SITE = SiteArea(
    routes=_routes,
    menu=(
        MenuEntry("/agenda", N_("My agenda"), is_staff),
        MenuEntry("/conversations", N_("Conversations"), is_staff),
        MenuEntry("/contacts", N_("My contacts"), is_staff),
        MenuEntry("/documents", N_("My documents"), is_staff),
    ),
    client_page=PagePart("workspace/client_documents_part.html", documents.client_part),
    header=PagePart("workspace/header_part.html", notifications.header_part),
    agenda={"workspace.plan": agenda.plan_entry},
)
