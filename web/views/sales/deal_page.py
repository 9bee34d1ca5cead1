"""A deal's page and what can be done on it: move it (from the board's cards too), log an
interaction, add a task; each refusal is shown next to its field with nothing changed."""

from __future__ import annotations

from typing import Any

import aiohttp_jinja2
from aiohttp import web

from crm.errors import DomainError, NotFound
from crm.i18n import N_
from crm.sales.deal_card import deal_work
from crm.sales.deals import load_deal, move_deal
from crm.sales.interactions import log_interaction
from crm.sales.rules import (
    INTERACTION_KIND_NAMES,
    LOGGED_KINDS,
    actions,
    check_notes,
    moves_for,
)
from crm.sales.tasks import add_task
from db.enums import DealStage, InteractionKind
from db.models import Deal
from web.flash import flash
from web.forms import FormErrors, Reader
from web.i18n import words
from web.keys import db_session, employee, request_now
from web.views.crud import object_id, read_moment

# Each form of the page and the fields a refusal may be shown next to; any other refusal is
# shown above the form's button.
ACTION_FIELDS = {
    "move": ("stage", "reason"),
    "log": ("kind", "notes", "happened_at"),
    "task": ("title", "due_at"),
}
DONE = {
    "move": N_("Deal moved."),
    "log": N_("Interaction logged."),
    "task": N_("Task added."),
}


def deal_id_of(request: web.Request) -> int:
    found = object_id(request)
    assert found is not None  # every route that calls this has the id in its path
    return found


async def _page(
    request: web.Request,
    deal: Deal,
    errors: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
    action: str | None = None,
) -> dict[str, Any]:
    viewer = employee(request)
    named = words(request).named(INTERACTION_KIND_NAMES)
    allowed, moves = actions(viewer, deal), moves_for(viewer, deal)  # the bot's card reads the same
    errors = errors or {}
    # A form the page no longer shows (a deal won meanwhile has no move form) cannot hold its
    # refusal: it is said above the page instead.
    shown = {"move": bool(moves), "log": "log" in allowed, "task": "task" in allowed}
    refusals = [] if action is None or shown[action] else list(errors.values())
    return {
        "deal": deal,
        "actions": allowed,
        "moves": moves,
        "work": await deal_work(db_session(request), actor=viewer, deal=deal),
        "kinds": [(kind.value, named(kind)) for kind in LOGGED_KINDS],
        "errors": {} if refusals else errors,
        "refusals": refusals,
        "values": values or {},
    }


@aiohttp_jinja2.template("deals/detail.html")
async def deal_card(request: web.Request) -> dict[str, Any]:
    deal = await load_deal(db_session(request), deal_id_of(request), visible_to=employee(request))
    return await _page(request, deal)


async def deal_action(request: web.Request) -> web.StreamResponse:
    """One form of the page (or a board card's move); a refusal is shown on the deal's page next
    to its field, and nothing is changed."""
    action = request.match_info["action"]
    deal_id = deal_id_of(request)
    session, viewer = db_session(request), employee(request)
    # Not visible is not there: a 404 before anything is read.
    await load_deal(session, deal_id, visible_to=viewer)
    reader = Reader(await request.post(), words(request).gettext)
    keys = ("stage", "reason", "seen", "kind", "notes", "happened_at", "title", "due_at")
    values = {key: reader.text(key) for key in keys}
    errors: dict[str, str] = {}
    try:
        async with session.begin_nested():  # a refusal leaves nothing behind
            await _apply(request, action, reader, deal_id)
    except FormErrors as error:
        errors = error.errors
    except DomainError as error:
        if isinstance(error, NotFound) and error.field is None:
            raise
        field = error.field if error.field in ACTION_FIELDS[action] else action
        errors = {field or action: words(request).error(error)}
    if errors:
        deal = await load_deal(session, deal_id, visible_to=viewer)
        context = await _page(request, deal, errors, values, action)
        return aiohttp_jinja2.render_template("deals/detail.html", request, context, status=400)
    await flash(request, words(request).gettext(DONE[action]))
    raise web.HTTPFound("/deals" if reader.text("back") == "board" else f"/deals/{deal_id}")


async def _apply(request: web.Request, action: str, reader: Reader, deal_id: int) -> None:
    session, viewer, now = db_session(request), employee(request), request_now(request)
    _ = words(request).gettext
    if action == "move":
        to = reader.choice("stage", DealStage, N_("Stage"), DealStage.NEW)
        seen = reader.choice("seen", DealStage, N_("Stage"), DealStage.NEW)
        if not reader.text("stage").strip():
            reader.errors["stage"] = _("Choose the stage")
        reader.done()
        await move_deal(
            session,
            actor=viewer,
            deal_id=deal_id,
            to=to,
            now=now,
            reason=reader.text("reason"),
            seen_at=seen if reader.text("seen").strip() else None,
        )
    elif action == "log":
        kind = reader.choice("kind", InteractionKind, N_("Kind"), InteractionKind.CALL)
        happened_at = read_moment(request, reader, "happened_at")
        reader.done()
        check_notes(reader.text("notes"))
        await log_interaction(
            session,
            actor=viewer,
            kind=kind,
            now=now,
            deal_id=deal_id,
            happened_at=happened_at,
            notes=reader.text("notes"),
        )
    else:
        due_at = read_moment(request, reader, "due_at")
        reader.done()
        await add_task(
            session,
            actor=viewer,
            title=reader.text("title"),
            now=now,
            due_at=due_at,
            deal_id=deal_id,
        )
