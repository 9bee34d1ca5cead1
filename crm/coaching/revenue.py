"""The business's revenue over a period, defined once across its areas (the language school's
contracts, the coaching practice's sessions and products) and counted two ways, said here and
on the page ("Sessions and revenue"):

- *received*: the money taken in the period: payments recorded on contracts (a payment taken
  back counts less), and products sold (a product is paid when it is sold), at their price;
- *earned*: the work done in the period: each lesson given is worth its contract's lesson
  price (the total, discount included, over its lessons); each coaching session held is worth
  what ``crm.coaching.period_figures`` says (a contract's lesson price, else the coach's hourly rate
  times its hours; one under a product nothing, for the product's sale counts when it is sold).

Owners and administrators see it, over what they may see (``crm/visibility.py``).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import Float, cast, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from crm.coaching.period_figures import period_figures
from crm.i18n import N_
from crm.money import cents
from crm.periods import Period, as_decimal
from crm.permissions import Actor, require_manager
from crm.visibility import visible_clients, visible_contracts
from db.models import Client, ClientProduct, Contract, Lesson, Payment

AREA_NAMES = {"school": N_("School"), "coaching": N_("Coaching (sessions and products)")}


@dataclass(frozen=True)
class AreaRevenue:
    """One area's revenue in the period."""

    area: str  # "school" or "coaching" (``AREA_NAMES``)
    received: Decimal
    earned: Decimal


@dataclass(frozen=True)
class Revenue:
    """The business's revenue in the period, by area."""

    areas: list[AreaRevenue]

    @property
    def received(self) -> Decimal:
        return cents(sum((area.received for area in self.areas), Decimal(0)))

    @property
    def earned(self) -> Decimal:
        return cents(sum((area.earned for area in self.areas), Decimal(0)))


async def business_revenue(session: AsyncSession, *, actor: Actor, within: Period) -> Revenue:
    """Received and earned in ``within``, for the school and the coaching (owners and
    administrators)."""
    viewer = require_manager(actor)
    paid = await session.scalar(
        select(func.sum(Payment.amount))
        .join(Contract, Contract.id == Payment.contract_id)
        .where(visible_contracts(viewer), within.holds(Payment.paid_at))
    )
    taught = await session.scalar(
        select(func.sum(cast(Contract.total, Float) / Contract.lessons))
        .select_from(Lesson)
        .join(Contract, Contract.id == Lesson.contract_id)
        .where(visible_contracts(viewer), Contract.lessons > 0, within.holds(Lesson.given_at))
    )
    sold = await session.scalar(
        select(func.sum(ClientProduct.price)).where(
            ClientProduct.client_id.in_(select(Client.id).where(visible_clients(viewer))),
            within.holds(ClientProduct.bought_at),
        )
    )
    coaching = await period_figures(session, actor=viewer, within=within)
    return Revenue(
        [
            AreaRevenue("school", cents(as_decimal(paid)), cents(as_decimal(taught))),
            AreaRevenue("coaching", cents(as_decimal(sold)), coaching.revenue),
        ]
    )
