"""Deals: opening one, moving it through the pipeline, changing and deleting it, and the board's
kept totals.

Every use case takes the actor and checks their right itself (``crm.sales.rules``) and loads
the deal through the visibility rule (``crm.visibility.visible_deals``). Each write of a deal's
owner, stage, currency or value goes through ``_tally``, which keeps ``deal_totals`` (the
board's column heads) in step in the same transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Select, delete, func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from crm.errors import InvalidInput, NotFound
from crm.i18n import N_
from crm.money import MAX_AMOUNT, cents
from crm.people.clients import visible_client
from crm.people.names import clean_name
from crm.permissions import Actor, require_manager, require_staff
from crm.sales import hooks as deal_hooks
from crm.sales.rules import (
    D,
    actions,
    check_move,
    check_owner,
    check_path,
    check_seen,
    require,
)
from crm.visibility import load_visible
from db.base import Base
from db.enums import DealStage
from db.models import Company, Deal, DealMove, DealTotal, Employee

# What a deal's card shows, loaded with it.
CARD = (
    selectinload(Deal.client),
    selectinload(Deal.company),
    selectinload(Deal.owner),
    selectinload(Deal.moves).selectinload(DealMove.by),
)
# The owner_id ``deal_totals`` keeps for a deal nobody owns.
NOBODY = 0


@dataclass(frozen=True)
class DealDraft:
    """What a deal is opened or changed with."""

    name: str
    value: Decimal
    currency: str
    client_id: int | None = None
    company_id: int | None = None
    owner_id: int | None = None
    expected_close: date | None = None


async def _tally(session: AsyncSession, deal: Deal, sign: int) -> None:
    """Add ``deal`` to (``sign`` 1) or take it from (-1) the board's totals, in one statement
    that a concurrent writer of the same row waits for."""
    table = Base.metadata.tables[DealTotal.__tablename__]
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    statement = insert(table).values(
        owner_id=deal.owner_id or NOBODY,
        stage=deal.stage,
        currency=deal.currency,
        count=sign,
        value=deal.value * sign,
    )
    statement = statement.on_conflict_do_update(
        index_elements=["owner_id", "stage", "currency"],
        set_={
            "count": table.c.count + statement.excluded.count,
            "value": table.c.value + statement.excluded.value,
        },
    )
    await session.execute(statement)


def check_value(value: Decimal) -> Decimal:
    """A deal's value in cents; InvalidInput when below zero or past what the column holds."""
    if not value.is_finite() or value < 0 or value > MAX_AMOUNT:
        raise InvalidInput(N_("the value must be from 0 to {most}"), field="value", most=MAX_AMOUNT)
    return cents(value)


async def _checked(session: AsyncSession, actor: Actor, draft: DealDraft) -> DealDraft:
    """``draft`` with its name and value cleaned, once its client, company and owner exist (the
    client among those ``actor`` may see); with no company named, the client's."""
    name = clean_name(draft.name, "name")
    value = check_value(draft.value)
    company_id = draft.company_id
    if draft.client_id is not None:
        client = await visible_client(session, actor, draft.client_id, field="client_id")
        # No company named: the client's own.
        company_id = client.company_id if company_id is None else company_id
    if company_id is not None and await session.get(Company, company_id) is None:
        raise NotFound(N_("that company does not exist"), field="company_id")
    if draft.owner_id is not None:
        owner = await session.get(Employee, draft.owner_id)
        if owner is None or not owner.active:
            raise NotFound(N_("that employee does not exist"), field="owner_id")
    return DealDraft(
        name=name,
        value=value,
        currency=draft.currency.upper(),
        client_id=draft.client_id,
        company_id=company_id,
        owner_id=draft.owner_id,
        expected_close=draft.expected_close,
    )


async def open_deal(
    session: AsyncSession, *, actor: Actor, draft: DealDraft, now: datetime
) -> Deal:
    """A ``new`` deal: owners and administrators open one for anyone (or nobody), a specialist
    their own. Its first move (from nothing to new) starts its history."""
    me = require_staff(actor)
    check_owner(actor, draft.owner_id)
    draft = await _checked(session, actor, draft)
    deal = Deal(
        name=draft.name,
        value=draft.value,
        currency=draft.currency,
        client_id=draft.client_id,
        company_id=draft.company_id,
        owner_id=draft.owner_id,
        expected_close=draft.expected_close,
        stage=D.NEW,
        created_at=now,
        updated_at=now,
    )
    session.add(deal)
    await session.flush()
    session.add(
        DealMove(deal_id=deal.id, from_stage=None, to_stage=D.NEW, moved_at=now, by_id=me.id)
    )
    await _tally(session, deal, 1)
    await session.flush()
    return deal


async def load_deal(session: AsyncSession, deal_id: int, *, visible_to: Actor | None) -> Deal:
    """The deal with what its card shows, or NotFound; with ``visible_to``, NotFound also when
    that person may not see it."""
    deal = await load_visible(session, Deal, deal_id, visible_to=visible_to, options=CARD)
    if deal is None:
        raise NotFound(N_("deal #{deal_id} does not exist"), deal_id=deal_id)
    return deal


