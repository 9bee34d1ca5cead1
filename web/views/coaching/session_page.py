"""A coaching session's card and what can be done on it: mark it done, no-show or cancelled,
file its meeting report; planning one for a client, changing it while planned, deleting it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import aiohttp_jinja2
from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession

from crm.coaching.rules import DEFAULT_MINUTES, ENDING_ACTIONS, has_started
from crm.coaching.session_card import (
    coaches_to_plan_for,
    delete_session,
    edit_session,
    session_card,
    session_to_change,
    session_to_delete,
)
from crm.coaching.session_listing import FORMAT_NAMES
from crm.coaching.sessions import SessionDraft, end_session, plan_session
from crm.errors import InvalidInput, NotFound
from crm.i18n import N_
from crm.people.clients import clients_named
from db.enums import SessionFormat
from db.models import Employee
from web.flash import flash
from web.forms import Field, FormErrors, Reader
from web.i18n import Gettext, words
from web.keys import NOTIFIER, SETTINGS, db_session, employee, request_now
from web.views.coaching.reports import MEETING_PARTS, meeting_report_editor
from web.views.coaching.sessions import names
from web.views.crud import delete_page, edit_page, object_id, read_moment
from web.views.people.client_picker import (
    Picked,
    card_number,
    client_fields,
    participants_field,
    pick_client,
    several_clients,
)

DONE = {
    "done": N_("Session marked done."),
    "noshow": N_("Session marked as a no-show."),
    "cancel": N_("Session cancelled; its clients are told."),
}
# How a start is typed: a browser's date-and-time input sends 2026-12-04T18:30.
START_FORMAT_HELP = N_("the date and time in the business's time zone, e.g. 2026-12-04 18:30")


# The service's names of the fields it refuses, as the form calls them.
_FIELDS = {"client_id": "client", "participant_ids": "participants"}


async def participants_named(
    session: AsyncSession, actor: Employee, named: list[int | str]
) -> list[int]:
    """The card numbers of the other participants named, each a client ``actor`` may see."""
    found = await clients_named(session, actor=actor, named=named, field="participants")
    return [client.id for client in found]


def _session_id(request: web.Request) -> int:
    found = object_id(request)
    assert found is not None  # every route that calls this has the id in its path
    return found


async def _card_context(
    request: web.Request, session_id: int, errors: dict[str, str] | None = None
) -> dict[str, Any]:
    card = await session_card(
        db_session(request),
        actor=employee(request),
        session_id=session_id,
        now=request_now(request),
    )
    _ = words(request).gettext
    return {
        "meeting": card.session,
        "report": card.report,
        "actions": card.actions,
        "endings": [action for action in ENDING_ACTIONS if action in card.actions],
        "report_parts": [(name, _(label)) for name, label in MEETING_PARTS],
        "errors": errors or {},
        **names(request),
    }


@aiohttp_jinja2.template("sessions/detail.html")
async def session_page(request: web.Request) -> dict[str, Any]:
    return await _card_context(request, _session_id(request))


async def session_action(request: web.Request) -> web.StreamResponse:
    """A button of the card: done, no-show or cancel; a refusal is shown on the card."""
    action = request.match_info["action"]
    session_id = _session_id(request)
    session, actor = db_session(request), employee(request)
    try:
        async with session.begin_nested():  # a refusal leaves nothing behind
            await end_session(
                session,
                request.app[NOTIFIER],
                actor=actor,
                session_id=session_id,
                to=ENDING_ACTIONS[action],
                now=request_now(request),
            )
    except InvalidInput as error:
        context = await _card_context(request, session_id, {"action": words(request).error(error)})
        return aiohttp_jinja2.render_template("sessions/detail.html", request, context, status=400)
    await flash(request, words(request).gettext(DONE[action]))
    raise web.HTTPFound(f"/sessions/{session_id}")


async def session_report(request: web.Request) -> web.StreamResponse:
    """File (or rewrite) the meeting report of a session held, from the session's page."""
    session_id = _session_id(request)
    return await meeting_report_editor(
        request,
        session_id=session_id,
        back=f"/sessions/{session_id}",
        after_save=lambda _report: f"/sessions/{session_id}",
    )


