"""The sales pipeline on a large database: the deal board and list of ``crm.sales`` against the
same page and count in hand-written SQL, as an administrator and as a salesperson (who sees only
their own deals), for ``python -m bench.listing``.

The deals are made inside the database, as the contracts are: ``--rows`` deals over two years
(more lately) owned by employees 2-50, for 20,000 clients and a company each of ``--rows`` / 5
companies; deals of the last quarter mostly open, older ones mostly won (30%) or lost (45%).
The board's column heads are the kept totals (``deal_totals``), rebuilt once after the fill.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import BindParameter, Date, Numeric, bindparam, func, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from bench.common import CLIENTS, Area, Case, fill_in_chunks, fill_people, moment, numbers
from crm.sales.deals import recount_totals
from crm.sales.listing import DealFilter, list_deals
from crm.sales.pipeline import BOARD_CARDS, columns
from crm.sales.rules import PIPELINE
from db.engine import Database
from db.enums import DealStage, Role
from db.models import Company, Deal, Employee

PAGE_SIZE = 50
COUNT_CAP = 10_000

# Employees 2..50 of bench.listing's 50 sell (employee 1 is the administrator).
FIRST_OWNER, OWNERS = 2, 49
TWO_YEARS = 730 * 86_400
INDUSTRIES = ("Software", "Retail", "Logistics", "Education", "Health", "Finance", "Energy")

_COMPANIES_SQL = (
    "{numbers} INSERT INTO companies (name, industry, website, created_at, updated_at)"
    " SELECT 'Company ' || n, CASE n % 7 {industries} END, 'https://company' || n || '.example',"
    " {start}, {start} FROM seq"
)

_HASHED = """
    SELECT n,
           (n * 7919) % 1000003 AS h1, (n * 104729) % 1000003 AS h2,
           (n * 15485863) % 1000003 AS h3, (n * 179424673) % 1000003 AS h4,
           CAST({span} * ((n * 1.0 / {count}) * (2 - n * 1.0 / {count})) AS INTEGER) AS offset_s
    FROM seq
