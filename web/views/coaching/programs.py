"""Programmes on the site: the list, a programme's board (its stages in order with the clients
at each, how long they have been there, and each client's moves), enrolling a client and moving
one to another stage with a note; creating, changing and deleting a programme."""

from __future__ import annotations

from typing import Any

import aiohttp_jinja2
from aiohttp import web

from crm.coaching.programs import (
    create_program,
    delete_program,
    enrol,
    move_stage,
    program_board,
    program_list,
    program_to_change,
    update_program,
)
from crm.errors import DomainError, NotFound
from crm.i18n import N_
from crm.people.clients import get_client
from crm.permissions import is_manager, require_manager
from web.flash import flash
from web.forms import Field, FormErrors, Reader
from web.i18n import Gettext, words
from web.keys import db_session, employee, request_now
from web.views.crud import FieldsFor, delete_page, edit_page, object_id, refusals_by_field
from web.views.people.client_picker import Picked, card_number, client_fields, pick_client

# The board's forms and the fields a refusal may be shown next to; any other refusal is shown
# above the form's button.
ACTION_FIELDS = {"enrol": ("client", "client_id"), "move": ("to_stage_id", "client_state")}
DONE = {
    "enrol": N_("{name} is enrolled at the first stage."),
    "move": N_("{name} is moved to {stage}."),
}


def _program_id(request: web.Request) -> int:
    found = object_id(request)
    assert found is not None  # every route that calls this has the id in its path
    return found


@aiohttp_jinja2.template("programs/list.html")
async def program_list_page(request: web.Request) -> dict[str, Any]:
    actor = employee(request)
    return {
        "summaries": await program_list(db_session(request), actor=actor),
        "may_keep": is_manager(actor),
    }


async def _board(
    request: web.Request,
    program_id: int,
    *,
    errors: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
    picked: Picked | None = None,
    moving: int | None = None,
) -> dict[str, Any]:
    _ = words(request).gettext
    board = await program_board(
        db_session(request),
        actor=employee(request),
        program_id=program_id,
        now=request_now(request),
    )
    errors, values = errors or {}, values or {}
    return {
        "board": board,
        "errors": errors,
        "values": values,
        "moving": moving,
        "client_fields": client_fields(values, errors, picked or Picked(), _),
    }


@aiohttp_jinja2.template("programs/detail.html")
async def program_page(request: web.Request) -> dict[str, Any]:
    return await _board(request, _program_id(request))


async def program_action(request: web.Request) -> web.StreamResponse:
    """Enrol a client, or move one to another stage; a refusal is shown next to its field and
    nothing is changed."""
    action = request.match_info["action"]
    program_id = _program_id(request)
    session, actor, now = db_session(request), employee(request), request_now(request)
    _ = words(request).gettext
    await program_board(session, actor=actor, program_id=program_id, now=now)  # a 404 first
    reader = Reader(await request.post(), _)
    values = {
        key: reader.text(key) for key in ("client", "client_id", "to_stage_id", "client_state")
    }
    picked = Picked()
    moving = None
    errors: dict[str, str] = {}
    try:
        async with session.begin_nested():  # a refusal leaves nothing behind
            if action == "enrol":
                picked = await pick_client(session, actor, reader)
                if picked.client_id is not None and card_number(values["client"]) != (
                    picked.client_id
                ):
                    values["client"] = f"#{picked.client_id}"  # the choice survives a refusal
                reader.done()
                if picked.client_id is None:
                    raise FormErrors({})  # a search: the matches are shown to choose from
                enrolment = await enrol(
                    session,
                    actor=actor,
                    client_id=picked.client_id,
                    program_id=program_id,
                    now=now,
                )
                done = _(DONE["enrol"], name=enrolment.client.full_name)
            else:
                moving = reader.identifier("enrolment_id", N_("Enrolment"))
                to_stage_id = reader.identifier("to_stage_id", N_("Stage"))
                reader.done()
                if moving is None:
                    raise NotFound(N_("that enrolment does not exist"))
                enrolment = await move_stage(
                    session,
                    actor=actor,
                    enrolment_id=moving,
                    to_stage_id=to_stage_id,
                    client_state=reader.text("client_state"),
                    now=now,
                )
                if enrolment.program_id != program_id:
                    raise NotFound(N_("that enrolment does not exist"))
                client = await get_client(session, actor=actor, client_id=enrolment.client_id)
                done = _(DONE["move"], name=client.full_name, stage=enrolment.stage.name)
    except FormErrors as error:
        errors = error.errors
    except DomainError as error:
        errors = refusals_by_field(words(request), error)
    # A refusal about a field the form does not show (or about a move whose card is not known)
    # is shown above the board.
    shown = ACTION_FIELDS[action] if action == "enrol" or moving is not None else ()
    placed: dict[str, str] = {}
    for key, message in errors.items():
        where = key if key in shown else action
        placed[where] = f"{placed[where]} {message}" if where in placed else message
    errors = placed
    if errors or picked.matches:
        context = await _board(
            request, program_id, errors=errors, values=values, picked=picked, moving=moving
        )
        context["action"] = action
        return aiohttp_jinja2.render_template(
            "programs/detail.html", request, context, status=400 if errors else 200
        )
    await flash(request, done)
    raise web.HTTPFound(f"/programs/{program_id}")


