"""The ticket listing: combinable filters, keyset pagination that stays fast deep into large
tables, a capped count, and the same rows for CSV export."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from dataclasses import dataclass, field
from datetime import date
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload
from sqlalchemy.sql.elements import True_

from crm import keyset
from crm.ids import parse_id
from crm.keyset import PAGE_SIZE
from crm.people.client_search import for_client
from crm.tickets.search import text_search
from crm.visibility import visible_tickets
from db.enums import TicketStatus
from db.models import Employee, Ticket

UNASSIGNED = "none"


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


async def _filtered(
    session: AsyncSession, viewer: Employee, wanted: TicketFilter
) -> list[ColumnElement[bool]]:
    """The conditions of every filter but the text."""
    conditions = [visible_tickets(viewer)]
    if wanted.client_id is not None:
        conditions.append(Ticket.client_id == wanted.client_id)
    if (of_client := await for_client(session, Ticket.client_id, wanted.client)) is not None:
        conditions.append(of_client)
    days = keyset.within_days(
        select(Ticket), Ticket.created_at, wanted.created_from, wanted.created_to, wanted.zone
    )
    if days.whereclause is not None:
        conditions.append(days.whereclause)
    if wanted.statuses:
        conditions.append(Ticket.status.in_(wanted.statuses))
    if wanted.assignee == UNASSIGNED:
        conditions.append(Ticket.assignee_id.is_(None))
    elif (assignee_id := parse_id(wanted.assignee)) is not None:
        conditions.append(Ticket.assignee_id == assignee_id)
    if wanted.department_id is not None:
        conditions.append(Ticket.department_id == wanted.department_id)
    return conditions


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
    conditions = await _filtered(session, viewer, wanted)
    text = wanted.text.strip()
    # Nothing but the text narrows the listing when every other condition lets all through.
    alone = all(isinstance(condition, True_) for condition in conditions)
    page = await keyset.read_page(
        session,
        select(Ticket).where(*conditions),
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
        shortcut=await text_search(session, text, alone=alone) if text else None,
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
