"""The period a report covers, and the SQL pieces the reports' figures share (seconds between
two moments in this database's SQL, aggregates as Decimals, a conditional count).

A period is whole days in the business time zone (``CRM_TIMEZONE``): this month by default, at
most a year. The coaching reports (crm/coaching/*_figures.py) and the sales reports
(crm/sales/*_figures.py) read their period from here; each area says what is *in* it."""

from __future__ import annotations

from calendar import monthrange
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import (
    ColumnElement,
    Float,
    and_,
    case,
    cast,
    func,
)
from sqlalchemy.ext.asyncio import AsyncSession

from crm.errors import InvalidInput
from crm.i18n import N_
from crm.keyset import day_start

# The longest period a report covers: a year (and a day, for a leap year).
MAX_PERIOD_DAYS = 366
SECONDS_PER_DAY = 86400


@dataclass(frozen=True)
class Period:
    """Whole days ``first`` to ``last`` (both included) in ``zone``."""

    first: date
    last: date
    zone: ZoneInfo

    @property
    def since(self) -> datetime:
        return day_start(self.first, self.zone)

    @property
    def until(self) -> datetime:
        """The first moment after the period."""
        return day_start(self.last + timedelta(days=1), self.zone)

    def holds(self, column: Any) -> ColumnElement[bool]:
        return and_(column >= self.since, column < self.until)


def period(first: date | None, last: date | None, *, zone: ZoneInfo, now: datetime) -> Period:
    """The period a report's filter asks for: by default this month (in ``zone``); with one end
    only, the month of that end; refused when it ends before it starts or spans over a year."""
    anchor = first or last or now.astimezone(zone).date()
    if first is None:
        first = anchor.replace(day=1)
    if last is None:
        last = anchor.replace(day=monthrange(anchor.year, anchor.month)[1])
    if first > last:
        raise InvalidInput(N_("the start date is after the end date"), field="from")
    if (last - first).days + 1 > MAX_PERIOD_DAYS:
        raise InvalidInput(
            N_("a report covers at most {days} days; choose a shorter period"),
            field="to",
            days=MAX_PERIOD_DAYS,
        )
    return Period(first, last, zone)


def seconds_between(session: AsyncSession, start: Any, end: Any) -> ColumnElement[Any]:
    """The seconds from ``start`` to ``end``, two timestamps, in this database's SQL."""
    if session.get_bind().dialect.name == "sqlite":
        return (func.julianday(end) - func.julianday(start)) * SECONDS_PER_DAY
    return func.extract("epoch", end - start)


def as_decimal(value: Any) -> Decimal:
    """An aggregate as a Decimal: SQLite answers floats, PostgreSQL Decimals."""
    return Decimal(0) if value is None else Decimal(str(value))


def as_real(value: Any) -> ColumnElement[Any]:
    # SQLite keeps whole amounts as integers and would divide them as integers.
    return cast(value, Float)


def count_if(condition: ColumnElement[bool]) -> ColumnElement[Any]:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)
