"""Ticket use-cases: open, file a client's message, move, reply, note, read, and the site's
edits (assigning and taking: crm/tickets/assignment.py; the bot's lists: crm/tickets/queues.py).

Each checks permissions, enforces the rules of crm/tickets/rules.py, writes the audit event and
enqueues the notifications in the caller's transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from crm.errors import InvalidInput, NotFound
from crm.i18n import N_
from crm.notify import Notifier
from crm.people.names import clean_text
from crm.permissions import Actor, require_manager, require_staff
from crm.subjects import forget_subject
from crm.tickets import hooks as ticket_hooks
from crm.tickets import notices as ticket_notices
from crm.tickets.rules import (
    FINAL_STATUSES,
    can_work_on,
    check_move,
    require,
)
from crm.visibility import load_visible
from db.enums import AttachmentKind, TicketEventKind, TicketStatus
from db.models import (
    Client,
    Department,
    Employee,
    Ticket,
    TicketAttachment,
    TicketEvent,
)

TITLE_LENGTH = 80


@dataclass(frozen=True)
class AttachmentDraft:
    """A file as Telegram describes it."""

    kind: AttachmentKind
    file_id: str
    file_unique_id: str | None = None
    file_name: str | None = None
    mime_type: str | None = None
    file_size: int | None = None


async def _department(
    session: AsyncSession, department_id: int | None, *, kept: int | None = None
) -> Department | None:
    """The department a ticket is filed under, if one is given; refused when there is none or
    it takes no requests (unless it is the one the ticket already has, ``kept``)."""
    if department_id is None:
        return None
    department = await session.get(Department, department_id)
    if department is None:
        raise InvalidInput(N_("that department does not exist"), field="department_id")
    if not department.takes_tickets and department.id != kept:
        raise InvalidInput(
            N_("{name} takes no requests"), field="department_id", name=department.name
        )
    return department


def title_of(description: str, attachment: AttachmentDraft | None) -> str:
    first_line = description.strip().splitlines()[0] if description.strip() else ""
    if not first_line and attachment is not None:
        first_line = attachment.file_name or attachment.kind.value
    return first_line if len(first_line) <= TITLE_LENGTH else first_line[: TITLE_LENGTH - 1] + "…"


# Everything a ticket's card shows, loaded up front (no lazy loads in async code).
_CARD = (
    selectinload(Ticket.client),
    selectinload(Ticket.assignee),
    selectinload(Ticket.department),
    selectinload(Ticket.attachments),
    selectinload(Ticket.events).selectinload(TicketEvent.author_employee),
    selectinload(Ticket.events).selectinload(TicketEvent.author_client),
)


async def load_ticket(
    session: AsyncSession, ticket_id: int, *, visible_to: Actor | None = None
) -> Ticket:
    """The ticket with everything its card shows, or NotFound; with ``visible_to``, NotFound
    also when that person may not see it (one query: the visibility rule is in its WHERE)."""
    ticket = await load_visible(session, Ticket, ticket_id, visible_to=visible_to, options=_CARD)
    if ticket is None:
        raise NotFound(N_("ticket #{ticket_id} does not exist"), ticket_id=ticket_id)
    return ticket


async def ticket_for(session: AsyncSession, *, actor: Actor, ticket_id: int) -> Ticket:
    """The ticket if ``actor`` may see it; otherwise it does not exist, as far as they know."""
    return await load_ticket(session, ticket_id, visible_to=actor)


async def ticket_to_change(
    session: AsyncSession, *, actor: Actor, ticket_id: int | None
) -> Ticket | None:
    """The ticket to change or delete (None for a new one), once it is sure ``actor`` may."""
    require_manager(actor)
    if ticket_id is None:
        return None
    return await ticket_for(session, actor=actor, ticket_id=ticket_id)


def record_event(
    ticket: Ticket,
    kind: TicketEventKind,
    *,
    author: Actor | None,
    now: datetime,
    from_value: str | None = None,
    to_value: str | None = None,
    text: str | None = None,
) -> TicketEvent:
    event = TicketEvent(
        kind=kind,
        author_employee=author if isinstance(author, Employee) else None,
        author_client=author if isinstance(author, Client) else None,
        from_value=from_value,
        to_value=to_value,
        text=text,
        created_at=now,
    )
    ticket.events.append(event)
    return event


def _attach(
    ticket: Ticket, event: TicketEvent, draft: AttachmentDraft | None, now: datetime
) -> None:
    if draft is None:
        return
    ticket.attachments.append(
        TicketAttachment(
            event=event,
            kind=draft.kind,
            file_id=draft.file_id,
            file_unique_id=draft.file_unique_id,
            file_name=draft.file_name,
            mime_type=draft.mime_type,
            file_size=draft.file_size,
            created_at=now,
        )
    )


def record_move(ticket: Ticket, to: TicketStatus, author: Actor, now: datetime) -> None:
    record_event(
        ticket,
        TicketEventKind.STATUS,
        author=author,
        now=now,
        from_value=ticket.status,
        to_value=to,
    )
    ticket.status = to
    ticket.closed_at = now if to in FINAL_STATUSES else None


async def departments(session: AsyncSession, *, taking_tickets: bool = True) -> list[Department]:
    """The departments that take requests (or every one), by name."""
    query = select(Department).order_by(Department.name)
    if taking_tickets:
        query = query.where(Department.takes_tickets.is_(True))
    return list(await session.scalars(query))


async def open_ticket(
    session: AsyncSession,
    *,
    actor: Actor,
    client: Client,
    description: str | None,
    now: datetime,
    department_id: int | None = None,
    attachment: AttachmentDraft | None = None,
) -> Ticket:
    """A new ticket for ``client``, from the client in the bot or written down by owners and
    administrators (a call, a visit); it waits in the queue until someone is assigned."""
    if not (isinstance(actor, Client) and actor.id == client.id):
        require_manager(actor)
    text = clean_text(description, required=attachment is None, field="description")
    department = await _department(session, department_id)
    ticket = Ticket(
        client=client,
        department=department,
        status=TicketStatus.NEW,
        title=title_of(text, attachment),
        description=text,
        created_at=now,
        events=[],
        attachments=[],
    )
    session.add(ticket)
    event = record_event(
        ticket,
        TicketEventKind.CREATED,
        author=client,
        now=now,
        to_value=TicketStatus.NEW,
        text=text,
    )
    _attach(ticket, event, attachment, now)
    await session.flush()
    await ticket_hooks.ticket_created(session, ticket, now=now)
    return ticket


async def add_client_message(
    session: AsyncSession,
    notifier: Notifier,
    *,
    client: Client,
    ticket_id: int,
    text: str | None,
    now: datetime,
    attachment: AttachmentDraft | None = None,
) -> tuple[Ticket, bool]:
    """File what the client wrote on their ticket; an answer on a resolved ticket reopens it.

    Returns the ticket and whether it was reopened.
    """
    message = clean_text(text, required=attachment is None)
    ticket = await ticket_for(session, actor=client, ticket_id=ticket_id)
    if ticket.status in FINAL_STATUSES:
        raise InvalidInput(
            N_("request #{ticket_id} is closed; send it as a new request"), ticket_id=ticket.id
        )
    event = record_event(
        ticket, TicketEventKind.CLIENT_MESSAGE, author=client, now=now, text=message
    )
    _attach(ticket, event, attachment, now)
    reopened = ticket.status is TicketStatus.RESOLVED
    if reopened:
        record_move(ticket, TicketStatus.IN_PROGRESS, client, now)
    await session.flush()
    await ticket_notices.client_wrote(
        session, notifier, ticket, message or (attachment.kind.value if attachment else ""), now=now
    )
    if reopened:
        await ticket_notices.status_changed(session, notifier, ticket, now=now)
        await ticket_hooks.ticket_moved(session, ticket, TicketStatus.RESOLVED, now=now)
    return ticket, reopened


async def change_status(
    session: AsyncSession,
    notifier: Notifier,
    *,
    actor: Actor,
    ticket_id: int,
    status: TicketStatus,
    now: datetime,
) -> Ticket:
    """Move the ticket (managers and its assignee); the client is told."""
    employee = require_staff(actor)
    ticket = await ticket_for(session, actor=employee, ticket_id=ticket_id)
    check_move(ticket, status)  # first: "take it first" helps more than "you may not"
    require(can_work_on(employee, ticket))
    previous = ticket.status
    record_move(ticket, status, employee, now)
    await session.flush()
    await ticket_notices.status_changed(session, notifier, ticket, now=now)
    await ticket_hooks.ticket_moved(session, ticket, previous, now=now)
    return ticket


async def reply_to_client(
    session: AsyncSession,
    notifier: Notifier,
    *,
    actor: Actor,
    ticket_id: int,
    text: str,
    now: datetime,
) -> Ticket:
    """Answer the client (managers and the assignee); kept in the ticket's history."""
    employee = require_staff(actor)
    message = clean_text(text, required=True)
    ticket = await ticket_for(session, actor=employee, ticket_id=ticket_id)
    require(can_work_on(employee, ticket))
    if ticket.status in FINAL_STATUSES:
        raise InvalidInput(N_("ticket #{ticket_id} is no longer open"), ticket_id=ticket.id)
    record_event(ticket, TicketEventKind.REPLY, author=employee, now=now, text=message)
    await session.flush()
    await ticket_notices.staff_replied(session, notifier, ticket, employee, message, now=now)
    return ticket


