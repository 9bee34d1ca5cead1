"""The contract listing: filters by status, language, teacher, branch, client and the day
signed, newest first, with keyset pagination (each filter has an index ending in
``signed_at, id``, so a page deep into a million contracts is one index range), and the same
rows for CSV export."""

from __future__ import annotations

import base64
from collections.abc import AsyncGenerator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Select, func, literal, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload

from crm.errors import InvalidInput
from crm.i18n import N_
from crm.ids import parse_id
from crm.listing import COUNT_CAP, PAGE_SIZE, clients_matching, decode_cursor
from crm.permissions import Actor
from crm.phones import phone_search_digits
from crm.visibility import visible_contracts
from db.base import UTCDateTime
from db.enums import ContractStatus
from db.models import Contract

NO_TEACHER = "none"


@dataclass(frozen=True)
class ContractFilter:
    """What a person asked the listing for; every field is optional and they combine."""

    statuses: tuple[ContractStatus, ...] = ()
    language_id: int | None = None
    teacher: str = ""  # an employee id, or "none" for contracts nobody teaches yet
    branch_id: int | None = None
    client: str = ""  # a client id, or part of a name or phone
    client_id: int | None = None  # exactly this client (their card's contracts)
    signed_from: date | None = None
    signed_to: date | None = None
    zone: ZoneInfo = field(default_factory=lambda: ZoneInfo("UTC"))


@dataclass(frozen=True)
class ContractPage:
    contracts: list[Contract]
    next_cursor: str | None
    previous_cursor: str | None
    total: int  # capped at COUNT_CAP
    total_is_capped: bool


def _day_start(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time.min, tzinfo=zone)


async def _filtered(
    session: AsyncSession, viewer: Actor, wanted: ContractFilter
) -> Select[Contract]:
    query = select(Contract).where(visible_contracts(viewer))
    if wanted.statuses:
        query = query.where(Contract.status.in_(wanted.statuses))
    if wanted.language_id is not None:
        query = query.where(Contract.language_id == wanted.language_id)
    if wanted.teacher == NO_TEACHER:
        query = query.where(Contract.teacher_id.is_(None))
    elif (teacher_id := parse_id(wanted.teacher)) is not None:
        query = query.where(Contract.teacher_id == teacher_id)
    if wanted.branch_id is not None:
        query = query.where(Contract.branch_id == wanted.branch_id)
    if wanted.client_id is not None:
        query = query.where(Contract.client_id == wanted.client_id)
    client = wanted.client.strip()
    client_id = parse_id(client) if phone_search_digits(client) is None else None
    if client_id is not None:
        query = query.where(Contract.client_id == client_id)
    elif client:
        query = query.where(Contract.client_id.in_(await clients_matching(session, client)))
    if wanted.signed_from and wanted.signed_to and wanted.signed_from > wanted.signed_to:
        raise InvalidInput(N_("the start date is after the end date"), field="from")
    if wanted.signed_from:
        query = query.where(Contract.signed_at >= _day_start(wanted.signed_from, wanted.zone))
    if wanted.signed_to:
        end = _day_start(wanted.signed_to + timedelta(days=1), wanted.zone)
        query = query.where(Contract.signed_at < end)
    return query


def encode_cursor(contract: Contract) -> str:
    raw = f"{contract.signed_at.isoformat()}|{contract.id}"
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def _page_of(query: Select[Contract], cursor: str | None, backwards: bool) -> Select[Contract]:
    """Newest first (oldest first when read backwards), after ``cursor`` in that order."""
    position = tuple_(Contract.signed_at, Contract.id)
    if cursor:
        moment, contract_id = decode_cursor(cursor)
        # A row-value comparison: both SQLite and PostgreSQL read it as one index range.
        bound = tuple_(literal(moment, UTCDateTime()), literal(contract_id))
        query = query.where(position > bound if backwards else position < bound)
    if backwards:
        return query.order_by(Contract.signed_at.asc(), Contract.id.asc())
    return query.order_by(Contract.signed_at.desc(), Contract.id.desc())


async def list_contracts(
    session: AsyncSession,
    viewer: Actor,
    wanted: ContractFilter,
    *,
    cursor: str | None = None,
    before: str | None = None,
    page_size: int = PAGE_SIZE,
) -> ContractPage:
    """One page of the contracts ``viewer`` may see that match ``wanted``, newest first: the
    one after ``cursor``, or with ``before`` the one that ends just before that position."""
    base = await _filtered(session, viewer, wanted)
    backwards = before is not None and cursor is None
    query = (
        _page_of(base, before if backwards else cursor, backwards)
        # Each row has one of each: joined into the page's own query, not four more round trips
        # (bench: 3.77x the raw query with separate loads, 2.55-3.27x joined).
        .options(
            joinedload(Contract.client),
            joinedload(Contract.language),
            joinedload(Contract.teacher),
            joinedload(Contract.branch),
        )
        .limit(page_size + 1)
    )
    rows = list(await session.scalars(query))
    has_more = len(rows) > page_size
    contracts = rows[:page_size]
    if backwards:
        contracts.reverse()
        previous = encode_cursor(contracts[0]) if has_more and contracts else None
        following = encode_cursor(contracts[-1]) if contracts else None
    else:
        previous = encode_cursor(contracts[0]) if cursor and contracts else None
        following = encode_cursor(contracts[-1]) if has_more and contracts else None
    capped = base.with_only_columns(Contract.id).order_by(None).limit(COUNT_CAP + 1).subquery()
    total = int(await session.scalar(select(func.count()).select_from(capped)) or 0)
    return ContractPage(
        contracts=contracts,
        next_cursor=following,
        previous_cursor=previous,
        total=min(total, COUNT_CAP),
        total_is_capped=total > COUNT_CAP,
    )


async def export_contracts(
    session: AsyncSession, viewer: Actor, wanted: ContractFilter, *, chunk: int = 1000
) -> AsyncGenerator[list[Contract]]:
    """Every matching contract, in chunks, in the listing's order (for CSV export)."""
    cursor: str | None = None
    while True:
        page = await list_contracts(session, viewer, wanted, cursor=cursor, page_size=chunk)
        if page.contracts:
            yield page.contracts
        if page.next_cursor is None:
            return
        cursor = page.next_cursor
