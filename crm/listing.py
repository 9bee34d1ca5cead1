"""The ticket listing: combinable filters, keyset pagination that stays fast deep into large
tables, a capped count, and the same rows for CSV export."""

from __future__ import annotations

import base64
from collections.abc import AsyncGenerator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, Select, func, literal, or_, select, tuple_, union_all
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from crm.clients import client_matches
from crm.errors import InvalidInput
from crm.i18n import N_
from crm.ids import parse_id
from crm.phones import phone_search_digits
from crm.text_search import contains, indexed_on_sqlite, tickets_saying_on_sqlite
from crm.visibility import visible_tickets
from db.base import UTCDateTime
from db.enums import TicketEventKind, TicketStatus
from db.models import Client, Employee, Ticket, TicketEvent

PAGE_SIZE = 50
COUNT_CAP = 10_000
UNASSIGNED = "none"
CLIENT_IDS_INLINE = 500
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


def _day_start(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time.min, tzinfo=zone)


async def clients_matching(session: AsyncSession, text: str) -> list[int] | Select[int]:
    """Ids of the clients the client search matches (a number also names the client with that
    id): a list when it is short (the tickets are then read client by client), else the query
    itself."""
    found = client_matches(text)
    if (client_id := parse_id(text)) is not None:
        found = or_(Client.id == client_id, found)
    matching = select(Client.id).where(found)
    ids = list(await session.scalars(matching.limit(CLIENT_IDS_INLINE + 1)))
    return ids if len(ids) <= CLIENT_IDS_INLINE else matching


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
    client = wanted.client.strip()
    client_id = parse_id(client) if phone_search_digits(client) is None else None
    if wanted.client_id is not None:
        query = query.where(Ticket.client_id == wanted.client_id)
    if client_id is not None:
        query = query.where(Ticket.client_id == client_id)
    elif client:
        query = query.where(Ticket.client_id.in_(await clients_matching(session, client)))
    if wanted.created_from and wanted.created_to and wanted.created_from > wanted.created_to:
        raise InvalidInput(N_("the start date is after the end date"), field="from")
    if wanted.created_from:
        query = query.where(Ticket.created_at >= _day_start(wanted.created_from, wanted.zone))
    if wanted.created_to:
        end = _day_start(wanted.created_to + timedelta(days=1), wanted.zone)
        query = query.where(Ticket.created_at < end)
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
    raw = f"{ticket.created_at.isoformat()}|{ticket.id}"
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime, int]:
    """The position an ``encode_cursor`` link points after; anything else is a broken link."""
    broken = InvalidInput(N_("that page link is broken; start from the first page"), field="after")
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        moment_text, id_text = raw.split("|")
        written = datetime.fromisoformat(moment_text)
        # Only an aware moment compares with the stored ones; in UTC it must still be a date.
        moment = written.astimezone(UTC) if written.tzinfo is not None else None
    except (ValueError, UnicodeDecodeError, OverflowError) as error:
        raise broken from error
    ticket_id = parse_id(id_text)
    if moment is None or ticket_id is None:
        raise broken
    return moment, ticket_id


def _ordered(query: Select[Ticket], oldest_first: bool) -> Select[Ticket]:
    if oldest_first:
        return query.order_by(Ticket.created_at.asc(), Ticket.id.asc())
    return query.order_by(Ticket.created_at.desc(), Ticket.id.desc())


def _after(query: Select[Ticket], cursor: str | None, oldest_first: bool) -> Select[Ticket]:
    """The rows after ``cursor`` in the listing's order (before it when ``oldest_first`` is
    flipped, which is how a page is read backwards)."""
    if not cursor:
        return query
    moment, ticket_id = decode_cursor(cursor)
    # A row-value comparison: both SQLite and PostgreSQL read it as one index range.
    position = tuple_(Ticket.created_at, Ticket.id)
    bound = tuple_(literal(moment, UTCDateTime()), literal(ticket_id))
    return query.where(position > bound if oldest_first else position < bound)


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
    # Backwards is the same keyset read in the opposite order, then turned around.
    backwards = before is not None and cursor is None
    order = wanted.oldest_first != backwards
    query = (
        _ordered(_after(base, before if backwards else cursor, order), order)
        .options(
            selectinload(Ticket.client),
            selectinload(Ticket.assignee),
            selectinload(Ticket.department),
        )
        .limit(page_size + 1)
    )
    rows = list(await session.scalars(query))
    has_more = len(rows) > page_size
    tickets = rows[:page_size]
    if backwards:
        tickets.reverse()
        # Read backwards, "more" lies before; after this page is the one it was asked from.
        previous = encode_cursor(tickets[0]) if has_more and tickets else None
        following = encode_cursor(tickets[-1]) if tickets else None
    else:
        previous = encode_cursor(tickets[0]) if cursor and tickets else None
        following = encode_cursor(tickets[-1]) if has_more and tickets else None
    capped = base.with_only_columns(Ticket.id).order_by(None).limit(COUNT_CAP + 1).subquery()
    total = int(await session.scalar(select(func.count()).select_from(capped)) or 0)
    return Page(
        tickets=tickets,
        next_cursor=following,
        total=min(total, COUNT_CAP),
        total_is_capped=total > COUNT_CAP,
        previous_cursor=previous,
    )


async def export_tickets(
    session: AsyncSession, viewer: Employee, wanted: TicketFilter, *, chunk: int = 1000
) -> AsyncGenerator[list[Ticket]]:
    """Every matching ticket, in chunks, in the listing's order (for CSV export)."""
    cursor: str | None = None
    while True:
        page = await list_tickets(session, viewer, wanted, cursor=cursor, page_size=chunk)
        if page.tickets:
            yield page.tickets
        if page.next_cursor is None:
            return
        cursor = page.next_cursor
