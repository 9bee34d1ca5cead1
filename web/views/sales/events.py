"""Events on the admin site: the listing (upcoming first; the past ones with ``?when=past``),
an event's page with who takes part (for its organiser and the managers), its form and its
deletion."""

from __future__ import annotations

from typing import Any

import aiohttp_jinja2
from aiohttp import web

from crm.i18n import N_
from crm.people.client_company import company_label
from crm.permissions import is_manager
from crm.sales.event_participants import participants
from crm.sales.events import (
    EventDraft,
    EventFilter,
    delete_event,
    event_to_change,
    event_to_delete,
    get_event,
    list_events,
    may_change_event,
    organisers,
    save_event,
)
from crm.visibility import sees_participants
from db.models import Employee
from web.forms import Field, Reader, fields_from
from web.i18n import Gettext, words
from web.keys import SETTINGS, db_session, employee, request_now
from web.views.crud import FieldsFor, delete_page, edit_page, object_id, read_moment
from web.views.listing import listing_page
from web.views.people.company_field import COMPANY_SUGGESTIONS, company_typed

FILTER_KEYS = ("when",)
PAST = "past"


async def event_list(request: web.Request) -> web.StreamResponse:
    """Upcoming events soonest first, or (``when=past``) those that began, latest first."""
    wanted, viewer = EventFilter(past=request.query.get("when") == PAST), employee(request)
    return await listing_page(
        request,
        "events/list.html",
        path="/events",
        keys=FILTER_KEYS,
        errors={},
        fetch=lambda after, before: list_events(
            db_session(request),
            viewer,
            wanted,
            now=request_now(request),
            cursor=after,
            before=before,
        ),
        refused_field="after",
        context={"past": wanted.past, "can_create": is_manager(viewer)},
    )


@aiohttp_jinja2.template("events/detail.html")
async def event_page(request: web.Request) -> dict[str, Any]:
    session, viewer = db_session(request), employee(request)
    event_id = object_id(request)
    assert event_id is not None
    event = await get_event(session, actor=viewer, event_id=event_id)
    shown = sees_participants(viewer, event)
    return {
        "event": event,
        "participants": await participants(session, actor=viewer, event=event) if shown else None,
        "can_change": may_change_event(viewer, event),
        "can_delete": is_manager(viewer),
    }


def _fields(_: Gettext, staff: list[Employee]) -> FieldsFor:
    async def fields(values: dict[str, Any], errors: dict[str, str]) -> list[Field]:
        field = fields_from(values, errors)

        return [
            field("title", _("Title"), required=True),
            field(
                "starts_at",
                _("Starts"),
                "datetime-local",
                required=True,
                help=_("a date and a time, e.g. 2026-12-15 18:30"),
            ),
            field("place", _("Place")),
            field("description", _("Description"), "textarea"),
            field("image", _("Picture"), "url", help=_("the picture's address, https://…")),
            field(
                "company",
                _("Company"),
                help=_("the company's name or number (#12); empty for our own event"),
                suggest=COMPANY_SUGGESTIONS,
            ),
            field(
                "organiser_id",
                _("Organiser"),
                "select",
                options=[("", _("— the owners and administrators —"))]
                + [(str(person.id), person.full_name) for person in staff],
                help=_("told when someone joins or leaves"),
            ),
        ]

    return fields


async def event_form(request: web.Request) -> web.StreamResponse:
    session, actor = db_session(request), employee(request)
    event_id = object_id(request)
    _ = words(request).gettext
    event = await event_to_change(session, actor=actor, event_id=event_id)
    staff = await organisers(session, actor=actor)
    zone = request.app[SETTINGS].zone
    initial: dict[str, Any] = {"organiser_id": str(actor.id)}
    if event is not None:
        initial = {
            "title": event.title,
            "starts_at": event.starts_at.astimezone(zone).strftime("%Y-%m-%dT%H:%M"),
            "place": event.place or "",
            "description": event.description or "",
            "image": event.image or "",
            "company": company_label(event.company) if event.company else "",
            "organiser_id": str(event.organiser_id or ""),
        }

    async def save(reader: Reader) -> str:
        draft = EventDraft(
            title=reader.text("title"),
            starts_at=read_moment(request, reader, "starts_at"),  # empty: the service asks for it
            description=reader.text("description"),
            place=reader.text("place"),
            image=reader.text("image"),
            company=company_typed(reader.text("company")),
            organiser_id=reader.identifier("organiser_id", N_("Organiser")),
        )
        reader.done()
        saved = await save_event(
            session, actor=actor, draft=draft, event_id=event_id, now=request_now(request)
        )
        return f"/events/{saved.id}"

    return await edit_page(
        request,
        title=_("New event") if event is None else _("Edit {name}", name=event.title),
        initial=initial,
        fields_for=_fields(_, staff),
        save=save,
        saved_message=_("Event saved."),
        cancel="/events" if event is None else f"/events/{event.id}",
    )


async def event_delete(request: web.Request) -> web.StreamResponse:
    session, actor = db_session(request), employee(request)
    event_id = object_id(request)
    assert event_id is not None
    event = await event_to_delete(session, actor=actor, event_id=event_id)
    _ = words(request).gettext
    return await delete_page(
        request,
        what=_("the event {name}", name=event.title),
        delete=lambda: delete_event(session, actor=actor, event_id=event_id),
        done=_("Event deleted."),
        back="/events",
        cancel=f"/events/{event_id}",
    )
