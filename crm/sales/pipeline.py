"""The pipeline as people look at it: a column per stage with its count and value and its newest
deals — the site's board, the bot's /deals and the dashboard read it.

A column's head is read from the kept totals (``deal_totals``, crm/sales/deals.py) for the two
roles whose deals are whole owners' (a manager sees every owner's, a specialist their own: the
rows of ``crm.visibility.visible_deals`` exactly); a helper's deals are those of the clients they
help, counted from the deals themselves (a few). A column's deals are one index range each
(``ix_deals_stage_created``, ``ix_deals_owner_stage_created``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload, load_only

from crm.permissions import Actor, is_manager, is_practitioner, require_staff
from crm.sales.deals import StageTotal, heads_of, stage_totals
from crm.sales.rules import OPEN_STAGES, PIPELINE
from crm.visibility import visible_deals
from db.enums import DealStage
from db.models import Client, Company, Deal, Employee

# The newest deals a board column shows; the rest are in the list, filtered by stage.
BOARD_CARDS = 20
# The deals per stage the bot's /deals names (a message stays readable).
BOT_CARDS = 8
# What a card on the board (and a line of /deals) shows, and no more: making 120 deals and
# their client, company and owner into objects is most of the board's cost beyond its SQL.
CARD = (
    load_only(
        Deal.id,
        Deal.name,
        Deal.value,
        Deal.currency,
        Deal.stage,
        Deal.expected_close,
        Deal.created_at,
        Deal.client_id,
        Deal.company_id,
        Deal.owner_id,
        raiseload=True,
    ),
    joinedload(Deal.client).load_only(Client.full_name, raiseload=True),
    joinedload(Deal.company).load_only(Company.name, raiseload=True),
    joinedload(Deal.owner).load_only(Employee.full_name, raiseload=True),
)


@dataclass(frozen=True)
class Column:
    """A stage of the pipeline: its head (how many deals and their value per currency) and its
    newest deals."""

    stage: DealStage
    count: int
    values: dict[str, Decimal]
    deals: list[Deal]

    @property
    def more(self) -> int:
        """How many of its deals the column does not show."""
        return max(0, self.count - len(self.deals))


async def column_heads(
    session: AsyncSession, actor: Actor, *, owner_id: int | None = None
) -> dict[DealStage, StageTotal]:
    """Each stage's count and value per currency over the deals ``actor`` may see (of
    ``owner_id`` only, when given: a manager looking at one owner's pipeline)."""
    me = require_staff(actor)
    if is_manager(me):
        return await stage_totals(session, owner_id=owner_id)
    if is_practitioner(me):
        if owner_id not in (None, me.id):
            return {stage: StageTotal(stage, 0, {}) for stage in DealStage}
        return await stage_totals(session, owner_id=me.id)
    query = (
        select(Deal.stage, Deal.currency, func.count(), func.sum(Deal.value))
        .where(visible_deals(me))
        .group_by(Deal.stage, Deal.currency)
    )
    if owner_id is not None:
        query = query.where(Deal.owner_id == owner_id)
    return await heads_of(session, query)


async def columns(
    session: AsyncSession,
    actor: Actor,
    *,
    stages: Sequence[DealStage] = PIPELINE,
    per_stage: int = BOARD_CARDS,
    owner_id: int | None = None,
) -> list[Column]:
    """The columns of ``stages`` in their order, each with its newest ``per_stage`` deals
    ``actor`` may see (of ``owner_id`` only, when given), their client, company and owner
    loaded."""
    heads = await column_heads(session, actor, owner_id=owner_id)
    found = []
    for stage in stages:
        head = heads[stage]
        deals: list[Deal] = []
        if head.count:
            query = (
                select(Deal)
                .where(visible_deals(actor), Deal.stage == stage)
                .order_by(Deal.created_at.desc(), Deal.id.desc())
                .limit(per_stage)
                .options(*CARD)
            )
            if owner_id is not None:
                query = query.where(Deal.owner_id == owner_id)
            deals = list(await session.scalars(query))
        found.append(Column(stage, head.count, head.values, deals))
    return found


async def open_columns(session: AsyncSession, actor: Actor) -> list[Column]:
    """The open stages of ``actor``'s pipeline, for the bot's /deals: every open deal they may
    see (a manager's: everyone's), the newest few per stage."""
    stages = [stage for stage in PIPELINE if stage in OPEN_STAGES]
    return await columns(session, actor, stages=stages, per_stage=BOT_CARDS)
