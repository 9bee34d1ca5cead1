"""The school's contract listing on a large database: the ORM path against the raw SQL.

Run through ``python -m bench.listing --area contracts``. Fills the contracts (once; they are
kept for the next run) inside the database itself: ``INSERT … SELECT`` over a recursive CTE on
SQLite, over ``generate_series`` on PostgreSQL, so a million rows take seconds, not minutes.
Then it times each filter as an administrator and as a teacher, two ways:

- ``orm``: what a listing service does. ``crm/school/listing.py``'s ``list_contracts`` when
  that module exists with the expected interface (see ``_service_page``); otherwise the plain
  SQLAlchemy select: ``visible_contracts(actor)`` + the filters, newest first, 51 rows with
  their client, language, teacher and branch (``selectinload``), and a count capped at 10,000,
  as the ticket listing does;
- ``raw``: the same page and capped count as hand-written SQL, one join, rows as tuples.

The bars are those of the ticket listing: p95 under 50 ms, and at most 3x the raw query.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, func, insert, select, text
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload, selectinload

from bench.common import percentile
from crm.visibility import visible_contracts
from db.base import UTCDateTime
from db.engine import Database
from db.enums import ContractStatus
from db.models import Contract, Employee, Language, teacher_languages

PAGE_SIZE = 50
COUNT_CAP = 10_000
CHUNK = 100_000
# (name, price per lesson); contracts pick them with weights in _LANGUAGE_OF.
LANGUAGES = [
    ("English", 22),
    ("French", 25),
    ("German", 24),
    ("Spanish", 21),
    ("Italian", 26),
    ("Chinese", 30),
    ("Japanese", 32),
    ("Arabic", 28),
]
# Employees 2..49 of bench.listing's 50 teach: employee e teaches language (e - 2) % 8 + 1.
FIRST_TEACHER, TEACHERS_PER_LANGUAGE = 2, 6
TWO_YEARS = 730 * 86_400

# One contract per number n, its attributes from hashes of n (the same on both databases):
# h(n, p) = n * p mod 1000003, a prime; signed over two years, more of them lately (the share
# of the span is x(2 - x) for x = n / count, so ids follow dates as in real life).
_HASHED = """
    SELECT n,
           (n * 7919) % 1000003 AS h1, (n * 104729) % 1000003 AS h2,
           (n * 15485863) % 1000003 AS h3, (n * 179424673) % 1000003 AS h4,
           (n * 982451653) % 1000003 AS h5,
           CAST({span} * ((n * 1.0 / {count}) * (2 - n * 1.0 / {count})) AS INTEGER) AS offset_s
    FROM seq
"""
_LANGUAGE_OF = """CASE WHEN h2 % 100 < 35 THEN 1 WHEN h2 % 100 < 55 THEN 2
    WHEN h2 % 100 < 70 THEN 3 WHEN h2 % 100 < 80 THEN 4 WHEN h2 % 100 < 87 THEN 5
    WHEN h2 % 100 < 93 THEN 6 WHEN h2 % 100 < 97 THEN 7 ELSE 8 END"""
# Old contracts are mostly over, this season's mostly running.
_STATUS_OF = """CASE
    WHEN offset_s < {span} - 365 * 86400 THEN
        CASE WHEN h4 % 100 < 15 THEN 'terminated' ELSE 'completed' END
    WHEN offset_s < {span} - 60 * 86400 THEN
        CASE WHEN h4 % 100 < 5 THEN 'unpaid' WHEN h4 % 100 < 15 THEN 'terminated'
             WHEN h4 % 100 < 50 THEN 'active' ELSE 'completed' END
    ELSE CASE WHEN h4 % 100 < 40 THEN 'unpaid' WHEN h4 % 100 < 45 THEN 'terminated'
              ELSE 'active' END
    END"""
_SHAPED = f"""
    SELECT n, h1, h5, offset_s, {_LANGUAGE_OF} AS language_id,
           CASE WHEN h3 % 10 < 4 THEN 8 WHEN h3 % 10 < 7 THEN 16
                WHEN h3 % 10 < 9 THEN 32 ELSE 64 END AS lessons,
           {_STATUS_OF} AS status
    FROM ({_HASHED}) AS hashed
