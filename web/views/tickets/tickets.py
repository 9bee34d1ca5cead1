"""Tickets: the filtered listing, CSV export, the ticket page and its actions, and editing."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import aiohttp_jinja2
from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession

from crm.errors import DomainError, InvalidInput
from crm.i18n import N_
from crm.notify import Notifier
from crm.people.staff import choosable_staff
from crm.people.staff_search import StaffRef
from crm.permissions import is_manager
from crm.tickets.assignment import assign_ticket, take_ticket, ticket_assignees
from crm.tickets.listing import UNASSIGNED, TicketFilter, export_tickets, list_tickets
from crm.tickets.rules import STATUS_NAMES, next_actions, parse_status
from crm.tickets.tickets import (
    add_note,
    change_status,
    delete_ticket,
    departments,
    edit_ticket,
    open_ticket_for,
    reply_to_client,
    ticket_for,
    ticket_to_change,
)
from crm.visibility import ticket_history
from db.enums import TicketStatus
from db.models import Employee, Ticket
from web.flash import flash
from web.forms import Field, FormErrors, Reader
from web.i18n import words
from web.keys import NOTIFIER, SETTINGS, db_session, employee, request_now
from web.views.crud import object_id
from web.views.listing import (
    page_links,
    read_client,
    read_employee,
    read_statuses,
    stream_csv,
)
from web.views.people.client_picker import Picked, card_number, client_fields, pick_client

FILTER_KEYS = ("client", "from", "to", "status", "assignee", "department", "q", "sort")


def read_filter(request: web.Request) -> tuple[TicketFilter, dict[str, str]]:
    """The listing's filter from the URL; bad values are reported, not fatal."""
    reader = Reader(request.query, words(request).gettext)  # type: ignore[arg-type]
    statuses = read_statuses(reader, TicketStatus)
    department = reader.identifier("department", N_("Department"))
    client = read_client(reader)
    assignee = read_employee(
        reader, "assignee", UNASSIGNED, N_("Assignee must be an employee id or none")
    )
    wanted = TicketFilter(
        client=client,
        created_from=reader.day("from", N_("From")),
        created_to=reader.day("to", N_("To")),
        statuses=statuses,
        assignee=assignee,
        department_id=department,
        text=reader.text("q"),
        oldest_first=reader.text("sort") == "oldest",
        zone=request.app[SETTINGS].zone,
    )
    return wanted, reader.errors


async def _choices(request: web.Request) -> dict[str, Any]:
    session = db_session(request)
    return {
        "statuses": [
            (status.value, words(request).named(STATUS_NAMES)(status)) for status in TicketStatus
        ],
        "employees": await choosable_staff(session, actor=employee(request)),
        # Names only: counting each department's tickets would cost more than the listing.
        # The listing filters by any department, also one that no longer takes requests.
        "departments": await departments(session, taking_tickets=False),
    }


async def ticket_list(request: web.Request) -> web.StreamResponse:
    """The filtered listing; a filter it cannot read is shown next to its field, with a 400."""
    wanted, errors = read_filter(request)
    page = None
    cursor, before = request.query.get("after"), request.query.get("before")
    try:
        page = await list_tickets(
            db_session(request), employee(request), wanted, cursor=cursor, before=before
        )
    except InvalidInput as error:
        errors[error.field or "from"] = words(request).error(error)
    context = {
        "page": page,
        "errors": errors,
        "query": request.query,
        "selected_statuses": set(request.query.getall("status", [])),
        **page_links(request, "/tickets", FILTER_KEYS, page),
        **await _choices(request),
    }
    return aiohttp_jinja2.render_template(
        "tickets/list.html", request, context, status=400 if errors else 200
    )


async def ticket_csv(request: web.Request) -> web.StreamResponse:
    """Exactly the filtered rows, streamed; refused with a whole 400 page before the first byte."""
    wanted, errors = read_filter(request)
    if errors:
        raise web.HTTPBadRequest(text="; ".join(errors.values()))
    chunks = export_tickets(db_session(request), employee(request), wanted)
    return await stream_csv(
        request,
        chunks,
        filename="tickets.csv",
        header=["id", "created", "status", "client", "phone", "assignee", "department", "title"],
        row=_csv_row,
    )


