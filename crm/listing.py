"""The ticket listing: combinable filters, keyset pagination that stays fast deep into large
tables, a capped count, and the same rows for CSV export."""

from __future__ import annotations

import base64
from collections.abc import AsyncGenerator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Select, func, literal, or_, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from crm.errors import InvalidInput
from crm.i18n import N_
from crm.ids import parse_id
from crm.text_search import contains
from crm.visibility import visible_tickets
from db.base import UTCDateTime
from db.enums import TicketStatus
from db.models import Client, Employee, Ticket

PAGE_SIZE = 50
COUNT_CAP = 10_000
UNASSIGNED = "none"
CLIENT_IDS_INLINE = 500


@dataclass(frozen=True)
class TicketFilter:
    """What a person asked the listing for; every field is optional and they combine."""

    client: str = ""  # a client id, or part of a name or phone
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


async def _clients_matching(session: AsyncSession, text: str) -> list[int] | Select[int]:
    """Ids of the clients a name or phone fragment matches: a list when it is short (the
    tickets are then read client by client), else the query itself."""
    matching = select(Client.id).where(
        or_(contains(Client.full_name, text), contains(Client.phone, text))
    )
    ids = list(await session.scalars(matching.limit(CLIENT_IDS_INLINE + 1)))
    return ids if len(ids) <= CLIENT_IDS_INLINE else matching


async def _filtered(
    session: AsyncSession, viewer: Employee, wanted: TicketFilter
) -> Select[Ticket]:
    query = select(Ticket).where(visible_tickets(viewer))
    client = wanted.client.strip()
    client_id = parse_id(client)
    if client_id is not None:
        query = query.where(Ticket.client_id == client_id)
    elif client:
        query = query.where(Ticket.client_id.in_(await _clients_matching(session, client)))
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
        query = query.where(or_(contains(Ticket.title, text), contains(Ticket.description, text)))
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
