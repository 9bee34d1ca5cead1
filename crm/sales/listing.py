"""The deal list: filters by stage, owner, company, value range and expected close, newest first,
with keyset pagination (the stage, owner and company filters each have an index ending in
``created_at, id``), and the same rows for CSV export."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute, joinedload

from crm import keyset
from crm.errors import InvalidInput
from crm.i18n import N_
from crm.ids import parse_id
from crm.keyset import PAGE_SIZE
from crm.permissions import Actor, is_manager, require_staff
from crm.sales.rules import may_create_deal
from crm.visibility import visible_deals
from db.enums import DealStage
from db.models import Company, Deal, Employee

NO_OWNER = "none"
# The companies and owners a filter or a form offers to choose from, by name.
MAX_CHOICES = 500


@dataclass(frozen=True)
class DealFilter:
    """What a person asked the list for; every field is optional and they combine."""

    stages: tuple[DealStage, ...] = ()
    owner: str = ""  # an employee id, or "none" for deals nobody owns
    company_id: int | None = None
    client_id: int | None = None
    value_from: Decimal | None = None
    value_to: Decimal | None = None
    close_from: date | None = None
    close_to: date | None = None


@dataclass(frozen=True)
class DealPage:
    deals: list[Deal]
    next_cursor: str | None
    previous_cursor: str | None
    total: int  # capped at COUNT_CAP
    total_is_capped: bool


def _filtered(viewer: Actor, wanted: DealFilter) -> Select[Deal]:
    require_staff(viewer)
    for bound in (wanted.value_from, wanted.value_to):
        if bound is not None and bound < 0:
            raise InvalidInput(N_("a value is never below zero"), field="value_from")
    low, high = wanted.value_from, wanted.value_to
    if low is not None and high is not None and low > high:
        raise InvalidInput(N_("the lowest value is above the highest"), field="value_from")
    if wanted.close_from and wanted.close_to and wanted.close_from > wanted.close_to:
        raise InvalidInput(N_("the start date is after the end date"), field="close_from")
    query = select(Deal).where(visible_deals(viewer))
    if wanted.stages:
        query = query.where(Deal.stage.in_(wanted.stages))
    if wanted.owner == NO_OWNER:
        query = query.where(Deal.owner_id.is_(None))
    elif (owner_id := parse_id(wanted.owner)) is not None:
        query = query.where(Deal.owner_id == owner_id)
    if wanted.company_id is not None:
        query = query.where(Deal.company_id == wanted.company_id)
    if wanted.client_id is not None:
        query = query.where(Deal.client_id == wanted.client_id)
    if wanted.value_from is not None:
        query = query.where(Deal.value >= wanted.value_from)
    if wanted.value_to is not None:
        query = query.where(Deal.value <= wanted.value_to)
    return query


def _closing_between(
    column: ColumnElement[Any] | InstrumentedAttribute[Any], wanted: DealFilter
) -> list[Any]:
    bounds: list[Any] = []
    if wanted.close_from is not None:
        bounds.append(column >= wanted.close_from)
    if wanted.close_to is not None:
        bounds.append(column <= wanted.close_to)
    return bounds


@dataclass(frozen=True)
class _ClosingBetween:
    """The expected-close filter. Its index (``ix_deals_close``) counts the deals of a range in
        a few ms, but a page read from it must first sort every deal of the range (a quarter at a
        million deals: 700 ms on SQLite); read newest first from ``ix_deals_created`` and tested
        one by one, the page of deals closing soon is found at once, as deals are opened weeks or
        months before they close. On SQLite, ``coalesce(x, x)`` is the column out of any index's
    reach."""

    wanted: DealFilter
    count_cap: int = keyset.COUNT_CAP

    async def count(self, session: AsyncSession, base: Select[Any], cap: int) -> int:
        return await keyset.count_up_to(
            session, base.where(*_closing_between(Deal.expected_close, self.wanted)), cap
        )

    async def page(
        self, session: AsyncSession, ordered: Select[Any], ascending: bool, limit: int
    ) -> Select[Any]:
        column: ColumnElement[Any] | InstrumentedAttribute[Any] = Deal.expected_close
        if session.get_bind().dialect.name == "sqlite":
            # PostgreSQL weighs the range and walks the newest first itself; hidden from it,
            # the range is guessed narrow and every deal of the owner is sorted (28 ms).
            column = func.coalesce(Deal.expected_close, Deal.expected_close)
        return ordered.where(*_closing_between(column, self.wanted))


def encode_cursor(deal: Deal) -> str:
    """A link to the list's position just after ``deal``."""
    return keyset.encode_cursor(deal.created_at, deal.id)


async def list_deals(
    session: AsyncSession,
    viewer: Actor,
    wanted: DealFilter,
    *,
    cursor: str | None = None,
    before: str | None = None,
    page_size: int = PAGE_SIZE,
) -> DealPage:
    """One page of the deals ``viewer`` may see that match ``wanted``, newest first: the one
    after ``cursor``, or with ``before`` the one that ends just before that position; the page's
    rows come with their client, company and owner in the same query, and a capped count."""
    page = await keyset.read_page(
        session,
        _filtered(viewer, wanted),
        key=(Deal.created_at, Deal.id),
        cursor_of=encode_cursor,
        oldest_first=False,
        cursor=cursor,
        before=before,
        page_size=page_size,
        options=(joinedload(Deal.client), joinedload(Deal.company), joinedload(Deal.owner)),
        shortcut=_ClosingBetween(wanted) if wanted.close_from or wanted.close_to else None,
    )
    return DealPage(
        page.rows, page.next_cursor, page.previous_cursor, page.total, page.total_is_capped
    )


def export_deals(
    session: AsyncSession, viewer: Actor, wanted: DealFilter, *, chunk: int = 1000
) -> AsyncGenerator[list[Deal]]:
    """Every matching deal, in chunks, in the list's order (for CSV export)."""

    async def read(cursor: str | None) -> tuple[list[Deal], str | None]:
        page = await list_deals(session, viewer, wanted, cursor=cursor, page_size=chunk)
        return page.deals, page.next_cursor

    return keyset.in_chunks(read)


async def company_choices(session: AsyncSession) -> list[tuple[int, str]]:
    """(id, name) of the first ``MAX_CHOICES`` companies by name: what a filter or a form
    offers (companies are for all staff to see)."""
    rows = await session.execute(
        select(Company.id, Company.name).order_by(Company.name, Company.id).limit(MAX_CHOICES)
    )
    return [(company_id, name) for company_id, name in rows]


async def owner_choices(session: AsyncSession, actor: Actor) -> list[tuple[int, str]]:
    """(id, name) of whom ``actor`` may give a deal to (``may_create_deal``): a manager anyone
    active on staff, a specialist themselves, a helper nobody."""
    me = require_staff(actor)
    if not is_manager(me):
        return [(me.id, me.full_name)] if may_create_deal(me, me.id) else []
    rows = await session.execute(
        select(Employee.id, Employee.full_name)
        .where(Employee.active.is_(True))
        .order_by(Employee.full_name, Employee.id)
        .limit(MAX_CHOICES)
    )
    return [(employee_id, name) for employee_id, name in rows]
