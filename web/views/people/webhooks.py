"""Webhooks: the owners' page of the URLs other systems listen at, with the events each is
sent, its latest answer and its recent deliveries; a form to add one (its signing secret shown
once) and a button to delete one."""

from __future__ import annotations

import aiohttp_jinja2
from aiohttp import web

from crm.areas import Area, webhook_events
from crm.errors import DomainError
from crm.webhooks import WebhookEvent, add_endpoint, delete_endpoint, endpoints_with_deliveries
from web.flash import flash
from web.i18n import words
from web.keys import AREAS, db_session, employee, request_now
from web.views.crud import object_id, refusals_by_field

SHOWN_DELIVERIES = 10


def _events(request: web.Request) -> list[WebhookEvent]:
    """The events of the areas that are on."""
    areas: list[Area] = request.app[AREAS]
    return webhook_events(areas)


async def _page(
    request: web.Request,
    *,
    made: tuple[str, str] | None = None,
    errors: dict[str, str] | None = None,
    typed: dict[str, object] | None = None,
) -> web.StreamResponse:
    context = {
        "endpoints": await endpoints_with_deliveries(
            db_session(request), actor=employee(request), limit=SHOWN_DELIVERIES
        ),
        "events": _events(request),
        "made": made,
        "errors": errors or {},
        "form": typed or {},
    }
    response = aiohttp_jinja2.render_template(
        "webhooks.html", request, context, status=400 if errors else 200
    )
    response.headers["Cache-Control"] = "no-store"  # a new endpoint's secret is on it
    return response


async def webhook_page(request: web.Request) -> web.StreamResponse:
    return await _page(request)


async def webhook_new(request: web.Request) -> web.StreamResponse:
    """Add an endpoint; its secret is shown this once, refusals next to their fields."""
    session = db_session(request)
    form = await request.post()
    url = str(form.get("url", ""))
    chosen = [str(value) for value in form.getall("events", [])]
    known = [event.name for event in _events(request)]
    try:
        async with session.begin_nested():
            made = await add_endpoint(
                session,
                actor=employee(request),
                url=url,
                events=chosen,
                known=known,
                now=request_now(request),
            )
    except DomainError as refused:
        return await _page(
            request,
            errors=refusals_by_field(words(request), refused),
            typed={"url": url, "events": chosen},
        )
    return await _page(request, made=(made.url, made.secret))


async def webhook_delete(request: web.Request) -> web.StreamResponse:
    endpoint_id = object_id(request)
    assert endpoint_id is not None
    await delete_endpoint(db_session(request), actor=employee(request), endpoint_id=endpoint_id)
    await flash(request, words(request).gettext("Webhook deleted."))
    raise web.HTTPFound("/webhooks")