"""
_PRICED = f"""
    SELECT shaped.*, languages.price_per_lesson AS price,
           CASE WHEN lessons >= 64 THEN 15 WHEN lessons >= 32 THEN 10 ELSE 0 END AS discount,
           CASE WHEN status = 'unpaid' AND h5 % 2 = 0 THEN NULL
                ELSE {FIRST_TEACHER} + (language_id - 1) + 8 * (h5 % {TEACHERS_PER_LANGUAGE})
           END AS teacher_id
    FROM ({_SHAPED}) AS shaped JOIN languages ON languages.id = shaped.language_id
"""
_COLUMNS = (
    "client_id, language_id, lessons, price_per_lesson, discount_percent, total, paid, status,"
    " signed_at, teacher_id, branch_id, lessons_given, termination_reason, ended_at,"
    " created_at, updated_at"
)
_VALUES = """
    1 + h1 % {clients}, language_id, lessons, price, discount,
    ROUND(price * lessons * (100 - discount) / 100, 2),
    CASE WHEN status <> 'unpaid' THEN ROUND(price * lessons * (100 - discount) / 100, 2)
         WHEN h5 % 3 = 0 THEN ROUND(price * lessons * (100 - discount) / 200, 2) ELSE 0 END,
    status, {signed},
    teacher_id,
    CASE WHEN teacher_id IS NULL THEN 1 + h1 % {branches}
         ELSE (teacher_id - 1) % {branches} + 1 END,
    CASE WHEN status = 'completed' THEN lessons WHEN status = 'unpaid' THEN 0
         ELSE h5 % lessons END,
    CASE WHEN status = 'terminated' THEN 'Moved away' END,
    CASE WHEN status IN ('completed', 'terminated') THEN {ended} END,
    {signed}, {signed}