def _read_start(request: web.Request, reader: Reader) -> datetime | None:
    """The start typed in the business's time zone, in UTC; a bad one is refused by its field."""
    _ = reader.gettext
    if not reader.text("starts_at").strip():
        reader.errors["starts_at"] = _("Say when the session starts")
        return None
    # The one reading of a typed moment, as /plan and /book read it.
    return read_moment(request, reader, "starts_at")


def shown_start(request: web.Request, moment: datetime) -> str:
    return moment.astimezone(request.app[SETTINGS].zone).strftime("%Y-%m-%dT%H:%M")


def _when_fields(_: Gettext, values: dict[str, Any], errors: dict[str, str]) -> list[Field]:
    """The start, length and format: asked when planning and when changing a session."""
    return [
        Field(
            "starts_at",
            _("Starts"),
            "datetime-local",
            values.get("starts_at", ""),
            required=True,
            error=errors.get("starts_at", ""),
            help=_(START_FORMAT_HELP),
        ),
        Field(
            "minutes",
            _("Minutes"),
            "number",
            values.get("minutes", ""),
            required=True,
            error=errors.get("minutes", ""),
        ),
        Field(
            "format",
            _("Format"),
            "select",
            values.get("format", SessionFormat.IN_PERSON.value),
            options=[(kind.value, _(FORMAT_NAMES[kind])) for kind in SessionFormat],
            error=errors.get("format", ""),
            help=_("an online session gets a video room of its own"),
        ),
    ]


def read_when(request: web.Request, reader: Reader) -> tuple[datetime | None, int | None, bool]:
    starts_at = _read_start(request, reader)
    minutes = reader.integer("minutes", N_("Minutes"))  # its bounds are the service's to say
    if minutes is None and "minutes" not in reader.errors:
        reader.errors["minutes"] = reader.gettext("Say how many minutes")
    chosen = reader.choice("format", SessionFormat, N_("Format"), SessionFormat.IN_PERSON)
    return starts_at, minutes, chosen is SessionFormat.ONLINE


def _new_fields(
    _: Gettext,
    values: dict[str, str],
    errors: dict[str, str],
    picked: Picked,
    coaches: list[Employee],
) -> list[Field]:
    fields = client_fields(values, errors, picked, _)
    fields.append(
        participants_field(values.get("participants", ""), errors.get("participants", ""), _)
    )
    fields.append(
        Field(
            "coach_id",
            _("Coach"),
            "select",
            values.get("coach_id", ""),
            options=[(str(coach.id), coach.full_name) for coach in coaches],
            required=True,
            error=errors.get("coach_id", ""),
        )
    )
    return fields + _when_fields(_, values, errors)


