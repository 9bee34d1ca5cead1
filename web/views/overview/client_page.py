"""A client's page (``/clients/<id>``): their card, each area's part of it (the tickets; the
coach, tracks, products and programmes), and the timeline of everything that happened, from the
sources of the areas that are on (crm/overview/timeline.py). The card's listing and forms are
web/views/people/clients.py's."""

from __future__ import annotations

from typing import Any

import aiohttp_jinja2
from aiohttp import web

from crm.areas import Area, timeline_sources
from crm.i18n import N_
from crm.overview.timeline import MAX_EVENTS, TIMELINE_PAGE, client_timeline
from crm.people.clients import get_client
from crm.permissions import is_manager
from web.forms import Reader
from web.i18n import words
from web.keys import AREAS, db_session, employee
from web.views.areas import SITE_AREAS, page_parts
from web.views.crud import object_id
from web.views.overview.timeline import event_status


@aiohttp_jinja2.template("clients/detail.html")
async def client_page(request: web.Request) -> dict[str, Any]:
    client_id = object_id(request)
    assert client_id is not None
    session, viewer = db_session(request), employee(request)
    client = await get_client(session, actor=viewer, client_id=client_id)
    reader = Reader(request.query, words(request).gettext)  # type: ignore[arg-type]
    shown = reader.integer("events", N_("Events"), minimum=1, maximum=MAX_EVENTS)
    if reader.errors:
        raise web.HTTPBadRequest(text="; ".join(reader.errors.values()))
    areas: list[Area] = request.app[AREAS]
    timeline = await client_timeline(
        session,
        timeline_sources(areas),
        actor=viewer,
        client_id=client.id,
        limit=shown or TIMELINE_PAGE,
    )
    sites = request.app[SITE_AREAS]
    return {
        "client": client,
        "parts": await page_parts(request, [site.client_page for site in sites], client),
        "can_edit": is_manager(viewer),
        "timeline": timeline,
        "more_events": len(timeline.events) + TIMELINE_PAGE,
        "event_status": event_status(words(request)),
    }