"""
# The last quarter's deals mostly open, older ones mostly closed.
_STAGE_OF = """CASE
    WHEN offset_s >= {span} - 90 * 86400 THEN
        CASE WHEN h4 % 100 < 30 THEN 'new' WHEN h4 % 100 < 50 THEN 'qualified'
             WHEN h4 % 100 < 65 THEN 'proposal' WHEN h4 % 100 < 75 THEN 'negotiation'
             WHEN h4 % 100 < 88 THEN 'won' ELSE 'lost' END
    ELSE CASE WHEN h4 % 100 < 30 THEN 'won' WHEN h4 % 100 < 75 THEN 'lost'
              WHEN h4 % 100 < 85 THEN 'new' WHEN h4 % 100 < 92 THEN 'qualified'
              WHEN h4 % 100 < 97 THEN 'proposal' ELSE 'negotiation' END
    END"""
_COLUMNS = (
    "name, client_id, company_id, value, currency, stage, owner_id, expected_close,"
    " lost_reason, closed_at, created_at, updated_at"
)


def _deals_sql(dialect: str, count: int, companies: int) -> str:
    created = moment(dialect, "offset_s")
    closing = (
        f"date({created}, '+' || (30 + h3 % 90) || ' days')"
        if dialect == "sqlite"
        else f"CAST({created} + make_interval(days => CAST(30 + h3 % 90 AS int)) AS date)"
    )
    values = f"""
        'Deal ' || n, 1 + h1 % {CLIENTS}, 1 + h2 % {companies},
        CAST(500 + h3 % 49500 AS NUMERIC(12, 2)), 'EUR', stage, {FIRST_OWNER} + h2 % {OWNERS},
        {closing}, CASE WHEN stage = 'lost' THEN 'Chose a competitor' END,
        CASE WHEN stage IN ('won', 'lost') THEN {created} END, {created}, {created}
    """
    shaped = (
        f"SELECT n, h1, h2, h3, offset_s, {_STAGE_OF.format(span=TWO_YEARS)} AS stage"
        f" FROM ({_HASHED.format(span=TWO_YEARS, count=count)}) AS hashed"
    )
    return f"{numbers(dialect)} INSERT INTO deals ({_COLUMNS}) SELECT {values} FROM ({shaped}) AS d"


async def _count(session: AsyncSession, entity: type[Company] | type[Deal]) -> int:
    return int(await session.scalar(select(func.count()).select_from(entity)) or 0)


async def fill(database: Database, count: int) -> None:
    """The people, ``count`` / 5 companies and ``count`` deals, unless they are there already;
    then the board's totals."""
    await fill_people(database)
    dialect = "sqlite" if database.is_sqlite else "postgresql"
    start = (datetime.now(UTC) - timedelta(seconds=TWO_YEARS)).replace(second=0, microsecond=0)
    companies = max(count // 5, 1)
    industries = " ".join(f"WHEN {n} THEN '{name}'" for n, name in enumerate(INDUSTRIES))
    companies_sql = _COMPANIES_SQL.format(
        numbers=numbers(dialect), industries=industries, start=moment(dialect, "0")
    )

    async def have_companies(session: AsyncSession) -> int:
        return await _count(session, Company)

    async def have_deals(session: AsyncSession) -> int:
        return await _count(session, Deal)

    await fill_in_chunks(database, "companies", companies, [companies_sql], start, have_companies)
    async with database.reader() as session:
        fresh = await have_deals(session) == 0
    await fill_in_chunks(
        database, "deals", count, [_deals_sql(dialect, count, companies)], start, have_deals
    )
    if fresh:
        async with database.writer() as session, session.begin():
            await recount_totals(session)


# Each filter in the raw SQL.
_RAW_CONDITIONS = {
    "stage": "d.stage = :stage",
    "owner_id": "d.owner_id = :owner_id",
    "company_id": "d.company_id = :company_id",
    "value_from": "d.value >= :value_from",
    "value_to": "d.value <= :value_to",
    "close_from": "d.expected_close >= :close_from",
    "close_to": "d.expected_close <= :close_to",
}


# The filters bound as the database keeps them (money as NUMERIC, days as DATE).
_TYPES: dict[str, Numeric[Decimal] | Date] = {
    "value_from": Numeric(12, 2),
    "value_to": Numeric(12, 2),
    "close_from": Date(),
    "close_to": Date(),
}


@dataclass(frozen=True)
class Wanted:
    """A list's filters, as a person would set them on the page."""

    stage: DealStage | None = None
    owner_id: int | None = None
    company_id: int | None = None
    value_from: Decimal | None = None
    value_to: Decimal | None = None
    close_from: date | None = None
    close_to: date | None = None

    def given(self) -> dict[str, Any]:
        """The filters set, by name."""
        return {
            name: getattr(self, name) for name in _RAW_CONDITIONS if getattr(self, name) is not None
        }


def scenarios(today: date, owner: Employee) -> list[tuple[str, bool, Wanted]]:
    """(name, as the salesperson?, filters): the shapes of filter the deal list offers."""
    quarter = Wanted(close_from=today, close_to=today + timedelta(days=90))
    return [
        ("all", False, Wanted()),
        ("stage negotiation", False, Wanted(stage=DealStage.NEGOTIATION)),
        ("stage won", False, Wanted(stage=DealStage.WON)),
        ("one owner", False, Wanted(owner_id=owner.id)),
        ("one company", False, Wanted(company_id=1234)),
        ("value 40,000 and up", False, Wanted(value_from=Decimal(40_000))),
        ("closing this quarter", False, quarter),
        (
            "combined",
            False,
            Wanted(stage=DealStage.PROPOSAL, owner_id=owner.id, value_from=Decimal(10_000)),
        ),
        ("all", True, Wanted()),
        ("stage qualified", True, Wanted(stage=DealStage.QUALIFIED)),
        ("closing this quarter", True, quarter),
        ("combined", True, replace(quarter, stage=DealStage.NEW, value_to=Decimal(20_000))),
    ]


async def service_page(session: AsyncSession, actor: Employee, wanted: Wanted) -> int:
    """The site's list: ``list_deals`` with the same filters."""
    found = await list_deals(
        session,
        actor,
        DealFilter(
            stages=(wanted.stage,) if wanted.stage else (),
            owner=str(wanted.owner_id or ""),
            company_id=wanted.company_id,
            value_from=wanted.value_from,
            value_to=wanted.value_to,
            close_from=wanted.close_from,
            close_to=wanted.close_to,
        ),
    )
    return len(found.deals)


def _where(actor: Employee, wanted: Wanted) -> tuple[str, dict[str, Any]]:
    given = wanted.given()
    conditions = [_RAW_CONDITIONS[name] for name in given]
    params: dict[str, Any] = {
        name: value.value if isinstance(value, DealStage) else value
        for name, value in given.items()
    }
    if actor.role is Role.SPECIALIST:
        conditions.append("d.owner_id = :me")
        params["me"] = actor.id
    return (f"WHERE {' AND '.join(conditions)}" if conditions else ""), params


_CARD_COLUMNS = (
    "d.id, d.name, d.value, d.currency, d.stage, d.expected_close, d.created_at,"
    " cl.full_name, co.name, o.full_name FROM deals d"
    " LEFT JOIN clients cl ON cl.id = d.client_id LEFT JOIN companies co ON co.id = d.company_id"
    " LEFT JOIN employees o ON o.id = d.owner_id"
)


async def raw_page(session: AsyncSession, actor: Employee, wanted: Wanted) -> int:
    """The same page and count in hand-written SQL, fetched as tuples."""
    where, params = _where(actor, wanted)
    page = text(
        f"SELECT {_CARD_COLUMNS} {where} ORDER BY d.created_at DESC, d.id DESC"
        f" LIMIT {PAGE_SIZE + 1}"
    )
    count = text(
        f"SELECT count(*) FROM (SELECT d.id FROM deals d {where} LIMIT {COUNT_CAP + 1}) AS n"
    )
    typed: list[BindParameter[Any]] = [
        bindparam(name, type_=_TYPES[name]) for name in params if name in _TYPES
    ]
    rows = (await session.execute(page.bindparams(*typed), params)).all()
    await session.execute(count.bindparams(*typed), params)
    return len(rows[:PAGE_SIZE])


async def service_board(session: AsyncSession, actor: Employee) -> int:
    """The site's board: every column's head and newest cards."""
    return sum(len(column.deals) for column in await columns(session, actor))


async def raw_board(session: AsyncSession, actor: Employee) -> int:
    """The same heads (from the kept totals) and cards in hand-written SQL."""
    mine = "WHERE owner_id = :me" if actor.role is Role.SPECIALIST else ""
    await session.execute(
        text(
            "SELECT stage, currency, sum(count), sum(value) FROM deal_totals"
            f" {mine} GROUP BY stage, currency"
        ),
        {"me": actor.id},
    )
    shown = 0
    for stage in PIPELINE:
        where = "WHERE d.stage = :stage" + (" AND d.owner_id = :me" if mine else "")
        rows = await session.execute(
            text(
                f"SELECT {_CARD_COLUMNS} {where} ORDER BY d.created_at DESC, d.id DESC"
                f" LIMIT {BOARD_CARDS}"
            ),
            {"stage": stage.value, "me": actor.id},
        )
        shown += len(rows.all())
    return shown


@asynccontextmanager
async def cases(database: Database, url: str) -> AsyncIterator[list[Case]]:
    """The board and each filter of the list, as an administrator and as a salesperson."""
    async with database.reader() as session:
        admin = await session.get(Employee, 1)
        owner = await session.get(Employee, FIRST_OWNER + 10)
    assert admin is not None and owner is not None

    def case(name: str, actor: Employee, wanted: Wanted | None) -> Case:
        async def service() -> int:
            async with database.reader() as session:
                if wanted is None:
                    return await service_board(session, actor)
                return await service_page(session, actor, wanted)

        async def raw() -> int:
            async with database.reader() as session:
                if wanted is None:
                    return await raw_board(session, actor)
                return await raw_page(session, actor, wanted)

        return Case(name, service, raw)

    today = datetime.now(UTC).date()
    yield [
        case("admin: the board", admin, None),
        case("salesperson: the board", owner, None),
    ] + [
        case(f"{'salesperson' if mine else 'admin'}: {name}", owner if mine else admin, wanted)
        for name, mine, wanted in scenarios(today, owner)
    ]


AREA = Area(
    name="deals",
    measured="crm.sales.listing.list_deals and crm.sales.pipeline.columns (the board)",
    baseline="the same page (or columns) and count in raw SQL",
    fill=fill,
    cases=cases,
)
