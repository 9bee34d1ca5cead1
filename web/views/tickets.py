"""Tickets: the filtered listing, CSV export, the ticket page and its actions, and editing."""

from __future__ import annotations

import csv
import io
from typing import Any
from urllib.parse import urlencode

import aiohttp_jinja2
from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession

from crm.employees import list_employees
from crm.errors import DomainError, InvalidInput
from crm.ids import looks_like_id, parse_id
from crm.listing import UNASSIGNED, TicketFilter, export_tickets, list_tickets
from crm.notify import Notifier
from crm.permissions import is_manager, require_manager
from crm.phones import phone_search_digits
from crm.ticket_admin import delete_ticket, edit_ticket, open_ticket_for
from crm.ticket_rules import STATUS_NAMES, next_actions, parse_status
from crm.tickets import (
    add_note,
    assign_ticket,
    change_status,
    departments,
    reply_to_client,
    take_ticket,
    ticket_for,
)
from db.enums import TicketStatus
from db.models import Employee, Ticket
from web.flash import flash
from web.forms import Field, FormErrors, Reader
from web.keys import NOTIFIER, SETTINGS, db_session, employee
from web.texts import translate_error
from web.views.client_picker import Picked, card_number, client_fields, pick_client
from web.views.crud import object_id

FILTER_KEYS = ("client", "from", "to", "status", "assignee", "department", "q", "sort")


def read_filter(request: web.Request) -> tuple[TicketFilter, dict[str, str]]:
    """The listing's filter from the URL; bad values are reported, not fatal."""
    query = request.query
    reader = Reader(query)  # type: ignore[arg-type]
    statuses = []
    for raw in query.getall("status", []):
        try:
            statuses.append(TicketStatus(raw))
        except ValueError:
            reader.errors["status"] = f"unknown status {raw!r}"
    department = reader.identifier("department", "Department")
    client = reader.text("client")
    if looks_like_id(client) and parse_id(client) is None and phone_search_digits(client) is None:
        reader.errors["client"] = "Client id is out of range"
    assignee = reader.text("assignee").strip()
    if assignee not in ("", UNASSIGNED) and parse_id(assignee) is None:
        reader.errors["assignee"] = "Assignee must be an employee id or none"
    wanted = TicketFilter(
        client=client,
        created_from=reader.day("from", "From"),
        created_to=reader.day("to", "To"),
        statuses=tuple(statuses),
        assignee=assignee,
        department_id=department,
        text=reader.text("q"),
        oldest_first=reader.text("sort") == "oldest",
        zone=request.app[SETTINGS].zone,
    )
    return wanted, reader.errors


def _filter_query(request: web.Request, **extra: str) -> str:
    pairs = [(key, value) for key in FILTER_KEYS for value in request.query.getall(key, [])]
    pairs += list(extra.items())
    return urlencode(pairs)


async def _choices(request: web.Request) -> dict[str, Any]:
    session = db_session(request)
    return {
        "statuses": [(status.value, STATUS_NAMES[status]) for status in TicketStatus],
        "employees": await list_employees(session),
        # Names only: counting each department's tickets would cost more than the listing.
        "departments": await departments(session),
    }


