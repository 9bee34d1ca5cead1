"""Tracks on the site: opening one from the client page, and the track's page with its forms —
achieved or dropped (once), the client's steps (add, tick off), the coach's strategy, the
progress-report schedule — and the client's reports on it."""

from __future__ import annotations

from typing import Any

import aiohttp_jinja2
from aiohttp import web

from crm.coaching.reports import files_progress, track_to_report
from crm.coaching.track_reports import file_track_report
from crm.coaching.track_rules import TRACK_STATUS_NAMES, actions
from crm.coaching.tracks import (
    REPORT_EVERY_DAYS,
    add_step,
    add_strategy,
    finish_step,
    next_report_due,
    open_track,
    progress_reports,
    set_report_schedule,
    set_track_status,
    track_for,
)
from crm.errors import InvalidInput, NotFound
from crm.i18n import N_
from crm.people.clients import coaching_choices, get_client
from db.enums import TrackStatus
from web.flash import flash
from web.forms import Field, FormErrors, Reader, fields_from
from web.i18n import words
from web.keys import NOTIFIER, db_session, employee, request_now
from web.views.crud import edit_page, object_id

# Each form of the page and the fields a refusal may be shown next to; any other refusal is
# shown next to the form's button.
ACTION_FIELDS = {
    "achieved": (),
    "dropped": (),
    "step": ("text", "due"),
    "strategy": ("strategy",),
    "schedule": ("report_every_days",),
}
DONE = {
    "achieved": N_("The goal is achieved."),
    "dropped": N_("The track is dropped."),
    "step": N_("Step added."),
    "strategy": N_("Strategy entry added."),
    "schedule": N_("Report schedule saved."),
}


def _track_id(request: web.Request) -> int:
    found = object_id(request)
    assert found is not None  # every route that calls this has the id in its path
    return found


async def _page(
    request: web.Request,
    track_id: int,
    errors: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
) -> dict[str, Any]:
    session, actor = db_session(request), employee(request)
    # The reports first: loading the track afresh for them would drop its strategy.
    reports = await progress_reports(session, actor=actor, track_id=track_id)
    track = await track_for(session, actor=actor, track_id=track_id, with_strategy=True)
    return {
        "track": track,
        "status": words(request).gettext(TRACK_STATUS_NAMES[track.status]),
        "actions": actions(actor, track),
        "reports": reports,
        "next_report": next_report_due(track),
        "may_report": files_progress(actor, track),
        "errors": errors or {},
        "values": values or {},
    }


@aiohttp_jinja2.template("tracks/detail.html")
async def track_page(request: web.Request) -> dict[str, Any]:
    return await _page(request, _track_id(request))


async def track_action(request: web.Request) -> web.StreamResponse:
    """One form of the page; a refusal is shown next to its field, and nothing is changed."""
    action = request.match_info["action"]
    track_id = _track_id(request)
    session, actor = db_session(request), employee(request)
    await track_for(session, actor=actor, track_id=track_id)  # not visible: a 404 first
    reader = Reader(await request.post(), words(request).gettext)
    values = {key: reader.text(key) for key in ("text", "due", "strategy", "report_every_days")}
    errors: dict[str, str] = {}
    try:
        async with session.begin_nested():  # a refusal leaves nothing behind
            await _apply(request, action, reader, track_id)
    except FormErrors as error:
        errors = error.errors
    except (InvalidInput, NotFound) as error:
        field = error.field if error.field in ACTION_FIELDS[action] else action
        if action == "strategy" and error.field == "text":
            field = "strategy"
        errors = {field or action: words(request).error(error)}
    if errors:
        context = await _page(request, track_id, errors, values)
        return aiohttp_jinja2.render_template("tracks/detail.html", request, context, status=400)
    await flash(request, words(request).gettext(DONE[action]))
    raise web.HTTPFound(f"/tracks/{track_id}")