def _csv_row(ticket: Ticket) -> list[str]:
    return [
        str(ticket.id),
        ticket.created_at.isoformat(timespec="seconds"),
        ticket.status.value,
        ticket.client.full_name,
        ticket.client.phone or "",
        ticket.assignee.full_name if ticket.assignee else "",
        ticket.department.name if ticket.department else "",
        ticket.title,
    ]


def _ticket_id(request: web.Request) -> int:
    found = object_id(request, "ticket_id")
    assert found is not None  # every route that calls this has the id in its path
    return found


async def _page(request: web.Request, ticket: Ticket, errors: dict[str, str]) -> dict[str, Any]:
    viewer = employee(request)
    return {
        "ticket": ticket,
        "history": ticket_history(viewer, ticket),
        "actions": [
            (action, words(request).named(STATUS_NAMES)(TicketStatus(action)))
            for action in next_actions(viewer, ticket)
            if action != "take"
        ],
        "can_take": "take" in next_actions(viewer, ticket),
        "can_assign": is_manager(viewer),
        "assignees": (
            await ticket_assignees(db_session(request), actor=viewer, ticket=ticket)
            if is_manager(viewer)
            else []
        ),
        "errors": errors,
        **await _choices(request),
    }


@aiohttp_jinja2.template("tickets/detail.html")
async def ticket_page(request: web.Request) -> dict[str, Any]:
    ticket = await ticket_for(
        db_session(request), actor=employee(request), ticket_id=_ticket_id(request)
    )
    return await _page(request, ticket, {})


async def ticket_action(request: web.Request) -> web.StreamResponse:
    """Assign, take, move, reply or note: the same services as the bot, so the same messages."""
    ticket_id = _ticket_id(request)
    action = request.match_info["action"]
    form = Reader(await request.post(), words(request).gettext)
    session, actor, notifier = db_session(request), employee(request), request.app[NOTIFIER]
    text = form.text("text")
    try:
        async with session.begin_nested():  # a refusal leaves nothing behind
            done = await _apply(
                action, form, session, actor, notifier, ticket_id, text, request_now(request)
            )
    except InvalidInput as error:
        ticket = await ticket_for(session, actor=actor, ticket_id=ticket_id)
        context = await _page(request, ticket, {action: words(request).error(error)})
        return aiohttp_jinja2.render_template("tickets/detail.html", request, context, status=400)
    await flash(request, words(request).gettext(done))
    raise web.HTTPFound(f"/tickets/{ticket_id}")


def _chosen(form: Reader, name: str) -> int:
    """The employee chosen in the form's ``name`` select: an id (which one is the service's say)."""
    if not form.text(name).strip():
        raise InvalidInput(N_("choose who takes the ticket"), field=name)
    chosen = form.identifier(name, "Employee")
    if chosen is None:
        raise InvalidInput(N_("that employee does not exist"), field=name)
    return chosen


async def _apply(
    action: str,
    form: Reader,
    session: AsyncSession,
    actor: Employee,
    notifier: Notifier,
    ticket_id: int,
    text: str,
    now: datetime,
) -> str:
    """Carry out one action of the ticket page; returns what to tell the person (a msgid)."""
    if action == "assign":
        await assign_ticket(
            session,
            notifier,
            actor=actor,
            ticket_id=ticket_id,
            assignee=StaffRef(employee_id=_chosen(form, "assignee")),
            now=now,
        )
        return N_("Assigned; the employee and the client are told in Telegram.")
    if action == "take":
        await take_ticket(session, notifier, actor=actor, ticket_id=ticket_id, now=now)
        return N_("The ticket is yours.")
    if action == "status":
        await change_status(
            session,
            notifier,
            actor=actor,
            ticket_id=ticket_id,
            status=parse_status(form.text("status")),
            now=now,
        )
        return N_("Status changed; the client is told.")
    if action == "reply":
        await reply_to_client(
            session, notifier, actor=actor, ticket_id=ticket_id, text=text, now=now
        )
        return N_("Your answer goes to the client.")
    if action == "note":
        await add_note(session, actor=actor, ticket_id=ticket_id, text=text, now=now)
        return N_("Note added.")
    raise web.HTTPNotFound()


