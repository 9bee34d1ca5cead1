"""Tickets through the API: the site's listing and filters, a ticket with its history, and what
staff do on one (reply, note, move, assign), by the same services as the bot and the site."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import Field

from crm.people.staff_search import StaffRef
from crm.tickets.assignment import assign_ticket
from crm.tickets.listing import list_tickets
from crm.tickets.tickets import (
    add_note,
    change_status,
    open_ticket_for,
    reply_to_client,
    ticket_for,
)
from crm.visibility import ticket_history
from db.enums import TicketEventKind, TicketStatus
from db.models import Ticket, TicketEvent
from web.api.endpoints import (
    ApiArea,
    Call,
    Endpoint,
    In,
    Out,
    Page,
    Paging,
    RecordId,
)
from web.views.tickets.tickets import read_filter

TEXT = 4000


class Named(Out):
    id: int
    full_name: str


class DepartmentRef(Out):
    id: int
    name: str


class TicketOut(Out):
    """A ticket."""

    id: int
    status: TicketStatus
    title: str
    description: str
    client: Named
    assignee: Named | None
    department: DepartmentRef | None
    created_at: datetime


class EventOut(Out):
    """One entry of a ticket's history: who, when, what, from → to."""

    id: int
    kind: TicketEventKind
    created_at: datetime
    author: str | None
    from_value: str | None
    to_value: str | None
    text: str | None


class History(Out):
    """A ticket's history, oldest first."""

    items: list[EventOut]


class TicketQuery(Paging):
    client: str = Field(
        default="", max_length=200, description="A client id, or part of a name or phone."
    )
    from_: date | None = Field(
        default=None, alias="from", description="Opened on or after this day."
    )
    to: date | None = Field(default=None, description="Opened on or before this day.")
    status: list[TicketStatus] = Field(default_factory=list, description="Any of these statuses.")
    assignee: str = Field(default="", max_length=20, description="An employee id, or `none`.")
    department: RecordId | None = Field(default=None, description="A department id.")
    q: str = Field(default="", max_length=200, description="Words in the ticket's text.")
    sort: Literal["newest", "oldest"] = "newest"


class NewTicket(In):
    """A ticket written down for a client (owners and administrators)."""

    client_id: RecordId
    description: str = Field(min_length=1, max_length=TEXT)
    department_id: RecordId | None = None


class Said(In):
    text: str = Field(min_length=1, max_length=TEXT)


class StatusMove(In):
    status: TicketStatus


class Assignment(In):
    assignee_id: RecordId


def _out(ticket: Ticket) -> TicketOut:
    return TicketOut.model_validate(ticket)


async def _tickets(call: Call) -> Page[TicketOut]:
    page = await call.listing(list_tickets, call.filtered(read_filter))
    return call.page_of(page, [_out(ticket) for ticket in page.tickets])


async def _ticket(call: Call) -> TicketOut:
    return _out(await ticket_for(call.session, actor=call.actor, ticket_id=call.ids["ticket_id"]))


def _author(event: TicketEvent) -> str | None:
    person = event.author_employee or event.author_client
    return None if person is None else person.full_name


async def _history(call: Call) -> History:
    ticket = await ticket_for(call.session, actor=call.actor, ticket_id=call.ids["ticket_id"])
    return History(
        items=[
            EventOut(
                id=event.id,
                kind=event.kind,
                created_at=event.created_at,
                author=_author(event),
                from_value=event.from_value,
                to_value=event.to_value,
                text=event.text,
            )
            for event in ticket_history(call.actor, ticket)
        ]
    )


async def _new_ticket(call: Call) -> TicketOut:
    sent: NewTicket = call.body
    made = await open_ticket_for(
        call.session,
        call.notifier,
        actor=call.actor,
        client_id=sent.client_id,
        description=sent.description,
        department_id=sent.department_id,
        now=call.now,
    )
    return await _ticket_again(call, made)


async def _ticket_again(call: Call, ticket: Ticket) -> TicketOut:
    """The ticket as it is now, its people read afresh."""
    return _out(await ticket_for(call.session, actor=call.actor, ticket_id=call.forget(ticket)))


async def _reply(call: Call) -> TicketOut:
    sent: Said = call.body
    ticket_id = call.ids["ticket_id"]
    changed = await reply_to_client(
        call.session,
        call.notifier,
        actor=call.actor,
        ticket_id=ticket_id,
        text=sent.text,
        now=call.now,
    )
    return await _ticket_again(call, changed)


async def _note(call: Call) -> TicketOut:
    sent: Said = call.body
    ticket_id = call.ids["ticket_id"]
    changed = await add_note(
        call.session, actor=call.actor, ticket_id=ticket_id, text=sent.text, now=call.now
    )
    return await _ticket_again(call, changed)


async def _move(call: Call) -> TicketOut:
    sent: StatusMove = call.body
    ticket_id = call.ids["ticket_id"]
    changed = await change_status(
        call.session,
        call.notifier,
        actor=call.actor,
        ticket_id=ticket_id,
        status=sent.status,
        now=call.now,
    )
    return await _ticket_again(call, changed)


async def _assign(call: Call) -> TicketOut:
    sent: Assignment = call.body
    ticket_id = call.ids["ticket_id"]
    changed = await assign_ticket(
        call.session,
        call.notifier,
        actor=call.actor,
        ticket_id=ticket_id,
        assignee=StaffRef(employee_id=sent.assignee_id),
        now=call.now,
    )
    return await _ticket_again(call, changed)


ONE = "/tickets/{ticket_id}"

API = ApiArea(
    tag="tickets",
    description="The service desk: tickets, their history, replies, notes, moves and assignment.",
    endpoints=(
        Endpoint("GET", "/tickets", _tickets, "List tickets", Page[TicketOut], query=TicketQuery),
        Endpoint(
            "POST",
            "/tickets",
            _new_ticket,
            "Open a ticket for a client",
            TicketOut,
            status=201,
            body=NewTicket,
            location=lambda made: f"/api/v1/tickets/{made.id}",  # type: ignore[attr-defined]
            description="The client is told in Telegram, as when staff open one on the site.",
        ),
        Endpoint("GET", ONE, _ticket, "Read a ticket", TicketOut),
        Endpoint("GET", f"{ONE}/history", _history, "Read a ticket's history", History),
        Endpoint(
            "POST",
            f"{ONE}/replies",
            _reply,
            "Answer the client",
            TicketOut,
            body=Said,
            current=_ticket,
        ),
        Endpoint(
            "POST",
            f"{ONE}/notes",
            _note,
            "Add an internal note",
            TicketOut,
            body=Said,
            current=_ticket,
        ),
        Endpoint(
            "POST",
            f"{ONE}/status",
            _move,
            "Move a ticket to another status",
            TicketOut,
            body=StatusMove,
            current=_ticket,
        ),
        Endpoint(
            "POST",
            f"{ONE}/assignment",
            _assign,
            "Give a ticket to an employee",
            TicketOut,
            body=Assignment,
            current=_ticket,
        ),
    ),
)
