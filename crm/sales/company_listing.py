"""The company listing in the order of names (search by name, filter by industry), a page at a
time after a position ``(name, id)`` read from ``ix_companies_name``, the same rows for CSV; and
what a company's page shows: its contacts, deals, founders, innovations and events, each
filtered by the viewer's own rules."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import AsyncGenerator
from dataclasses import dataclass

from sqlalchemy import Select, func, literal, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from crm import keyset
from crm.errors import InvalidInput
from crm.i18n import N_
from crm.ids import parse_id
from crm.keyset import COUNT_CAP, PAGE_SIZE
from crm.permissions import Actor, require_staff
from crm.sales.companies import get_company
from crm.text_search import contains
from crm.visibility import visible_clients, visible_companies, visible_deals
from db.models import Client, Company, Deal, Event

# What a company's page lists of each kind, at most (the listings hold the rest).
SHOWN = 100


@dataclass(frozen=True)
class CompanyFilter:
    search: str = ""  # part of the name
    industry: str = ""  # exactly this industry (any case)


@dataclass(frozen=True)
class CompanyPage:
    companies: list[Company]
    next_cursor: str | None
    previous_cursor: str | None
    total: int  # capped at COUNT_CAP
    total_is_capped: bool


def encode_cursor(company: Company) -> str:
    """A link to the listing's position just after ``company``."""
    raw = json.dumps([company.name, company.id], ensure_ascii=False)
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[str, int]:
    broken = InvalidInput(N_("that page link is broken; start from the first page"), field="after")
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        name, written_id = json.loads(raw)
    except (ValueError, UnicodeDecodeError, binascii.Error, TypeError) as error:
        raise broken from error
    row_id = parse_id(str(written_id)) if isinstance(written_id, int) else None
    if not isinstance(name, str) or row_id is None:
        raise broken
    return name, row_id


def _filtered(viewer: Actor, wanted: CompanyFilter) -> Select[Company]:
    query = select(Company).where(visible_companies(require_staff(viewer)))
    if wanted.search.strip():
        query = query.where(contains(Company.name, wanted.search.strip()))
    if wanted.industry.strip():
        query = query.where(func.lower(Company.industry) == wanted.industry.strip().lower())
    return query


async def list_companies(
    session: AsyncSession,
    viewer: Actor,
    wanted: CompanyFilter,
    *,
    cursor: str | None = None,
    before: str | None = None,
    page_size: int = PAGE_SIZE,
) -> CompanyPage:
    """One page of the companies matching ``wanted`` by name: the one after ``cursor``, or
    with ``before`` the one that ends just before that position (``crm.keyset``'s shape)."""
    base = _filtered(viewer, wanted)
    backwards = before is not None and cursor is None
    query = base
    if start := before if backwards else cursor:
        name, row_id = decode_cursor(start)
        position, bound = tuple_(Company.name, Company.id), tuple_(literal(name), literal(row_id))
        query = query.where(position < bound if backwards else position > bound)
    if backwards:
        query = query.order_by(Company.name.desc(), Company.id.desc())
    else:
        query = query.order_by(Company.name, Company.id)
    rows = list(await session.scalars(query.limit(page_size + 1)))
    more = len(rows) > page_size
    page = rows[:page_size]
    if backwards:
        page.reverse()
        previous = encode_cursor(page[0]) if more and page else None
        following = encode_cursor(page[-1]) if page else None
    else:
        previous = encode_cursor(page[0]) if cursor and page else None
        following = encode_cursor(page[-1]) if more and page else None
    capped = base.with_only_columns(Company.id).order_by(None).limit(COUNT_CAP + 1).subquery()
    total = int(await session.scalar(select(func.count()).select_from(capped)) or 0)
    return CompanyPage(page, following, previous, min(total, COUNT_CAP), total > COUNT_CAP)


def export_companies(
    session: AsyncSession, viewer: Actor, wanted: CompanyFilter, *, chunk: int = 1000
) -> AsyncGenerator[list[Company]]:
    """Every matching company, in chunks, in the listing's order (for CSV export)."""

    async def read(cursor: str | None) -> tuple[list[Company], str | None]:
        page = await list_companies(session, viewer, wanted, cursor=cursor, page_size=chunk)
        return page.companies, page.next_cursor

    return keyset.in_chunks(read)


async def suggest_companies(session: AsyncSession, viewer: Actor, typed: str) -> list[Company]:
    """The first companies whose name contains ``typed`` (a form's suggestions)."""
    page = await list_companies(session, viewer, CompanyFilter(search=typed), page_size=10)
    return page.companies


@dataclass(frozen=True)
class CompanyCard:
    """A company with what its page shows to one viewer."""

    company: Company
    contacts: list[Client]
    deals: list[Deal]
    events: list[Event]


async def company_card(session: AsyncSession, *, actor: Actor, company_id: int) -> CompanyCard:
    """The company with its founders and innovations, the contacts and deals ``actor`` may see
    of it, and its events (soonest last: newest first)."""
    company = await get_company(session, actor=actor, company_id=company_id)
    await session.refresh(company, ["founders", "innovations"])
    contacts = await session.scalars(
        select(Client)
        .where(Client.company_id == company.id, visible_clients(actor))
        .order_by(Client.full_name, Client.id)
        .limit(SHOWN)
    )
    deals = await session.scalars(
        select(Deal)
        .where(Deal.company_id == company.id, visible_deals(actor))
        .options(selectinload(Deal.client), selectinload(Deal.owner))
        .order_by(Deal.created_at.desc(), Deal.id.desc())
        .limit(SHOWN)
    )
    events = await session.scalars(
        select(Event)
        .where(Event.company_id == company.id)
        .order_by(Event.starts_at.desc(), Event.id.desc())
        .limit(SHOWN)
    )
    return CompanyCard(company, list(contacts), list(deals), list(events))
