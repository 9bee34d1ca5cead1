"""The ticket listing: combinable filters, keyset pagination that stays fast deep into large
tables, a capped count, and the same rows for CSV export."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from dataclasses import dataclass, field
from datetime import date
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, Select, or_, select, union_all
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from crm import keyset
from crm.ids import parse_id
from crm.keyset import PAGE_SIZE
from crm.people.client_search import for_client
from crm.text_search import contains, indexed_on_sqlite, tickets_saying_on_sqlite
from crm.visibility import visible_tickets
from db.enums import TicketEventKind, TicketStatus
from db.models import Employee, Ticket, TicketEvent

UNASSIGNED = "none"
TICKET_IDS_INLINE = 500
# What people wrote about a ticket, searched with its title and description.
SEARCHED_EVENTS = (TicketEventKind.REPLY, TicketEventKind.NOTE, TicketEventKind.CLIENT_MESSAGE)


@dataclass(frozen=True)
class TicketFilter:
    """What a person asked the listing for; every field is optional and they combine."""

    client: str = ""  # a client id, or part of a name or phone
    client_id: int | None = None  # exactly this client (their card's list of tickets)
    created_from: date | None = None
    created_to: date | None = None
    statuses: tuple[TicketStatus, ...] = ()
    assignee: str = ""  # an employee id, or "none" for unassigned
    department_id: int | None = None
    text: str = ""
    oldest_first: bool = False
    zone: ZoneInfo = field(default_factory=lambda: ZoneInfo("UTC"))


@dataclass(frozen=True)
class Page:
    tickets: list[Ticket]
    next_cursor: str | None
    total: int  # capped at COUNT_CAP
    total_is_capped: bool
    previous_cursor: str | None = None  # the page before this one, read backwards


def _in_history(text: str) -> Select[int]:
    return select(TicketEvent.ticket_id).where(
        TicketEvent.kind.in_(SEARCHED_EVENTS), contains(TicketEvent.text, text)
    )


def tickets_saying(text: str) -> Select[int]:
    """Ids of the tickets whose title, description, or one of whose replies, notes or client
    messages contains ``text`` (each column served by its own trigram index on PostgreSQL); an
    id may come more than once."""
    matching = union_all(
        select(Ticket.id).where(contains(Ticket.title, text)),
        select(Ticket.id).where(contains(Ticket.description, text)),
        _in_history(text),
    ).subquery()
    return select(matching.c.id)


async def _text_filter(session: AsyncSession, text: str) -> ColumnElement[bool]:
    """The tickets ``tickets_saying`` finds. On SQLite, a text of three characters or more is
    looked up in the trigram index. Otherwise a rare text names few: they are found first and
    the listing reads them by id; a common one is tested row by row in the listing's order,
    where the next page's worth turns up soon."""
    if session.get_bind().dialect.name == "sqlite" and indexed_on_sqlite(text):
        # Every match through the index at once, then the listing in its order: at a million
        # tickets this beats testing row by row even for a text in 5% of the history.
        return Ticket.id.in_(tickets_saying_on_sqlite(text))
    # Read as they come (a ticket may come twice): a common text stops the reading early.
    ids = list(await session.scalars(tickets_saying(text).limit(TICKET_IDS_INLINE + 1)))
    if len(ids) <= TICKET_IDS_INLINE:
        return Ticket.id.in_(sorted(set(ids)))
    said = _in_history(text).where(TicketEvent.ticket_id == Ticket.id).exists()
    return or_(contains(Ticket.title, text), contains(Ticket.description, text), said)


async def _filtered(
    session: AsyncSession, viewer: Employee, wanted: TicketFilter
) -> Select[Ticket]:
    query = select(Ticket).where(visible_tickets(viewer))
    if wanted.client_id is not None:
        query = query.where(Ticket.client_id == wanted.client_id)
    if (of_client := await for_client(session, Ticket.client_id, wanted.client)) is not None:
        query = query.where(of_client)
    query = keyset.within_days(
        query, Ticket.created_at, wanted.created_from, wanted.created_to, wanted.zone
    )
    if wanted.statuses:
        query = query.where(Ticket.status.in_(wanted.statuses))
    if wanted.assignee == UNASSIGNED:
        query = query.where(Ticket.assignee_id.is_(None))
    elif (assignee_id := parse_id(wanted.assignee)) is not None:
        query = query.where(Ticket.assignee_id == assignee_id)
    if wanted.department_id is not None:
        query = query.where(Ticket.department_id == wanted.department_id)
    text = wanted.text.strip()
    if text:
        query = query.where(await _text_filter(session, text))
    return query


def encode_cursor(ticket: Ticket) -> str:
    """A link to the listing's position just after ``ticket``."""
    return keyset.encode_cursor(ticket.created_at, ticket.id)


async def list_tickets(
    session: AsyncSession,
    viewer: Employee,
    wanted: TicketFilter,
    *,
    cursor: str | None = None,
    before: str | None = None,
    page_size: int = PAGE_SIZE,
) -> Page:
    """One page of the tickets ``viewer`` may see that match ``wanted``: the one after
    ``cursor``, or with ``before`` the one that ends just before that position."""
    base = await _filtered(session, viewer, wanted)
    page = await keyset.read_page(
        session,
        base,
        key=(Ticket.created_at, Ticket.id),
        cursor_of=encode_cursor,
        oldest_first=wanted.oldest_first,
        cursor=cursor,
        before=before,
        page_size=page_size,
        options=(
            selectinload(Ticket.client),
            selectinload(Ticket.assignee),
            selectinload(Ticket.department),
        ),
    )
    return Page(
        tickets=page.rows,
        next_cursor=page.next_cursor,
        total=page.total,
        total_is_capped=page.total_is_capped,
        previous_cursor=page.previous_cursor,
    )


def export_tickets(
    session: AsyncSession, viewer: Employee, wanted: TicketFilter, *, chunk: int = 1000
) -> AsyncGenerator[list[Ticket]]:
    """Every matching ticket, in chunks, in the listing's order (for CSV export)."""

    async def read(cursor: str | None) -> tuple[list[Ticket], str | None]:
        page = await list_tickets(session, viewer, wanted, cursor=cursor, page_size=chunk)
        return page.tickets, page.next_cursor

    return keyset.in_chunks(read)
