"""Tasks on the site: the listing filtered by assignee, due and state (in the URL), its CSV,
the *done* button of each open task, and the new, edit and delete forms. Who sees which task,
who may give one to whom and who may mark it done are crm.sales's rules."""

from __future__ import annotations

from enum import StrEnum
from typing import Any, TypeVar

from aiohttp import web

from crm.errors import InvalidInput
from crm.i18n import N_
from crm.moments import local
from crm.sales.task_listing import (
    DUE_NAMES,
    STATE_NAMES,
    DueRange,
    TaskFilter,
    TaskState,
    export_tasks,
    list_tasks,
)
from crm.sales.tasks import (
    add_task,
    assignee_choices,
    delete_task,
    edit_task,
    finish_task,
    load_task,
)
from db.models import Task
from web.flash import flash
from web.forms import Field, Reader, fields_from
from web.i18n import Gettext, words
from web.keys import SETTINGS, db_session, employee, request_now
from web.views.crud import FieldsFor, delete_page, edit_page, object_id, read_moment
from web.views.listing import listing_page, stream_csv
from web.views.people.client_picker import card_number

FILTER_KEYS = ("assignee", "state", "due", "from", "to")


E = TypeVar("E", bound=StrEnum)


def _optional(reader: Reader, name: str, kind: type[E]) -> E | None:
    """One of ``kind``'s values, or None when not given; anything else is refused."""
    raw = reader.text(name).strip()
    if not raw:
        return None
    try:
        return kind(raw)
    except ValueError:
        reader.errors[name] = reader.gettext("unknown value {value}", value=repr(raw))
        return None


def read_filter(request: web.Request) -> tuple[TaskFilter, dict[str, str]]:
    """The listing's filter from the URL; bad values are reported next to their field."""
    reader = Reader(request.query, words(request).gettext)  # type: ignore[arg-type]
    wanted = TaskFilter(
        now=request_now(request),
        assignee_id=reader.identifier("assignee", N_("Assignee")),
        state=_optional(reader, "state", TaskState),
        due=_optional(reader, "due", DueRange),
        due_from=reader.day("from", N_("Due from")),
        due_to=reader.day("to", N_("Due to")),
        zone=request.app[SETTINGS].zone,
    )
    return wanted, reader.errors


async def task_list(request: web.Request) -> web.StreamResponse:
    """The filtered listing; a filter it cannot read is shown next to its field, with a 400."""
    wanted, errors = read_filter(request)
    session, viewer = db_session(request), employee(request)
    named_state, named_due = words(request).named(STATE_NAMES), words(request).named(DUE_NAMES)
    return await listing_page(
        request,
        "tasks/list.html",
        path="/tasks",
        keys=FILTER_KEYS,
        errors=errors,
        fetch=lambda after, before: list_tasks(
            session, viewer, wanted, cursor=after, before=before
        ),
        refused_field="from",
        context={
            "now": request_now(request),
            "assignees": await assignee_choices(session, actor=viewer),
            "states": [(state.value, named_state(state)) for state in TaskState],
            "dues": [(due.value, named_due(due)) for due in DueRange],
            "back": request.path_qs,
        },
    )


CSV_HEADER = ["id", "title", "due", "state", "assignee", "deal", "client", "done"]


def _csv_row(task: Task) -> list[str]:
    return [
        str(task.id),
        task.title,
        task.due_at.isoformat(timespec="minutes") if task.due_at else "",
        "done" if task.done_at else "open",
        task.assignee.full_name if task.assignee else "",
        task.deal.name if task.deal else "",
        task.client.full_name if task.client else "",
        task.done_at.isoformat(timespec="minutes") if task.done_at else "",
    ]


async def task_csv(request: web.Request) -> web.StreamResponse:
    """Exactly the filtered rows the viewer may see, streamed."""
    wanted, errors = read_filter(request)
    if errors:
        raise web.HTTPBadRequest(text="; ".join(errors.values()))
    chunks = export_tasks(db_session(request), employee(request), wanted)
    return await stream_csv(request, chunks, filename="tasks.csv", header=CSV_HEADER, row=_csv_row)


