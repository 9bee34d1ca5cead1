"""My agenda as a week: what each area that is on puts on it (sessions, events, tasks, my own
planned items), day by day, with links to the records; and the planned items' forms."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

import aiohttp_jinja2
from aiohttp import web

from crm.areas import AgendaAsk, agenda_sources
from crm.i18n import N_
from crm.moments import button_day, local, written_clock
from crm.workspace.plan_notices import reminder_words
from crm.workspace.plans import (
    LONGEST_MINUTES,
    REMINDER_CHOICES,
    PlanDraft,
    delete_plan,
    get_plan,
    save_plan,
)
from db.models import PlannedItem
from web.forms import FIRST_DAY, LAST_DAY, Field, Reader, fields_from
from web.i18n import Gettext, words
from web.keys import AREAS, SETTINGS, db_session, employee, request_now
from web.views.areas import SITE_AREAS
from web.views.crud import FieldsFor, delete_page, edit_page, object_id, read_moment


def _week_start(request: web.Request) -> date:
    """The Monday of the week asked for (``?week=`` any day of it); this week when the address
    names no day the site can show (1900 to 2999)."""
    today = local(request_now(request), request.app[SETTINGS].zone).date()
    try:
        day = date.fromisoformat(request.query.get("week", ""))
    except ValueError:
        day = today
    if not FIRST_DAY + timedelta(days=7) <= day <= LAST_DAY - timedelta(days=14):
        day = today
    return day - timedelta(days=day.weekday())


@aiohttp_jinja2.template("workspace/agenda.html")
async def week_page(request: web.Request) -> dict[str, Any]:
    """Monday to Sunday of the week asked for (``?week=`` any day of it), this week by default."""
    zone, viewer = request.app[SETTINGS].zone, employee(request)
    monday = _week_start(request)
    start = datetime.combine(monday, time(), zone)
    end = datetime.combine(monday + timedelta(days=7), time(), zone)
    ask = AgendaAsk(viewer, start, zone, end)
    session, areas = db_session(request), request.app[AREAS]
    items = [
        item
        for source in agenda_sources(areas)
        for item in await source(session, ask)
        if item.at is not None and start <= item.at < end
    ]
    entries = {
        kind: entry for site in request.app[SITE_AREAS] for kind, entry in site.agenda.items()
    }
    word = words(request)
    days: list[tuple[date, str, list[tuple[str, str, str | None]]]] = [
        (day, button_day(day, word.language), [])
        for day in (monday + timedelta(days=offset) for offset in range(7))
    ]
    for item in sorted(items, key=lambda item: item.at or start):
        if item.kind not in entries or item.at is None:
            continue
        text, link = entries[item.kind](word, item.subject)
        offset = (local(item.at, zone).date() - monday).days
        days[offset][2].append((written_clock(item.at, word.language, zone), text, link))
    return {
        "days": days,
        "today": local(request_now(request), zone).date(),
        "previous_week": (monday - timedelta(days=7)).isoformat(),
        "next_week": (monday + timedelta(days=7)).isoformat(),
        "monday": monday,
    }


def plan_entry(word: Any, item: PlannedItem) -> tuple[str, str | None]:
    """A planned item on the week: its title, linked to its form."""
    return f"📝 {item.title}", f"/agenda/{item.id}/edit"


def _reminder_options(tr: Any) -> list[tuple[str, str]]:
    return [(str(minutes), reminder_words(tr, minutes)) for minutes in REMINDER_CHOICES] + [
        ("none", reminder_words(tr, None))
    ]


def _fields(_: Gettext, request: web.Request) -> FieldsFor:
    tr = words(request).translator

    async def fields(values: dict[str, Any], errors: dict[str, str]) -> list[Field]:
        field = fields_from(values, errors)
        return [
            field("title", _("Title"), required=True),
            field(
                "starts_at",
                _("When"),
                "datetime-local",
                required=True,
                help=_("a date and a time, e.g. 2026-12-24 10:00"),
            ),
            field("minutes", _("Minutes"), "number", help=_("how long it lasts; may stay empty")),
            field("remind_before", _("Reminder"), "select", options=_reminder_options(tr)),
            field("description", _("Description"), "textarea"),
        ]

    return fields


async def plan_form(request: web.Request) -> web.StreamResponse:
    """A planned item of mine, new or to change (moved, it is reminded at its new time)."""
    session, actor = db_session(request), employee(request)
    plan_id = object_id(request)
    _ = words(request).gettext
    item = None if plan_id is None else await get_plan(session, actor=actor, plan_id=plan_id)
    zone = request.app[SETTINGS].zone
    initial: dict[str, Any] = {"remind_before": "0"}
    if item is not None:
        initial = {
            "title": item.title,
            "starts_at": item.starts_at.astimezone(zone).strftime("%Y-%m-%dT%H:%M"),
            "minutes": "" if item.minutes is None else str(item.minutes),
            "remind_before": "none" if item.remind_before is None else str(item.remind_before),
            "description": item.description or "",
        }

    async def save(reader: Reader) -> str:
        remind = reader.text("remind_before").strip()
        draft = PlanDraft(
            title=reader.text("title"),
            starts_at=read_moment(request, reader, "starts_at"),
            description=reader.text("description"),
            minutes=reader.integer("minutes", N_("Minutes"), minimum=1, maximum=LONGEST_MINUTES),
            remind_before=None
            if remind == "none"
            else reader.integer(
                "remind_before", N_("Reminder"), minimum=0, maximum=LONGEST_MINUTES
            ),
        )
        reader.done()
        saved = await save_plan(
            session, actor=actor, draft=draft, now=request_now(request), plan_id=plan_id
        )
        return f"/agenda?week={local(saved.starts_at, zone).date().isoformat()}"

    return await edit_page(
        request,
        title=_("Plan something") if item is None else _("Edit {name}", name=item.title),
        initial=initial,
        fields_for=_fields(_, request),
        save=save,
        saved_message=_("Planned item saved."),
        cancel="/agenda",
    )


async def plan_delete(request: web.Request) -> web.StreamResponse:
    """Delete a planned item of mine, its reminder with it."""
    session, actor = db_session(request), employee(request)
    plan_id = object_id(request)
    assert plan_id is not None
    item = await get_plan(session, actor=actor, plan_id=plan_id)
    _ = words(request).gettext

    async def delete() -> None:
        await delete_plan(session, actor=actor, plan_id=plan_id)

    return await delete_page(
        request,
        what=_("the planned item {name}", name=item.title),
        delete=delete,
        done=_("Planned item deleted."),
        back="/agenda",
        cancel=f"/agenda/{plan_id}/edit",
    )