def _ticket_fields(
    request: web.Request,
    values: dict[str, Any],
    errors: dict[str, str],
    departments: list[Any],
    *,
    picked: Picked | None,
) -> list[Field]:
    _ = words(request).gettext
    fields = [] if picked is None else client_fields(values, errors, picked, _)
    fields.append(
        Field(
            "description",
            _("Description"),
            "textarea",
            values.get("description", ""),
            required=True,
            error=errors.get("description", ""),
        )
    )
    fields.append(
        Field(
            "department_id",
            _("Department"),
            "select",
            str(values.get("department_id") or ""),
            options=[("", "—")] + [(str(d.id), d.name) for d in departments],
            error=errors.get("department_id", ""),
        )
    )
    return fields


async def ticket_form(request: web.Request) -> web.StreamResponse:
    """Open a ticket for a client, or change one (owners and administrators)."""
    ticket_id = object_id(request, "ticket_id")
    session = db_session(request)
    ticket = await ticket_to_change(session, actor=employee(request), ticket_id=ticket_id)
    department_choices = await departments(session)
    # A ticket keeps the department it has, even one that no longer takes requests.
    kept = ticket.department if ticket is not None else None
    if kept is not None and kept not in department_choices:
        department_choices = sorted([*department_choices, kept], key=lambda each: each.name)
    values: dict[str, Any] = {}
    errors: dict[str, str] = {}
    if ticket is not None and request.method == "GET":
        values = {"description": ticket.description, "department_id": ticket.department_id}
    picked = Picked() if ticket_id is None else None
    if request.method == "POST":
        reader = Reader(await request.post(), words(request).gettext)
        values = {key: reader.text(key) for key in ("client", "description", "department_id")}
        if ticket_id is None:
            picked = await pick_client(session, employee(request), reader)
            if picked.client_id is not None and card_number(values["client"]) != picked.client_id:
                values["client"] = f"#{picked.client_id}"  # the choice survives a refusal
        department_id = reader.identifier("department_id", N_("Department"))
        try:
            reader.done()
            if picked is not None and picked.client_id is None:
                raise FormErrors({})  # a search: the matches are shown to choose from
            async with session.begin_nested():
                client_id = picked.client_id if picked is not None else None
                ticket = await _save_ticket(request, reader, ticket_id, client_id, department_id)
        except FormErrors as error:
            errors = error.errors
        except DomainError as error:
            errors = {error.field or "description": words(request).error(error)}
        else:
            await flash(request, words(request).gettext("Ticket #{id} saved.", id=ticket.id))
            raise web.HTTPFound(f"/tickets/{ticket.id}")
    _ = words(request).gettext
    context = {
        "title": _("New ticket") if ticket_id is None else _("Edit ticket #{id}", id=ticket_id),
        "fields": _ticket_fields(request, values, errors, department_choices, picked=picked),
        "cancel": "/tickets" if ticket_id is None else f"/tickets/{ticket_id}",
    }
    return aiohttp_jinja2.render_template(
        "form.html", request, context, status=400 if errors else 200
    )


async def _save_ticket(
    request: web.Request,
    reader: Reader,
    ticket_id: int | None,
    client_id: int | None,
    department_id: int | None,
) -> Ticket:
    session, actor = db_session(request), employee(request)
    if ticket_id is None:
        if client_id is None:
            raise InvalidInput(N_("choose the client"), field="client_id")
        return await open_ticket_for(
            session,
            request.app[NOTIFIER],
            actor=actor,
            client_id=client_id,
            description=reader.text("description"),
            department_id=department_id,
            now=request_now(request),
        )
    return await edit_ticket(
        session,
        actor=actor,
        ticket_id=ticket_id,
        description=reader.text("description"),
        department_id=department_id,
        now=request_now(request),
    )


async def ticket_delete(request: web.Request) -> web.StreamResponse:
    """A confirmation page (GET, HEAD), then the deletion (POST only)."""
    ticket_id = _ticket_id(request)
    if request.method != "POST":
        ticket = await ticket_to_change(
            db_session(request), actor=employee(request), ticket_id=ticket_id
        )
        assert ticket is not None
        return aiohttp_jinja2.render_template(
            "confirm_delete.html",
            request,
            {
                "what": words(request).gettext(
                    "ticket #{id} ({title})", id=ticket.id, title=ticket.title
                ),
                "cancel": f"/tickets/{ticket.id}",
            },
        )
    await delete_ticket(db_session(request), actor=employee(request), ticket_id=ticket_id)
    await flash(request, words(request).gettext("Ticket #{id} deleted.", id=ticket_id))
    raise web.HTTPFound("/tickets")