def _program_fields(_: Gettext) -> FieldsFor:
    async def fields(values: dict[str, Any], errors: dict[str, str]) -> list[Field]:
        return [
            Field(
                "name",
                _("Name"),
                value=values.get("name", ""),
                required=True,
                error=errors.get("name", ""),
            ),
            Field(
                "description",
                _("Description"),
                "textarea",
                values.get("description", ""),
                error=errors.get("description", ""),
            ),
            Field(
                "stages",
                _("Stages, one per line, in order"),
                "textarea",
                values.get("stages", ""),
                required=True,
                error=errors.get("stages", ""),
                help=_(
                    "a stage keeps its clients while its name stays in the list; "
                    "a stage with clients on it cannot be removed"
                ),
            ),
        ]

    return fields


async def program_form(request: web.Request) -> web.StreamResponse:
    session, actor = db_session(request), employee(request)
    program_id = object_id(request)
    _ = words(request).gettext
    initial: dict[str, Any] = {}
    program = None
    if program_id is not None:
        program = await program_to_change(session, actor=actor, program_id=program_id)
        initial = {
            "name": program.name,
            "description": program.description or "",
            "stages": "\n".join(stage.name for stage in program.stages),
        }
    else:
        require_manager(actor)  # the form is its keepers' only

    async def save(reader: Reader) -> str:
        stages = reader.text("stages").splitlines()
        if program_id is None:
            created = await create_program(
                session,
                actor=actor,
                name=reader.text("name"),
                stages=stages,
                description=reader.text("description"),
            )
            return f"/programs/{created.id}"
        await update_program(
            session,
            actor=actor,
            program_id=program_id,
            name=reader.text("name"),
            stages=stages,
            description=reader.text("description"),
        )
        return f"/programs/{program_id}"

    return await edit_page(
        request,
        title=_("New programme") if program is None else _("Edit {name}", name=program.name),
        initial=initial,
        fields_for=_program_fields(_),
        save=save,
        saved_message=_("Programme saved."),
        cancel="/programs" if program_id is None else f"/programs/{program_id}",
    )


async def program_delete(request: web.Request) -> web.StreamResponse:
    session, actor = db_session(request), employee(request)
    program_id = _program_id(request)
    program = await program_to_change(session, actor=actor, program_id=program_id)
    _ = words(request).gettext
    return await delete_page(
        request,
        what=_("the programme {name}", name=program.name),
        delete=lambda: delete_program(session, actor=actor, program_id=program_id),
        done=_("Programme deleted."),
        back="/programs",
        cancel=f"/programs/{program_id}",
    )
