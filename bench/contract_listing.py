"""The school's contract listing on a large database: the site's ``list_contracts`` against
the same page and count in hand-written SQL, as an administrator and as a teacher (who sees only
their own), for ``python -m bench.listing``.

The contracts are made inside the database: ``INSERT … SELECT`` over a recursive CTE on SQLite,
over ``generate_series`` on PostgreSQL, with 8 languages, 48 teachers, 5 branches and 20,000
clients, signed over two years (more lately), old ones mostly completed, this season's unpaid
or active. The raw SQL joins the page's client, language, teacher and branch in one query and
fetches tuples.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, func, insert, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from bench.common import (
    CLIENTS,
    DEPARTMENTS,
    Area,
    Case,
    fill_in_chunks,
    fill_people,
    moment,
    numbers,
)
from crm.school.listing import ContractFilter, list_contracts
from db.base import UTCDateTime
from db.engine import Database
from db.enums import ContractStatus
from db.models import Contract, Employee, Language, teacher_languages

PAGE_SIZE = 50
COUNT_CAP = 10_000
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


def _insert_sql(dialect: str, count: int) -> str:
    """The ``INSERT … SELECT`` of contracts ``:first`` to ``:last`` of ``count``."""
    if dialect == "sqlite":
        ended_seconds = f"MIN(offset_s + lessons * 302400, {TWO_YEARS - 3600})"
    else:
        ended_seconds = f"LEAST(offset_s + lessons * 302400, {TWO_YEARS - 3600})"
    values = _VALUES.format(
        clients=CLIENTS,
        branches=DEPARTMENTS,
        signed=moment(dialect, "offset_s"),
        ended=moment(dialect, ended_seconds),
    )
    # _HASHED's and _STATUS_OF's placeholders are left in the text by the f-strings around them.
    select_sql = _PRICED.format(span=TWO_YEARS, count=count)
    return (
        f"{numbers(dialect)} INSERT INTO contracts ({_COLUMNS}) SELECT {values}"
        f" FROM ({select_sql}) AS priced"
    )


async def _contracts(session: AsyncSession) -> int:
    return int(await session.scalar(select(func.count()).select_from(Contract)) or 0)


async def fill(database: Database, count: int) -> None:
    """The people, the school's catalog and ``count`` contracts, unless they are there."""
    await fill_people(database)
    async with database.reader() as session:
        catalog = await session.scalar(select(func.count()).select_from(Language))
    if not catalog:
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
    start = datetime.now(UTC) - timedelta(seconds=TWO_YEARS)
    await fill_in_chunks(
        database, "contracts", count, [_insert_sql(dialect, count)], start, _contracts
    )


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


async def service_page(session: AsyncSession, actor: Employee, wanted: Wanted) -> int:
    """The site's listing: ``list_contracts`` with the same filters."""
    last_day = wanted.signed_before - timedelta(days=1) if wanted.signed_before else None
    found = await list_contracts(
        session,
        actor,
        ContractFilter(
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


@asynccontextmanager
async def cases(database: Database, url: str) -> AsyncIterator[list[Case]]:
    """Each filter as an administrator and as a teacher, both ways."""
    async with database.reader() as session:
        admin = await session.get(Employee, 1)
        teacher = await session.get(Employee, FIRST_TEACHER + 8)  # teaches English
    assert admin is not None and teacher is not None

    def case(name: str, actor: Employee, wanted: Wanted) -> Case:
        async def service() -> int:
            async with database.reader() as session:
                return await service_page(session, actor, wanted)

        async def raw() -> int:
            async with database.reader() as session:
                return await raw_page(session, actor, wanted)

        return Case(name, service, raw)

    yield [
        case(
            f"{'teacher' if as_teacher else 'admin'}: {name}",
            teacher if as_teacher else admin,
            wanted,
        )
        for name, as_teacher, wanted in scenarios(datetime.now(UTC), teacher)
    ]


AREA = Area(
    name="contracts",
    measured="crm.school.listing.list_contracts",
    baseline="the same page and count in raw SQL",
    fill=fill,
    cases=cases,
)
