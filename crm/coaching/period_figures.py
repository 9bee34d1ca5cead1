"""The period's report (``/reports/period``): the coaching sessions held and their revenue, by
coach, by branch and by product, for owners and administrators. The definitions are
crm/coaching/periods.py's."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    case,
    func,
    literal,
    select,
    union_all,
)
from sqlalchemy.ext.asyncio import AsyncSession

from crm.money import cents
from crm.periods import Period, as_decimal, as_real
from crm.permissions import Actor, require_manager
from crm.visibility import visible_clients, visible_sessions
from db.enums import SessionStatus
from db.models import (
    Client,
    ClientProduct,
    CoachingSession,
    CoachProfile,
    Contract,
    Department,
    Employee,
    Product,
)

S = SessionStatus


# Per period ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class RevenueRow:
    key: int | None  # the coach's, branch's or product's id; None: none
    name: str | None
    sessions: int  # sessions held
    sales: int  # products sold
    revenue: Decimal  # to the cent
    exact: Decimal  # unrounded, for the totals


@dataclass(frozen=True)
class PeriodFigures:
    by_coach: list[RevenueRow]
    by_branch: list[RevenueRow]
    by_product: list[RevenueRow]

    @property
    def sessions(self) -> int:
        return sum(row.sessions for row in self.by_coach)

    @property
    def sales(self) -> int:
        return sum(row.sales for row in self.by_coach)

    @property
    def revenue(self) -> Decimal:
        return cents(sum((row.exact for row in self.by_coach), Decimal(0)))


def session_value() -> ColumnElement[Any]:
    """What a session held is worth (see the module's text): needs the session's contract and
    its coach's profile joined."""
    return case(
        (
            CoachingSession.contract_id.is_not(None) & (Contract.lessons > 0),
            as_real(Contract.total) / Contract.lessons,
        ),
        (CoachingSession.product_id.is_not(None), 0.0),
        else_=as_real(func.coalesce(CoachProfile.hourly_rate, 0)) * CoachingSession.minutes / 60.0,
    )


async def period_figures(session: AsyncSession, *, actor: Actor, within: Period) -> PeriodFigures:
    """Sessions held and revenue in ``within``, by coach, by branch (the coach's department) and
    by product; for owners and administrators."""
    viewer = require_manager(actor)  # a period's sessions and revenue
    held = (
        select(
            CoachingSession.coach_id.label("employee_id"),
            CoachingSession.product_id.label("product_id"),
            literal(1).label("held"),
            literal(0).label("sold"),
            session_value().label("value"),
        )
        .outerjoin(Contract, Contract.id == CoachingSession.contract_id)
        .outerjoin(CoachProfile, CoachProfile.employee_id == CoachingSession.coach_id)
        .where(
            visible_sessions(viewer),
            CoachingSession.status == S.DONE,
            within.holds(CoachingSession.starts_at),
        )
    )
    sold = select(
        ClientProduct.sold_by_id,
        ClientProduct.product_id,
        literal(0),
        literal(1),
        as_real(ClientProduct.price),
    ).where(
        ClientProduct.client_id.in_(select(Client.id).where(visible_clients(viewer))),
        within.holds(ClientProduct.bought_at),
    )
    money = union_all(held, sold).subquery()
    who = Employee.__table__.alias("who")

    async def grouped(key: Any, name: Any, query: Select[Any, Any]) -> list[RevenueRow]:
        found = await session.execute(
            query.add_columns(
                func.sum(money.c.held), func.sum(money.c.sold), func.sum(money.c.value)
            )
            .group_by(key, name)
            .order_by(func.sum(money.c.value).desc(), name)
        )
        return [
            RevenueRow(
                row_key, row_name, int(held), int(sold), cents(as_decimal(value)), as_decimal(value)
            )
            for row_key, row_name, held, sold, value in found
        ]

    by_coach = await grouped(
        who.c.id,
        who.c.full_name,
        select(who.c.id, who.c.full_name)
        .select_from(money)
        .outerjoin(who, who.c.id == money.c.employee_id),
    )
    by_branch = await grouped(
        Department.id,
        Department.name,
        select(Department.id, Department.name)
        .select_from(money)
        .outerjoin(who, who.c.id == money.c.employee_id)
        .outerjoin(Department, Department.id == who.c.department_id),
    )
    by_product = await grouped(
        Product.id,
        Product.name,
        select(Product.id, Product.name)
        .select_from(money)
        .outerjoin(Product, Product.id == money.c.product_id),
    )
    return PeriodFigures(by_coach, by_branch, by_product)