async def deal_to_work_on(
    session: AsyncSession, *, actor: Actor, deal_id: int, action: str
) -> Deal:
    """The deal, once ``actions`` lets ``actor`` do ``action`` with it (``log``, ``task``):
    what a dialog checks before its first question."""
    deal = await load_deal(session, deal_id, visible_to=actor)
    require(action in actions(actor, deal))
    return deal


async def deal_to_move(
    session: AsyncSession, *, actor: Actor, deal_id: int, to: DealStage, seen_at: DealStage
) -> Deal:
    """The deal, once ``actor`` may move it from ``seen_at`` (where it still is) to ``to``: what
    the bot checks before it asks why a deal was lost."""
    deal = await load_deal(session, deal_id, visible_to=actor)
    check_seen(deal, seen_at)
    check_path(actor, deal, to)
    return deal


async def move_deal(
    session: AsyncSession,
    *,
    actor: Actor,
    deal_id: int,
    to: DealStage,
    now: datetime,
    reason: str | None = None,
    seen_at: DealStage | None = None,
) -> Deal:
    """The one place a deal's stage is written: a move ``MOVES`` holds for ``actor``, kept in
    the deal's history, with the reason when lost. ``seen_at`` is the stage the card or form
    pressed showed: a deal that moved meanwhile is not moved again from a stale view."""
    me = require_staff(actor)
    deal = await load_deal(session, deal_id, visible_to=actor)
    check_seen(deal, seen_at)
    kept = check_move(actor, deal, to, reason)
    previous = deal.stage
    await _tally(session, deal, -1)
    session.add(
        DealMove(
            deal_id=deal.id,
            from_stage=deal.stage,
            to_stage=to,
            moved_at=now,
            by_id=me.id,
            note=kept,
        )
    )
    deal.stage = to
    deal.lost_reason = kept
    deal.closed_at = None if deal.is_open else now
    deal.updated_at = now
    await _tally(session, deal, 1)
    await session.flush()
    await deal_hooks.deal_moved(session, deal, previous, now=now)
    return deal


async def edit_deal(
    session: AsyncSession, *, actor: Actor, deal_id: int, draft: DealDraft, now: datetime
) -> Deal:
    """Change a deal's name, value, client, company, owner or expected close (its owner while
    open, owners and administrators). A specialist cannot give their deal away."""
    deal = await load_deal(session, deal_id, visible_to=actor)
    require("edit" in actions(actor, deal))
    check_owner(actor, draft.owner_id)
    draft = await _checked(session, actor, draft)
    await _tally(session, deal, -1)
    deal.name, deal.value, deal.currency = draft.name, draft.value, draft.currency
    deal.client_id, deal.company_id = draft.client_id, draft.company_id
    deal.owner_id, deal.expected_close = draft.owner_id, draft.expected_close
    deal.updated_at = now
    await _tally(session, deal, 1)
    await session.flush()
    return deal


async def delete_deal(session: AsyncSession, *, actor: Actor, deal_id: int) -> None:
    """Delete a deal with its history and tasks (owners and administrators); its logged
    interactions stay with the client."""
    require_manager(actor)
    deal = await load_deal(session, deal_id, visible_to=actor)
    await _tally(session, deal, -1)
    await session.delete(deal)
    await session.flush()


@dataclass(frozen=True)
class StageTotal:
    """A column head of the board: a stage, how many deals and their value per currency."""

    stage: DealStage
    count: int
    values: dict[str, Decimal]


async def stage_totals(
    session: AsyncSession, *, owner_id: int | None = None
) -> dict[DealStage, StageTotal]:
    """Each stage's count and value per currency, read from ``deal_totals`` (a few rows per
    owner), for one owner or everyone."""
    query = select(
        DealTotal.stage, DealTotal.currency, func.sum(DealTotal.count), func.sum(DealTotal.value)
    ).group_by(DealTotal.stage, DealTotal.currency)
    if owner_id is not None:
        query = query.where(DealTotal.owner_id == owner_id)
    return await heads_of(session, query)


async def heads_of(
    session: AsyncSession, query: Select[DealStage, str, int, Decimal]
) -> dict[DealStage, StageTotal]:
    """Every stage's head from ``query``'s rows of (stage, currency, count, value); a stage
    with no deal counts none (a kept total may have come back to 0)."""
    counts: dict[DealStage, int] = {stage: 0 for stage in DealStage}
    values: dict[DealStage, dict[str, Decimal]] = {stage: {} for stage in DealStage}
    for stage, currency, count, value in await session.execute(query):
        if count:
            counts[stage] += int(count)
            values[stage][currency] = Decimal(value)
    return {stage: StageTotal(stage, counts[stage], values[stage]) for stage in DealStage}


async def recount_totals(session: AsyncSession) -> None:
    """Build ``deal_totals`` anew from the deals (after a bulk load that went around
    ``open_deal``, such as the benchmark's): one scan, then a few rows."""
    await session.execute(delete(DealTotal))
    owner = func.coalesce(Deal.owner_id, NOBODY)
    rows = await session.execute(
        select(owner, Deal.stage, Deal.currency, func.count(), func.sum(Deal.value)).group_by(
            owner, Deal.stage, Deal.currency
        )
    )
    session.add_all(
        DealTotal(owner_id=o, stage=s, currency=c, count=n, value=v) for o, s, c, n, v in rows
    )
    await session.flush()
