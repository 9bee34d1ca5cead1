"""A client's page (``/clients/<id>``): their card and what every area holds for them, their
tickets, programmes, products and tracks, with the timeline of everything that happened
(crm/overview/timeline.py). The card's listing and forms are web/views/people/clients.py's."""

from __future__ import annotations

from typing import Any

import aiohttp_jinja2
from aiohttp import web

from crm.coaching.products import products_of
from crm.coaching.programs import enrolments_of
from crm.coaching.tracks import TRACK_STATUS_NAMES, tracks_of
from crm.i18n import N_
from crm.overview.timeline import MAX_EVENTS, TIMELINE_PAGE, client_timeline
from crm.people.clients import get_client
from crm.permissions import is_manager
from crm.tickets.listing import TicketFilter, list_tickets
from web.forms import Reader
from web.i18n import words
from web.keys import SETTINGS, db_session, employee
from web.views.crud import object_id
from web.views.overview.timeline import event_status


@aiohttp_jinja2.template("clients/detail.html")
async def client_page(request: web.Request) -> dict[str, Any]:
    client_id = object_id(request)
    assert client_id is not None
    session, viewer = db_session(request), employee(request)
    client = await get_client(session, actor=viewer, client_id=client_id)
    tickets = await list_tickets(
        session, viewer, TicketFilter(client_id=client.id, zone=request.app[SETTINGS].zone)
    )
    reader = Reader(request.query, words(request).gettext)  # type: ignore[arg-type]
    shown = reader.integer("events", N_("Events"), minimum=1, maximum=MAX_EVENTS)
    if reader.errors:
        raise web.HTTPBadRequest(text="; ".join(reader.errors.values()))
    timeline = await client_timeline(
        session, actor=viewer, client_id=client.id, limit=shown or TIMELINE_PAGE
    )
    return {
        "client": client,
        "tickets": tickets.tickets,
        "can_edit": is_manager(viewer),
        "timeline": timeline,
        "more_events": len(timeline.events) + TIMELINE_PAGE,
        "event_status": event_status(words(request)),
        "bought": await products_of(session, actor=viewer, client_id=client.id),
        "enrolments": await enrolments_of(session, actor=viewer, client_id=client.id),
        "tracks": await tracks_of(session, actor=viewer, client_id=client.id),
        "track_status": lambda status: words(request).gettext(TRACK_STATUS_NAMES[status]),
    }