async def ticket_list(request: web.Request) -> web.StreamResponse:
    """The filtered listing; a filter it cannot read is shown next to its field, with a 400."""
    wanted, errors = read_filter(request)
    page = None
    cursor = request.query.get("after")
    try:
        page = await list_tickets(db_session(request), employee(request), wanted, cursor=cursor)
    except InvalidInput as error:
        errors[error.field or "from"] = translate_error(error)
    context = {
        "page": page,
        "errors": errors,
        "query": request.query,
        "selected_statuses": set(request.query.getall("status", [])),
        "next_url": (
            f"/tickets?{_filter_query(request, after=page.next_cursor)}"
            if page and page.next_cursor
            else None
        ),
        "csv_url": f"/tickets.csv?{_filter_query(request)}",
        "first_url": f"/tickets?{_filter_query(request)}" if cursor else None,
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
    try:
        # The first chunk is read before answering: a refusal can still be a page of its own.
        first: list[Ticket] = await anext(chunks, [])
    except InvalidInput as error:
        raise web.HTTPBadRequest(text=translate_error(error)) from error
    headers = {
        "Content-Type": "text/csv; charset=utf-8",
        "Content-Disposition": 'attachment; filename="tickets.csv"',
    }
    if request.method == "HEAD":
        # A stream would write its rows into the connection even for HEAD; a Response does not.
        await chunks.aclose()
        return web.Response(headers=headers)
    response = web.StreamResponse(headers=headers)
    await response.prepare(request)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(
        ["id", "created", "status", "client", "phone", "assignee", "department", "title"]
    )
    for ticket in first:
        writer.writerow(_csv_row(ticket))
    async for chunk in chunks:
        for ticket in chunk:
            writer.writerow(_csv_row(ticket))
        await response.write(buffer.getvalue().encode("utf-8"))
        buffer.seek(0)
        buffer.truncate()
    await response.write(buffer.getvalue().encode("utf-8"))
    await response.write_eof()
    return response


def _csv_row(ticket: Ticket) -> list[str]:
    def cell(value: str) -> str:
        # A leading =, +, - or @ would make a spreadsheet run the cell as a formula.
        return "'" + value if value[:1] in ("=", "+", "-", "@") else value

    return [
        str(ticket.id),
        ticket.created_at.isoformat(timespec="seconds"),
        ticket.status.value,
        cell(ticket.client.full_name),
        cell(ticket.client.phone or ""),
        cell(ticket.assignee.full_name if ticket.assignee else ""),
        cell(ticket.department.name if ticket.department else ""),
        cell(ticket.title),
    ]


def _ticket_id(request: web.Request) -> int:
    found = object_id(request, "ticket_id")
    assert found is not None  # every route that calls this has the id in its path
    return found


async def _page(request: web.Request, ticket: Ticket, errors: dict[str, str]) -> dict[str, Any]:
    viewer = employee(request)
    return {
        "ticket": ticket,
        "actions": [
            (action, STATUS_NAMES[TicketStatus(action)])
            for action in next_actions(viewer, ticket)
            if action != "take"
        ],
        "can_take": "take" in next_actions(viewer, ticket),
        "can_assign": is_manager(viewer),
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
    form = Reader(await request.post())
    session, actor, notifier = db_session(request), employee(request), request.app[NOTIFIER]
    text = form.text("text")
    try:
        async with session.begin_nested():  # a refusal leaves nothing behind
            done = await _apply(action, form, session, actor, notifier, ticket_id, text)
    except InvalidInput as error:
        ticket = await ticket_for(session, actor=actor, ticket_id=ticket_id)
        context = await _page(request, ticket, {action: translate_error(error)})
        return aiohttp_jinja2.render_template("tickets/detail.html", request, context, status=400)
    await flash(request, done)
    raise web.HTTPFound(f"/tickets/{ticket_id}")


async def _apply(
    action: str,
    form: Reader,
    session: AsyncSession,
    actor: Employee,
    notifier: Notifier,
    ticket_id: int,
    text: str,
) -> str:
    """Carry out one action of the ticket page; returns what to tell the person."""
    if action == "assign":
        await assign_ticket(
            session,
            notifier,
            actor=actor,
            ticket_id=ticket_id,
            assignee=form.text("assignee"),
        )
        return "Assigned; the employee and the client are told in Telegram."
    if action == "take":
        await take_ticket(session, notifier, actor=actor, ticket_id=ticket_id)
        return "The ticket is yours."
    if action == "status":
        await change_status(
            session,
            notifier,
            actor=actor,
            ticket_id=ticket_id,
            status=parse_status(form.text("status")),
        )
        return "Status changed; the client is told."
    if action == "reply":
        await reply_to_client(session, notifier, actor=actor, ticket_id=ticket_id, text=text)
        return "Your answer goes to the client."
    if action == "note":
        await add_note(session, actor=actor, ticket_id=ticket_id, text=text)
        return "Note added."
    raise web.HTTPNotFound()


def _ticket_fields(
    values: dict[str, Any],
    errors: dict[str, str],
    departments: list[Any],
    *,
    picked: Picked | None,
) -> list[Field]:
    fields = [] if picked is None else client_fields(values, errors, picked)
    fields.append(
        Field(
            "description",
            "Description",
            "textarea",
            values.get("description", ""),
            required=True,
            error=errors.get("description", ""),
        )
    )
    fields.append(
        Field(
            "department_id",
            "Department",
            "select",
            str(values.get("department_id") or ""),
            options=[("", "—")] + [(str(d.id), d.name) for d in departments],
            error=errors.get("department_id", ""),
        )
    )
    return fields


async def ticket_form(request: web.Request) -> web.StreamResponse:
    """Open a ticket for a client, or change one (owners and administrators)."""
    require_manager(employee(request))
    ticket_id = object_id(request, "ticket_id")
    session = db_session(request)
    department_choices = await departments(session)
    values: dict[str, Any] = {}
    errors: dict[str, str] = {}
    if ticket_id is not None and request.method == "GET":
        ticket = await ticket_for(session, actor=employee(request), ticket_id=ticket_id)
        values = {"description": ticket.description, "department_id": ticket.department_id}
    picked = Picked() if ticket_id is None else None
    if request.method == "POST":
        reader = Reader(await request.post())
        values = {key: reader.text(key) for key in ("client", "description", "department_id")}
        if ticket_id is None:
            picked = await pick_client(session, employee(request), reader)
            if picked.client_id is not None and card_number(values["client"]) != picked.client_id:
                values["client"] = f"#{picked.client_id}"  # the choice survives a refusal
        department_id = reader.identifier("department_id", "Department")
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
            errors = {error.field or "description": translate_error(error)}
        else:
            await flash(request, f"Ticket #{ticket.id} saved.")
            raise web.HTTPFound(f"/tickets/{ticket.id}")
    context = {
        "title": "New ticket" if ticket_id is None else f"Edit ticket #{ticket_id}",
        "fields": _ticket_fields(values, errors, department_choices, picked=picked),
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
            raise InvalidInput("choose the client", field="client_id")
        return await open_ticket_for(
            session,
            actor=actor,
            client_id=client_id,
            description=reader.text("description"),
            department_id=department_id,
        )
    return await edit_ticket(
        session,
        actor=actor,
        ticket_id=ticket_id,
        description=reader.text("description"),
        department_id=department_id,
    )


async def ticket_delete(request: web.Request) -> web.StreamResponse:
    """A confirmation page (GET, HEAD), then the deletion (POST only)."""
    ticket_id = _ticket_id(request)
    if request.method != "POST":
        ticket = await ticket_for(db_session(request), actor=employee(request), ticket_id=ticket_id)
        return aiohttp_jinja2.render_template(
            "confirm_delete.html",
            request,
            {"what": f"ticket #{ticket.id} ({ticket.title})", "cancel": f"/tickets/{ticket.id}"},
        )
    await delete_ticket(db_session(request), actor=employee(request), ticket_id=ticket_id)
    await flash(request, f"Ticket #{ticket_id} deleted.")
    raise web.HTTPFound("/tickets")