async def _apply(request: web.Request, action: str, reader: Reader, track_id: int) -> None:
    session, actor, now = db_session(request), employee(request), request_now(request)
    if action in ("achieved", "dropped"):
        await set_track_status(session, actor=actor, track_id=track_id, status=TrackStatus(action))
    elif action == "step":
        due = reader.day("due", N_("Due"))
        reader.done()
        await add_step(session, actor=actor, track_id=track_id, text=reader.text("text"), due=due)
    elif action == "strategy":
        await add_strategy(
            session, actor=actor, track_id=track_id, text=reader.text("strategy"), now=now
        )
    else:
        every = reader.integer("report_every_days", N_("Every (days)"), minimum=0)
        reader.done()
        await set_report_schedule(session, actor=actor, track_id=track_id, every_days=every or None)


async def step_done(request: web.Request) -> web.StreamResponse:
    """Tick a step off; a step already done says so, on the track's page."""
    track_id = _track_id(request)
    step_id = object_id(request, "step_id")
    assert step_id is not None
    session, actor = db_session(request), employee(request)
    await track_for(session, actor=actor, track_id=track_id)
    try:
        async with session.begin_nested():
            step = await finish_step(
                session, actor=actor, step_id=step_id, now=request_now(request)
            )
            if step.track_id != track_id:
                raise NotFound(N_("that step does not exist"))
    except (InvalidInput, NotFound) as error:
        context = await _page(request, track_id, {"steps": words(request).error(error)})
        return aiohttp_jinja2.render_template("tracks/detail.html", request, context, status=400)
    await flash(request, words(request).gettext("Step done."))
    raise web.HTTPFound(f"/tracks/{track_id}")


async def track_new(request: web.Request) -> web.StreamResponse:
    """Open a track for the client: the goal, the coach, how often to ask for a report."""
    session, actor = db_session(request), employee(request)
    client_id = object_id(request)
    assert client_id is not None
    client = await get_client(session, actor=actor, client_id=client_id)
    choices = await coaching_choices(session, actor=actor)
    _ = words(request).gettext
    initial = {"coach_id": str(client.coach_id or "")}

    async def fields(values: dict[str, Any], errors: dict[str, str]) -> list[Field]:
        field = fields_from(values, errors)

        return [
            field("goal", _("Goal"), "textarea", required=True),
            field(
                "coach_id",
                _("Coach"),
                "select",
                options=[("", "—")] + [(str(c.id), c.full_name) for c in choices.coaches],
                help=_("empty: the client's coach, else you"),
            ),
            field(
                "report_every_days",
                _("Ask the client for a progress report every (days)"),
                "number",
                help=_(
                    "from {least} to {most}; empty: never",
                    least=REPORT_EVERY_DAYS.start,
                    most=REPORT_EVERY_DAYS.stop - 1,
                ),
            ),
        ]

    async def save(reader: Reader) -> str:
        coach_id = reader.identifier("coach_id", N_("Coach"))
        every = reader.integer("report_every_days", N_("Every (days)"))
        reader.done()
        track = await open_track(
            session,
            actor=actor,
            client_id=client.id,
            goal=reader.text("goal"),
            coach_id=coach_id,
            report_every_days=every,
        )
        return f"/tracks/{track.id}"

    return await edit_page(
        request,
        title=_("New track for {name}", name=client.full_name),
        initial=initial,
        fields_for=fields,
        save=save,
        saved_message=_("Track opened."),
        cancel=f"/clients/{client.id}",
    )


async def progress_report_new(request: web.Request) -> web.StreamResponse:
    """A progress report on the track, by its coach or a manager, through the service the bot's
    dialog files the client's with (the track's coach is told)."""
    session, actor = db_session(request), employee(request)
    _ = words(request).gettext
    track = await track_to_report(session, actor=actor, track_id=_track_id(request))

    async def fields(values: dict[str, Any], errors: dict[str, str]) -> list[Field]:
        progress = values.get("progress", "")
        error = errors.get("progress", "")
        return [Field("progress", _("Progress"), "textarea", progress, required=True, error=error)]

    async def save(reader: Reader) -> str:
        report = await file_track_report(
            session,
            request.app[NOTIFIER],
            actor=actor,
            track_id=track.id,
            progress=reader.text("progress"),
            now=request_now(request),
        )
        return f"/reports/progress/{report.id}"

    return await edit_page(
        request,
        title=_("New progress report on track #{id}", id=track.id),
        initial={"progress": ""},
        fields_for=fields,
        save=save,
        saved_message=_("Progress report saved."),
        cancel=f"/tracks/{track.id}",
    )