def _back(request: web.Request, form: Any) -> str:
    """Where to go after a button: the listing page it was pressed on (a path of ours)."""
    back = form.get("back", "") if form is not None else ""
    return back if isinstance(back, str) and back.startswith("/tasks") else "/tasks"


async def task_done(request: web.Request) -> web.StreamResponse:
    """The *done* button: marked done once; a second press says it already is."""
    task_id = object_id(request)
    assert task_id is not None
    form = await request.post()
    _ = words(request).gettext
    try:
        async with db_session(request).begin_nested():
            await finish_task(
                db_session(request),
                actor=employee(request),
                task_id=task_id,
                now=request_now(request),
            )
    except InvalidInput as error:
        await flash(request, words(request).error(error))
    else:
        await flash(request, _("Task #{number} is done.", number=task_id))
    raise web.HTTPFound(_back(request, form))


def _fields(_: Gettext, assignees: list[tuple[str, str]], *, new: bool) -> FieldsFor:
    async def fields(values: dict[str, Any], errors: dict[str, str]) -> list[Field]:
        field = fields_from(values, errors)

        about = [
            field("deal_id", _("Deal number"), "number", help=_("the deal, or the client below")),
            field("client", _("Client card number"), help=_("when the task is not on a deal")),
        ]
        return [
            field("title", _("Title"), required=True),
            *(about if new else []),
            field("due_at", _("Due"), "datetime-local"),
            field("assignee_id", _("Assignee"), "select", options=assignees, required=True),
        ]

    return fields


async def task_form(request: web.Request) -> web.StreamResponse:
    """``/tasks/new`` and ``/tasks/<id>/edit``."""
    session, actor, now = db_session(request), employee(request), request_now(request)
    _ = words(request).gettext
    task_id = object_id(request)
    task = None if task_id is None else await load_task(session, task_id, visible_to=actor)
    people = await assignee_choices(session, actor=actor)
    assignees = [(str(person.id), person.full_name) for person in people]
    initial: dict[str, Any] = {"assignee_id": str(actor.id)}
    for key in ("deal_id", "client"):
        if request.query.get(key, "").isdigit():
            initial[key] = request.query[key]
    if task is not None:
        zone = request.app[SETTINGS].zone
        initial = {
            "title": task.title,
            "due_at": f"{local(task.due_at, zone):%Y-%m-%dT%H:%M}" if task.due_at else "",
            "assignee_id": str(task.assignee_id or ""),
        }

    async def save(reader: Reader) -> str:
        due_at = read_moment(request, reader, "due_at")
        assignee_id = reader.identifier("assignee_id", N_("Assignee")) or actor.id
        if task is not None:
            reader.done()
            await edit_task(
                session,
                actor=actor,
                task_id=task.id,
                title=reader.text("title"),
                due_at=due_at,
                assignee_id=assignee_id,
                now=now,
            )
            return "/tasks"
        deal_id = reader.identifier("deal_id", N_("Deal number"))
        typed_client = reader.text("client").strip()
        client_id = card_number(typed_client) if typed_client else None
        if typed_client and client_id is None:
            reader.errors["client"] = _("Write the client's card number, such as #12")
        reader.done()
        await add_task(
            session,
            actor=actor,
            title=reader.text("title"),
            now=now,
            due_at=due_at,
            assignee_id=assignee_id,
            deal_id=deal_id,
            client_id=client_id,
        )
        return "/tasks"

    return await edit_page(
        request,
        title=_("New task") if task is None else _("Edit task #{number}", number=task.id),
        initial=initial,
        fields_for=_fields(_, assignees, new=task is None),
        save=save,
        saved_message=_("Task saved."),
        cancel="/tasks",
    )


async def task_delete(request: web.Request) -> web.StreamResponse:
    session, actor = db_session(request), employee(request)
    task_id = object_id(request)
    assert task_id is not None
    task = await load_task(session, task_id, visible_to=actor)
    _ = words(request).gettext

    async def delete() -> None:
        await delete_task(session, actor=actor, task_id=task_id)

    return await delete_page(
        request,
        what=_("task #{number} “{title}”", number=task.id, title=task.title),
        delete=delete,
        done=_("Task #{number} deleted.", number=task.id),
        back="/tasks",
        cancel="/tasks",
    )