"""


def _insert_sql(dialect: str, count: int, clients: int, branches: int) -> str:
    """The ``INSERT … SELECT`` of contracts ``:first`` to ``:last`` of ``count``."""
    if dialect == "sqlite":
        seq = (
            "WITH RECURSIVE seq(n) AS (SELECT :first UNION ALL SELECT n + 1 FROM seq "
            "WHERE n < :last)"
        )

        def moment(seconds: str) -> str:
            # As SQLAlchemy writes a datetime in SQLite: microseconds, no zone (UTC).
            shifted = f"strftime('%Y-%m-%d %H:%M:%S', :start, '+' || ({seconds}) || ' seconds')"
            return f"{shifted} || '.000000'"

        ended_seconds = f"MIN(offset_s + lessons * 302400, {TWO_YEARS - 3600})"
    else:
        seq = "WITH seq(n) AS (SELECT generate_series(CAST(:first AS bigint), :last))"

        def moment(seconds: str) -> str:
            return f"CAST(:start AS timestamptz) + make_interval(secs => {seconds})"

        ended_seconds = f"LEAST(offset_s + lessons * 302400, {TWO_YEARS - 3600})"
    values = _VALUES.format(
        clients=clients,
        branches=branches,
        signed=moment("offset_s"),
        ended=moment(ended_seconds),
    )
    # _HASHED's and _STATUS_OF's placeholders are left in the text by the f-strings around them.
    select_sql = _PRICED.format(span=TWO_YEARS, count=count)
    return f"{seq} INSERT INTO contracts ({_COLUMNS}) SELECT {values} FROM ({select_sql}) AS priced"


async def fill_contracts(
    database: Database, contracts: int, *, clients: int, branches: int, progress: Any
) -> None:
    """The school's catalog and ``contracts`` contracts, unless they are there already; the
    people (bench.listing's employees, clients and departments) must be there."""
    async with database.reader() as session:
        have = int(await session.scalar(select(func.count()).select_from(Contract)) or 0)
    if have >= contracts:
        print(f"database already holds {have:,} contracts", file=sys.stderr)
        return
    if have:
        raise SystemExit("the database holds a different number of contracts; use a new one")
    async with database.writer() as session, session.begin():
        await session.execute(
            insert(Language),
            [
                {"name": name, "price_per_lesson": price, "active": True}
                for name, price in LANGUAGES
            ],
        )
        teachers = range(FIRST_TEACHER, FIRST_TEACHER + len(LANGUAGES) * TEACHERS_PER_LANGUAGE)
        await session.execute(
            insert(teacher_languages),
            [
                {"employee_id": teacher, "language_id": (teacher - FIRST_TEACHER) % 8 + 1}
                for teacher in teachers
            ],
        )
    dialect = "sqlite" if database.is_sqlite else "postgresql"
    sql = text(_insert_sql(dialect, contracts, clients, branches))
    start = datetime.now(UTC) - timedelta(seconds=TWO_YEARS)
    start_param: Any = start.strftime("%Y-%m-%d %H:%M:%S") if dialect == "sqlite" else start
    for first in range(1, contracts + 1, CHUNK):
        last = min(first + CHUNK - 1, contracts)
        async with database.writer() as session, session.begin():
            await session.execute(sql, {"first": first, "last": last, "start": start_param})
        progress("contracts", last, contracts)


# Each filter in the raw SQL.
_RAW_CONDITIONS = {
    "status": "c.status = :status",
    "teacher_id": "c.teacher_id = :teacher_id",
    "language_id": "c.language_id = :language_id",
    "branch_id": "c.branch_id = :branch_id",
    "client_id": "c.client_id = :client_id",
    "signed_from": "c.signed_at >= :signed_from",
    "signed_before": "c.signed_at < :signed_before",
}


@dataclass(frozen=True)
class Wanted:
    """A listing's filters, as a person would set them on the page."""

    status: ContractStatus | None = None
    teacher_id: int | None = None
    language_id: int | None = None
    branch_id: int | None = None
    client_id: int | None = None
    signed_from: datetime | None = None  # midnight UTC of the first day
    signed_before: datetime | None = None  # midnight UTC after the last day

    def given(self) -> dict[str, Any]:
        """The filters set, by name."""
        return {
            name: getattr(self, name) for name in _RAW_CONDITIONS if getattr(self, name) is not None
        }


def scenarios(today: datetime, teacher: Employee) -> list[tuple[str, bool, Wanted]]:
    """(name, as the teacher?, filters): the shapes of filter the contracts page offers."""
    day = today.replace(hour=0, minute=0, second=0, microsecond=0)
    month = Wanted(signed_from=day - timedelta(days=30))
    year_ago = Wanted(
        signed_from=day - timedelta(days=395), signed_before=day - timedelta(days=365)
    )
    branch = (teacher.id - 1) % 5 + 1
    language = (teacher.id - FIRST_TEACHER) % 8 + 1
    return [
        ("all", False, Wanted()),
        ("status active", False, Wanted(status=ContractStatus.ACTIVE)),
        ("status terminated", False, Wanted(status=ContractStatus.TERMINATED)),
        ("one teacher", False, Wanted(teacher_id=teacher.id)),
        ("one language (7%)", False, Wanted(language_id=5)),
        ("one branch", False, Wanted(branch_id=3)),
        ("one client", False, Wanted(client_id=1234)),
        ("signed last 30 days", False, month),
        ("signed a year ago", False, year_ago),
        (
            "combined",
            False,
            Wanted(
                status=ContractStatus.ACTIVE,
                teacher_id=teacher.id,
                language_id=language,
                branch_id=branch,
                signed_from=day - timedelta(days=180),
            ),
        ),
        ("all", True, Wanted()),
        ("status active", True, Wanted(status=ContractStatus.ACTIVE)),
        ("their language", True, Wanted(language_id=language)),
        ("signed last 30 days", True, month),
        ("combined", True, replace(year_ago, status=ContractStatus.COMPLETED)),
    ]


def _orm_query(actor: Employee, wanted: Wanted) -> Any:
    query = select(Contract).where(visible_contracts(actor))
    for name, value in wanted.given().items():
        if name == "signed_from":
            query = query.where(Contract.signed_at >= value)
        elif name == "signed_before":
            query = query.where(Contract.signed_at < value)
        else:
            query = query.where(getattr(Contract, name) == value)
    return query


_SHOWN = (Contract.client, Contract.language, Contract.teacher, Contract.branch)


async def selectin_page(session: AsyncSession, actor: Employee, wanted: Wanted) -> int:
    """The plain SQLAlchemy listing as the ticket listing reads its rows: one page, then what
    its rows show (``selectinload``: a query each), then the capped count."""
    return await _orm_page(session, actor, wanted, [selectinload(shown) for shown in _SHOWN])


async def joined_page(session: AsyncSession, actor: Employee, wanted: Wanted) -> int:
    """The same with what the rows show joined into the page's query (``joinedload``)."""
    return await _orm_page(session, actor, wanted, [joinedload(shown) for shown in _SHOWN])


async def _orm_page(
    session: AsyncSession, actor: Employee, wanted: Wanted, options: list[Any]
) -> int:
    base = _orm_query(actor, wanted)
    page = list(
        await session.scalars(
            base.order_by(Contract.signed_at.desc(), Contract.id.desc())
            .options(*options)
            .limit(PAGE_SIZE + 1)
        )
    )
    capped = base.with_only_columns(Contract.id).order_by(None).limit(COUNT_CAP + 1).subquery()
    await session.scalar(select(func.count()).select_from(capped))
    return len(page[:PAGE_SIZE])


def _service_page() -> Callable[[AsyncSession, Employee, Wanted], Awaitable[int]] | None:
    """``crm.school.listing.list_contracts`` when it exists, with a ``ContractFilter`` of the
    expected fields (those of ``TicketFilter``'s shape: statuses, teacher, language_id,
    branch_id, client, signed_from, signed_to as days); None when it does not."""
    try:
        module = importlib.import_module("crm.school.listing")
    except ModuleNotFoundError:
        return None
    list_contracts = module.list_contracts
    contract_filter = module.ContractFilter

    async def page(session: AsyncSession, actor: Employee, wanted: Wanted) -> int:
        last_day = wanted.signed_before - timedelta(days=1) if wanted.signed_before else None
        found = await list_contracts(
            session,
            actor,
            contract_filter(
                statuses=(wanted.status,) if wanted.status else (),
                teacher=str(wanted.teacher_id or ""),
                language_id=wanted.language_id,
                branch_id=wanted.branch_id,
                client=str(wanted.client_id or ""),
                signed_from=wanted.signed_from.date() if wanted.signed_from else None,
                signed_to=last_day.date() if last_day else None,
            ),
        )
        return len(found.contracts)

    return page


async def raw_page(session: AsyncSession, actor: Employee, wanted: Wanted) -> int:
    """The same page and count in hand-written SQL, fetched as tuples."""
    given = wanted.given()
    conditions = [_RAW_CONDITIONS[name] for name in given]
    params: dict[str, Any] = {
        name: value.value if isinstance(value, ContractStatus) else value
        for name, value in given.items()
    }
    if actor.role.value == "specialist":
        conditions.append("c.teacher_id = :me")
        params["me"] = actor.id
    where = f"WHERE {' AND '.join(conditions)}" if conditions else ""
    page = text(
        "SELECT c.id, c.status, c.signed_at, c.lessons, c.lessons_given, c.total, c.paid,"
        " cl.full_name, l.name, t.full_name, d.name FROM contracts c"
        " JOIN clients cl ON cl.id = c.client_id JOIN languages l ON l.id = c.language_id"
        " LEFT JOIN employees t ON t.id = c.teacher_id"
        f" LEFT JOIN departments d ON d.id = c.branch_id {where}"
        f" ORDER BY c.signed_at DESC, c.id DESC LIMIT {PAGE_SIZE + 1}"
    )
    count = text(
        f"SELECT count(*) FROM (SELECT c.id FROM contracts c {where} LIMIT {COUNT_CAP + 1}) AS n"
    )
    moments = [bindparam(name, type_=UTCDateTime()) for name in params if name.startswith("signed")]
    rows = (await session.execute(page.bindparams(*moments), params)).all()
    await session.execute(count.bindparams(*moments), params)
    return len(rows[:PAGE_SIZE])


async def measure_contracts(
    database: Database,
    rounds: int,
    timed: Callable[[Callable[[], Awaitable[Any]], int], Awaitable[list[float]]],
) -> None:
    """Time each filter both ways and print the table and the worst figures."""
    async with database.reader() as session:
        admin = await session.get(Employee, 1)
        teacher = await session.get(Employee, FIRST_TEACHER + 8)  # teaches English
    assert admin is not None and teacher is not None
    service = _service_page()
    if service is not None:
        ways = [("service", service)]
        print("contracts: measured crm.school.listing.list_contracts against the raw SQL")
    else:
        ways = [("selectin", selectin_page), ("joined", joined_page)]
        print(
            "contracts: crm/school/listing.py does not exist yet; measured the plain select"
            " (visible_contracts + filters, newest first, 51 rows with their client, language,"
            " teacher and branch, and a count capped at 10,000) with selectinload and with"
            " joinedload, against the same in raw SQL"
        )
    rows = []
    for name, as_teacher, wanted in scenarios(datetime.now(UTC), teacher):
        actor = teacher if as_teacher else admin

        async def raw(actor: Employee = actor, wanted: Wanted = wanted) -> int:
            async with database.reader() as session:
                return await raw_page(session, actor, wanted)

        shown = await raw()
        timings = []
        for way, page in ways:

            async def through_orm(
                actor: Employee = actor, wanted: Wanted = wanted, page: Any = page
            ) -> int:
                async with database.reader() as session:
                    return int(await page(session, actor, wanted))

            assert await through_orm() == shown, f"{name}: {way} and raw SQL disagree"
            timings.append(await timed(through_orm, rounds))
        raw_ms = await timed(raw, rounds)
        rows.append((f"{'teacher' if as_teacher else 'admin'}: {name}", shown, timings, raw_ms))
    heads = [f"{way} {p}" for way, _ in ways for p in ("p50", "p95")] + ["raw p50", "raw p95"]
    heads += [f"x {way}" for way, _ in ways]
    print(f"{'filter':<30}{'rows':>5}" + "".join(f"{head:>13}" for head in heads))
    worst = dict.fromkeys((way for way, _ in ways), (0.0, 0.0))
    for name, shown, timings, raw_ms in rows:
        raw_p95 = max(percentile(raw_ms, 0.95), 1e-9)
        cells = [f"{percentile(ms, q):>11.1f}ms" for ms in timings for q in (0.5, 0.95)]
        cells += [f"{percentile(raw_ms, q):>11.1f}ms" for q in (0.5, 0.95)]
        ratios = [percentile(ms, 0.95) / raw_p95 for ms in timings]
        cells += [f"{ratio:>12.2f}x" for ratio in ratios]
        print(f"{name:<30}{shown:>5}" + "".join(cells))
        for (way, _), ms, ratio in zip(ways, timings, ratios, strict=True):
            p95, most = worst[way]
            worst[way] = (max(p95, percentile(ms, 0.95)), max(most, ratio))
    for way, (p95, ratio) in worst.items():
        print(
            f"contracts, {way}: worst p95 {p95:.1f} ms (target < 50 ms); worst ratio to raw SQL "
            f"{ratio:.2f}x (target <= 3x)"
        )
