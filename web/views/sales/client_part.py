"""The sales part of a client's page: the interaction log (what was logged with the client and
every chat they had with the business, ``crm.sales.interaction_log``) and the form that logs a
call, a meeting, an email or a note (``POST /clients/<id>/interactions``)."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from crm.areas import Area
from crm.chats import chat_sources
from crm.errors import DomainError
from crm.i18n import N_
from crm.sales.interaction_log import interaction_log
from crm.sales.interactions import log_interaction
from crm.sales.rules import INTERACTION_KIND_NAMES, LOGGED_KINDS, check_notes
from db.enums import InteractionKind
from db.models import Client
from web.flash import flash
from web.forms import FormErrors, Reader
from web.i18n import words
from web.keys import AREAS, db_session, employee, request_now
from web.views.crud import object_id, read_moment, refusals_by_field
from web.views.overview.client_page import client_page

# A refused form's errors and values, for the client's page drawn again with them.
FORM_KEY = "interaction_form"


async def interactions_part(request: web.Request, client: Client | None) -> dict[str, Any] | None:
    """The log of ``client``'s interactions and the form to add one (staff who see them)."""
    if client is None:
        return None
    session, viewer = db_session(request), employee(request)
    named = words(request).named(INTERACTION_KIND_NAMES)
    areas: list[Area] = request.app[AREAS]
    return {
        "client_id": client.id,
        "entries": await interaction_log(
            session, chat_sources(areas), actor=viewer, client_id=client.id
        ),
        "kinds": [(kind.value, named(kind)) for kind in LOGGED_KINDS],
        "errors": request.get(FORM_KEY, {}).get("errors", {}),
        "values": request.get(FORM_KEY, {}).get("values", {}),
    }


async def log_from_client_page(request: web.Request) -> web.StreamResponse:
    """Log a call, a meeting, an email or a note with the client; a refusal is shown on their
    page next to the field (a 400), and nothing is logged."""
    client_id = object_id(request)
    assert client_id is not None
    session, actor, now = db_session(request), employee(request), request_now(request)
    reader = Reader(await request.post(), words(request).gettext)
    kind = reader.choice("kind", InteractionKind, N_("Kind"), InteractionKind.CALL)
    deal_id = reader.identifier("deal_id", N_("Deal number"))
    happened_at = read_moment(request, reader, "happened_at")
    errors: dict[str, str] = {}
    try:
        reader.done()
        check_notes(reader.text("notes"))
        async with session.begin_nested():
            await log_interaction(
                session,
                actor=actor,
                kind=kind,
                now=now,
                client_id=client_id,
                deal_id=deal_id,
                happened_at=happened_at,
                notes=reader.text("notes"),
            )
    except FormErrors as error:
        errors = error.errors
    except DomainError as error:
        errors = {**reader.errors, **refusals_by_field(words(request), error)}
    if errors:
        values = {key: reader.text(key) for key in ("kind", "deal_id", "happened_at", "notes")}
        request[FORM_KEY] = {"errors": errors, "values": values}
        response = await client_page(request)
        response.set_status(400)
        return response
    await flash(request, words(request).gettext("Interaction logged."))
    raise web.HTTPFound(f"/clients/{client_id}#interactions")
