"""The win-rate report (``/reports/win-rate``): over a period, the deals won and lost and the
win rate, and how long deals stayed at each stage, per owner and in total, of the deals the
viewer may see.

The definitions, said once here and on the page:

- a deal is *won* (or *lost*) in the period when its move to ``won`` (``lost``) is in it;
- the *win rate* is won / (won + lost), none when nothing closed;
- a *stay* at a stage runs from the move that brought the deal there to the move that took it
  on; a stay counts in the period its move out is in (a deal still at a stage is not counted);
  the *average time* at a stage is the mean of those stays, in days;
- the owner is the deal's owner now.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from crm.periods import SECONDS_PER_DAY, Period, as_decimal, seconds_between
from crm.permissions import Actor, require_staff
from crm.sales.pipeline_figures import OPEN_PIPELINE
from crm.sales.rules import FINAL_STAGES, OPEN_STAGES, D
from crm.visibility import visible_deals
from db.enums import DealStage
from db.models import Deal, DealMove, Employee

DAY = Decimal(SECONDS_PER_DAY)


@dataclass
class Stays:
    """The stays at one stage that ended in the period: how many, and their seconds together."""

    count: int = 0
    seconds: Decimal = Decimal(0)

    @property
    def average_days(self) -> Decimal | None:
        if not self.count:
            return None
        return (self.seconds / self.count / DAY).quantize(Decimal("0.1"))


@dataclass
class WinRow:
    """One owner's figures (or everyone's: the total)."""

    owner_id: int | None  # None: deals nobody owns (or, for the total, everyone's)
    name: str | None
    won: int = 0
    lost: int = 0
    stays: dict[DealStage, Stays] = field(
        default_factory=lambda: {stage: Stays() for stage in OPEN_PIPELINE}
    )

    @property
    def closed(self) -> int:
        return self.won + self.lost

    @property
    def win_rate(self) -> Decimal | None:
        """Won out of closed, in percent to one decimal; None when nothing closed."""
        if not self.closed:
            return None
        return (Decimal(100 * self.won) / self.closed).quantize(Decimal("0.1"))


@dataclass(frozen=True)
class WinFigures:
    by_owner: list[WinRow]  # owners with a deal closed or moved on in the period, by name
    total: WinRow


async def win_figures(session: AsyncSession, *, actor: Actor, within: Period) -> WinFigures:
    """Deals won and lost in ``within`` and the time they stayed at each stage, per owner and
    in total, of the deals ``actor`` may see."""
    viewer = require_staff(actor)
    rows: dict[int | None, WinRow] = {}
    total = WinRow(None, None)

    def row(owner_id: int | None, name: str | None) -> WinRow:
        return rows.setdefault(owner_id, WinRow(owner_id, name))

    closed = (
        select(Deal.owner_id, Employee.full_name, DealMove.to_stage, func.count())
        .select_from(DealMove)
        .join(Deal, Deal.id == DealMove.deal_id)
        .outerjoin(Employee, Employee.id == Deal.owner_id)
        .where(
            visible_deals(viewer),
            DealMove.to_stage.in_(FINAL_STAGES),
            within.holds(DealMove.moved_at),
        )
        .group_by(Deal.owner_id, Employee.full_name, DealMove.to_stage)
    )
    for owner_id, name, stage, count in await session.execute(closed):
        for figures in (row(owner_id, name), total):
            if stage is D.WON:
                figures.won += int(count)
            else:
                figures.lost += int(count)

    stays_ended = await session.execute(_stays(session, viewer, within))
    for owner_id, name, stage, count, seconds in stays_ended:
        for figures in (row(owner_id, name), total):
            stays = figures.stays[stage]
            stays.count += int(count)
            stays.seconds += as_decimal(seconds)

    ordered = sorted(
        rows.values(), key=lambda r: (r.owner_id is None, r.name or "", r.owner_id or 0)
    )
    return WinFigures(ordered, total)


def _stays(session: AsyncSession, viewer: Any, within: Period) -> Any:
    """Per owner and stage, the stays that ended in ``within``: how many, their seconds."""
    # Only the deals with a move in the period have a stay ending in it (ix_deal_moves_at).
    moved = (
        select(DealMove.deal_id)
        .join(Deal, Deal.id == DealMove.deal_id)
        .where(visible_deals(viewer), within.holds(DealMove.moved_at))
    )
    history = (
        select(
            DealMove.deal_id,
            DealMove.from_stage,
            DealMove.moved_at,
            # The move before this one of the same deal: the one that brought it to from_stage.
            func.lag(DealMove.moved_at)
            .over(partition_by=DealMove.deal_id, order_by=(DealMove.moved_at, DealMove.id))
            .label("entered"),
        )
        .where(DealMove.deal_id.in_(moved))
        .subquery()
    )
    return (
        select(
            Deal.owner_id,
            Employee.full_name,
            history.c.from_stage,
            func.count(),
            func.sum(seconds_between(session, history.c.entered, history.c.moved_at)),
        )
        .select_from(history)
        .join(Deal, Deal.id == history.c.deal_id)
        .outerjoin(Employee, Employee.id == Deal.owner_id)
        .where(
            history.c.from_stage.in_(OPEN_STAGES),
            history.c.entered.is_not(None),
            within.holds(history.c.moved_at),
        )
        .group_by(Deal.owner_id, Employee.full_name, history.c.from_stage)
    )