async def session_new(request: web.Request) -> web.StreamResponse:
    """A coach (or a manager, for any coach) plans a session with a client."""
    session, actor = db_session(request), employee(request)
    _ = words(request).gettext
    coaches = await coaches_to_plan_for(session, actor=actor)
    values: dict[str, str] = {
        "minutes": str(DEFAULT_MINUTES),
        "coach_id": str(actor.id),
        "format": SessionFormat.IN_PERSON.value,
    }
    errors: dict[str, str] = {}
    picked = Picked()
    if request.method == "POST":
        reader = Reader(await request.post(), _)
        values = {
            key: reader.text(key)
            for key in ("client", "participants", "coach_id", "starts_at", "minutes", "format")
        }
        picked = await pick_client(session, actor, reader)
        others = several_clients(reader, "participants")
        if picked.client_id is not None and card_number(values["client"]) != picked.client_id:
            values["client"] = f"#{picked.client_id}"  # the choice survives a refusal
        coach_id = reader.identifier("coach_id", N_("Coach"))
        starts_at, minutes, online = read_when(request, reader)
        try:
            reader.done()
            if picked.client_id is None:
                raise FormErrors({})  # a search: the matches are shown to choose from
            assert starts_at is not None and minutes is not None
            async with session.begin_nested():
                participant_ids = await participants_named(session, actor, others)
                meeting = await plan_session(
                    session,
                    request.app[NOTIFIER],
                    actor=actor,
                    draft=SessionDraft(
                        picked.client_id,
                        starts_at,
                        minutes,
                        online,
                        participant_ids=participant_ids,
                        coach_id=coach_id,
                    ),
                    now=request_now(request),
                )
        except FormErrors as error:
            errors = error.errors
        except (InvalidInput, NotFound) as error:
            field = _FIELDS.get(error.field or "client_id", error.field or "client")
            errors = {field: words(request).error(error)}
        else:
            planned = _("Session #{id} is planned; the client is told.", id=meeting.id)
            if has_started(meeting, request_now(request)):  # one that already happened
                planned = _("Session #{id} is recorded; say how it went.", id=meeting.id)
            await flash(request, planned)
            raise web.HTTPFound(f"/sessions/{meeting.id}")
    fields = _new_fields(_, values, errors, picked, coaches)
    context = {"title": _("Plan a session"), "fields": fields, "cancel": "/sessions"}
    return aiohttp_jinja2.render_template(
        "form.html", request, context, status=400 if errors else 200
    )


async def session_edit(request: web.Request) -> web.StreamResponse:
    """Change a planned session's start, length or format (its coach, managers)."""
    session, actor = db_session(request), employee(request)
    session_id = _session_id(request)
    _ = words(request).gettext
    meeting = await session_to_change(session, actor=actor, session_id=session_id)
    initial = {
        "starts_at": shown_start(request, meeting.starts_at),
        "minutes": str(meeting.minutes),
        "format": meeting.format.value,
        "participants": ", ".join(f"#{taking.client_id}" for taking in meeting.participants),
    }

    async def fields(values: dict[str, Any], errors: dict[str, str]) -> list[Field]:
        who = participants_field(values.get("participants", ""), errors.get("participants", ""), _)
        return [*_when_fields(_, values, errors), who]

    async def save(reader: Reader) -> str:
        starts_at, minutes, online = read_when(request, reader)
        others = several_clients(reader, "participants")
        reader.done()
        assert starts_at is not None and minutes is not None
        participant_ids = await participants_named(session, actor, others)
        await edit_session(
            session,
            request.app[NOTIFIER],
            actor=actor,
            session_id=session_id,
            starts_at=starts_at,
            minutes=minutes,
            online=online,
            now=request_now(request),
            participant_ids=participant_ids,
        )
        return f"/sessions/{session_id}"

    return await edit_page(
        request,
        title=_("Change session #{id}", id=session_id),
        initial=initial,
        fields_for=fields,
        save=save,
        saved_message=_("Session #{id} saved; its clients are told.", id=session_id),
        cancel=f"/sessions/{session_id}",
    )


async def session_delete(request: web.Request) -> web.StreamResponse:
    """A confirmation page, then the deletion (POST only); one that took place is kept."""
    session, actor = db_session(request), employee(request)
    session_id = _session_id(request)
    meeting = await session_to_delete(session, actor=actor, session_id=session_id)
    _ = words(request).gettext
    return await delete_page(
        request,
        what=_(
            "session #{id} ({client}, {when})",
            id=meeting.id,
            client=meeting.client.full_name,
            when=words(request).moment(meeting.starts_at),
        ),
        delete=lambda: delete_session(session, actor=actor, session_id=session_id),
        done=_("Session #{id} deleted.", id=session_id),
        back="/sessions",
        cancel=f"/sessions/{session_id}",
    )
