"""The pipeline report (``/reports/pipeline``): the open deals the viewer may see, per stage and
per owner: how many, their value and their weighted forecast, in each currency.

The definitions, said once here and on the page:

- a deal is in the pipeline while it is open (``new``, ``qualified``, ``proposal``,
  ``negotiation``); with a period, only the deals created in it;
- the *weighted forecast* of a deal is its value times the chance a deal at its stage is won
  (``WIN_CHANCE`` in crm/sales/rules.py), summed and rounded to the cent per row;
- amounts in different currencies are never added together: each currency has its own figures;
- the owner is the deal's owner now.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from crm.money import cents
from crm.periods import Period, as_decimal
from crm.permissions import Actor, require_staff
from crm.sales.rules import OPEN_STAGES, PIPELINE, WIN_CHANCE
from crm.visibility import visible_deals
from db.enums import DealStage
from db.models import Deal, Employee

# The open stages in the board's order.
OPEN_PIPELINE = tuple(stage for stage in PIPELINE if stage in OPEN_STAGES)


@dataclass
class Tally:
    """How many deals, their value and their weighted forecast, per currency (to the cent once
    ``rounded``)."""

    counts: dict[str, int] = field(default_factory=dict)
    value: dict[str, Decimal] = field(default_factory=dict)
    forecast: dict[str, Decimal] = field(default_factory=dict)

    @property
    def count(self) -> int:
        """The deals of every currency."""
        return sum(self.counts.values())

    def add(self, count: int, currency: str, value: Decimal, forecast: Decimal) -> None:
        self.counts[currency] = self.counts.get(currency, 0) + count
        self.value[currency] = self.value.get(currency, Decimal(0)) + value
        self.forecast[currency] = self.forecast.get(currency, Decimal(0)) + forecast

    def rounded(self) -> Tally:
        return Tally(
            dict(sorted(self.counts.items())),
            {currency: cents(value) for currency, value in sorted(self.value.items())},
            {currency: cents(value) for currency, value in sorted(self.forecast.items())},
        )


@dataclass(frozen=True)
class StageRow:
    stage: DealStage
    chance: Decimal  # WIN_CHANCE of the stage
    tally: Tally


@dataclass(frozen=True)
class OwnerRow:
    owner_id: int | None  # None: deals nobody owns
    name: str | None
    tally: Tally


@dataclass(frozen=True)
class PipelineFigures:
    by_stage: list[StageRow]  # every open stage, in the pipeline's order
    by_owner: list[OwnerRow]  # owners with open deals, by name; nobody's last
    total: Tally

    @property
    def currencies(self) -> list[str]:
        return sorted(self.total.value)


async def pipeline_figures(
    session: AsyncSession, *, actor: Actor, created: Period | None = None
) -> PipelineFigures:
    """The open deals ``actor`` may see (created in ``created``, when given): count, value and
    weighted forecast per stage, per owner and in total, each per currency."""
    viewer = require_staff(actor)
    query = (
        select(
            Deal.stage,
            Deal.owner_id,
            Employee.full_name,
            Deal.currency,
            func.count(),
            func.sum(Deal.value),
        )
        .outerjoin(Employee, Employee.id == Deal.owner_id)
        .where(visible_deals(viewer), Deal.stage.in_(OPEN_STAGES))
        .group_by(Deal.stage, Deal.owner_id, Employee.full_name, Deal.currency)
    )
    if created is not None:
        query = query.where(created.holds(Deal.created_at))
    stages = {stage: Tally() for stage in OPEN_PIPELINE}
    owners: dict[int | None, Tally] = defaultdict(Tally)
    names: dict[int | None, str | None] = {None: None}
    total = Tally()
    for stage, owner_id, name, currency, count, value in await session.execute(query):
        exact = as_decimal(value)
        forecast = exact * WIN_CHANCE[stage]
        for tally in (stages[stage], owners[owner_id], total):
            tally.add(int(count), currency, exact, forecast)
        names[owner_id] = name
    by_owner = [
        OwnerRow(owner_id, names[owner_id], tally.rounded())
        for owner_id, tally in sorted(
            owners.items(), key=lambda item: (item[0] is None, names[item[0]] or "", item[0] or 0)
        )
    ]
    return PipelineFigures(
        [StageRow(stage, WIN_CHANCE[stage], stages[stage].rounded()) for stage in OPEN_PIPELINE],
        by_owner,
        total.rounded(),
    )