async def add_note(
    session: AsyncSession, *, actor: Actor, ticket_id: int, text: str, now: datetime
) -> Ticket:
    """An internal note, for staff who may see the ticket; never shown to the client."""
    employee = require_staff(actor)
    message = clean_text(text, required=True)
    ticket = await ticket_for(session, actor=employee, ticket_id=ticket_id)
    record_event(ticket, TicketEventKind.NOTE, author=employee, now=now, text=message)
    await session.flush()
    return ticket


async def open_ticket_for(
    session: AsyncSession,
    notifier: Notifier,
    *,
    actor: Actor,
    client_id: int,
    description: str,
    department_id: int | None,
    now: datetime,
) -> Ticket:
    """A ticket staff write down for the client with ``client_id`` (the site's form, the API);
    the client is told it is open, as when they open one in the bot."""
    client = await session.get(Client, client_id)
    if client is None:
        raise InvalidInput(N_("that client does not exist"), field="client_id")
    ticket = await open_ticket(
        session,
        actor=actor,
        client=client,
        description=description,
        department_id=department_id,
        now=now,
    )
    await ticket_notices.opened_for_client(session, notifier, ticket, now=now)
    return ticket


async def edit_ticket(
    session: AsyncSession,
    *,
    actor: Actor,
    ticket_id: int,
    description: str,
    department_id: int | None,
    now: datetime,
) -> Ticket:
    """Change what a ticket says and which department it belongs to; noted in its history."""
    manager = require_manager(actor)
    ticket = await load_ticket(session, ticket_id)
    text = clean_text(description, required=True, field="description")
    await _department(session, department_id, kept=ticket.department_id)
    if text != ticket.description:
        record_event(
            ticket,
            TicketEventKind.NOTE,
            author=manager,
            now=now,
            text=N_("description changed"),
        )
        ticket.description = text
        ticket.title = title_of(text, None)
    ticket.department_id = department_id
    await session.flush()
    return ticket


async def delete_ticket(session: AsyncSession, *, actor: Actor, ticket_id: int) -> None:
    """Delete a ticket and its history (owners and administrators)."""
    require_manager(actor)
    ticket = await load_ticket(session, ticket_id)
    await forget_subject(session, ticket_notices.ticket_subject(ticket.id))
    await session.delete(ticket)
    await session.flush()
