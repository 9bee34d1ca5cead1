"""The coaching session listing on a large database: the site's ``list_sessions`` against the
same page, participants, reports and capped count in hand-written SQL, as an administrator and
as a coach (who sees only the sessions they give), for ``python -m bench.listing``.

The sessions are made inside the database, as the contracts are: two years of sessions and
three weeks ahead, given by employees 2-50 to 20,000 clients, more lately; ahead all planned,
in the last two days 30% not yet marked, older ones done 82%, cancelled 12%, no-show 6%; 40%
online; 5% with a second participant; 70% of the done sessions with a meeting report.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, func, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from bench.common import CLIENTS, Area, Case, fill_in_chunks, fill_people, moment, numbers
from crm.coaching.session_listing import SessionFilter, list_sessions
from db.base import UTCDateTime
from db.engine import Database
from db.enums import SessionFormat, SessionStatus
from db.models import CoachingSession, Employee

PAGE_SIZE = 50
COUNT_CAP = 10_000
# Employees 2..50 of bench.listing's 50 coach (employee 1 is the administrator).
FIRST_COACH, COACHES = 2, 49
PAST = 730 * 86_400  # two years of sessions held...
AHEAD = 21 * 86_400  # ...and three weeks of sessions planned
SPAN = PAST + AHEAD

# One session per number n, its attributes from hashes of n (the same on both databases), as in
# bench/contract_listing.py, ids in the order of their start. A practice that grows: sessions
# per day rise steadily from half the average to 1.5 times it, so n / count = (t + t^2) / 2 for
# t the share of the span (sqrt is built into the SQLite that Python ships, and PostgreSQL).
_HASHED = """
    SELECT n,
           (n * 7919) % 1000003 AS h1, (n * 104729) % 1000003 AS h2,
           (n * 15485863) % 1000003 AS h3, (n * 179424673) % 1000003 AS h4,
           CAST({span} * (sqrt(1 + 8.0 * n / {count}) - 1) / 2 AS INTEGER) AS offset_s
    FROM seq
"""
# Sessions still ahead are planned; those of the last two days are partly not marked yet; older
# ones were held, cancelled or missed.
_STATUS_OF = """CASE
    WHEN offset_s >= {past} THEN 'planned'
    WHEN offset_s >= {past} - 2 * 86400 AND h4 % 100 < 30 THEN 'planned'
    WHEN h4 % 100 < 12 THEN 'cancelled'
    WHEN h4 % 100 < 18 THEN 'no_show'
    ELSE 'done' END"""
_SHAPED = f"""
    SELECT n, h1, h2, h3, offset_s, {_STATUS_OF} AS status,
           CASE WHEN h2 % 100 < 40 THEN 'online' ELSE 'in_person' END AS format
    FROM ({_HASHED}) AS hashed
"""
_COLUMNS = (
    "client_id, coach_id, starts_at, minutes, format, video_link, status, rating, comment,"
    " created_at, updated_at"
)
_VALUES = f"""
    1 + h1 % {{clients}}, {FIRST_COACH} + h3 % {COACHES}, {{starts}},
    CASE WHEN h2 % 4 = 0 THEN 90 ELSE 60 END, format,
    CASE WHEN format = 'online' THEN 'https://meet.example/s' || n END,
    status,
    CASE WHEN status = 'done' AND h1 % 10 < 6 THEN 3 + h2 % 3 END,
    CASE WHEN status = 'done' AND h1 % 10 = 0 THEN 'Useful, thank you' END,
    {{starts}}, {{starts}}
"""


def _insert_sql(dialect: str, count: int) -> str:
    """The ``INSERT … SELECT`` of sessions ``:first`` to ``:last`` of ``count``."""
    # Sessions start on the quarter hour.
    values = _VALUES.format(clients=CLIENTS, starts=moment(dialect, "offset_s / 900 * 900"))
    shaped = _SHAPED.format(span=SPAN, count=count, past=PAST)
    return (
        f"{numbers(dialect)} INSERT INTO coaching_sessions ({_COLUMNS}) SELECT {values}"
        f" FROM ({shaped}) AS s"
    )


def _others_sql(clients: int) -> str:
    """One more participant for about 5% of sessions ``:first`` to ``:last`` (never their
    client); ids were given in order to an empty table, so they are the numbers."""
    return (
        "INSERT INTO session_participants (session_id, client_id)"
        f" SELECT id, 1 + (client_id + 1 + id % 997) % {clients} FROM coaching_sessions"
        " WHERE id BETWEEN :first AND :last AND CAST(id AS BIGINT) * 31337 % 100 < 5"
    )


# A meeting report for about 70% of the sessions held.
_REPORTS_SQL = (
    "INSERT INTO meeting_reports (session_id, author_id, what_happened, homework, created_at,"
    " updated_at) SELECT id, coach_id, 'Talked through the week''s goal', 'Keep a diary',"
    " starts_at, starts_at FROM coaching_sessions"
    " WHERE id BETWEEN :first AND :last AND status = 'done'"
    " AND CAST(id AS BIGINT) * 65537 % 100 < 70"
)


async def _sessions(session: AsyncSession) -> int:
    return int(await session.scalar(select(func.count()).select_from(CoachingSession)) or 0)


async def fill(database: Database, count: int) -> None:
    """The people and ``count`` coaching sessions with their second participants and meeting
    reports, unless they are there already."""
    await fill_people(database)
    dialect = "sqlite" if database.is_sqlite else "postgresql"
    statements = [_insert_sql(dialect, count), _others_sql(CLIENTS), _REPORTS_SQL]
    start = (datetime.now(UTC) - timedelta(seconds=PAST)).replace(second=0, microsecond=0)
    await fill_in_chunks(database, "sessions", count, statements, start, _sessions)


# Each filter in the raw SQL.
_RAW_CONDITIONS = {
    "coach_id": "s.coach_id = :coach_id",
    "client_id": (
        "s.id IN (SELECT c.id FROM coaching_sessions c WHERE c.client_id = :client_id"
        " UNION SELECT p.session_id FROM session_participants p WHERE p.client_id = :client_id)"
    ),
    "status": "s.status = :status",
    "format": "s.format = :format",
    "starts_from": "s.starts_at >= :starts_from",
    "starts_before": "s.starts_at < :starts_before",
}


@dataclass(frozen=True)
class Wanted:
    """A listing's filters, as a person would set them on the page."""

    coach_id: int | None = None
    client_id: int | None = None
    status: SessionStatus | None = None
    format: SessionFormat | None = None
    starts_from: date | None = None  # first day, UTC
    starts_to: date | None = None  # last day, UTC

    def conditions(self) -> tuple[list[str], dict[str, Any]]:
        """The raw SQL's conditions and their parameters."""
        params: dict[str, Any] = {
            name: getattr(self, name)
            for name in ("coach_id", "client_id", "status", "format")
            if getattr(self, name) is not None
        }
        params = {key: getattr(value, "value", value) for key, value in params.items()}
        if self.starts_from:
            params["starts_from"] = datetime.combine(self.starts_from, datetime.min.time(), UTC)
        if self.starts_to:
            after = self.starts_to + timedelta(days=1)
            params["starts_before"] = datetime.combine(after, datetime.min.time(), UTC)
        return [_RAW_CONDITIONS[name] for name in params], params

    def as_filter(self) -> SessionFilter:
        """The same as the site's listing reads it from the URL (the zone is UTC)."""
        return SessionFilter(
            statuses=(self.status,) if self.status else (),
            coach=str(self.coach_id or ""),
            client=str(self.client_id or ""),
            format=self.format,
            starts_from=self.starts_from,
            starts_to=self.starts_to,
        )


def scenarios(today: date, coach: Employee) -> list[tuple[str, bool, Wanted]]:
    """(name, as the coach?, filters): the shapes of filter the sessions page offers."""
    week = Wanted(starts_from=today - timedelta(days=7), starts_to=today - timedelta(days=1))
    half_year = today - timedelta(days=180)
    return [
        ("all", False, Wanted()),
        ("one coach", False, Wanted(coach_id=coach.id)),
        ("one client", False, Wanted(client_id=1234)),
        ("status planned", False, Wanted(status=SessionStatus.PLANNED)),
        ("status no show", False, Wanted(status=SessionStatus.NO_SHOW)),
        ("format online", False, Wanted(format=SessionFormat.ONLINE)),
        ("last week", False, week),
        (
            "combined",
            False,
            Wanted(
                coach_id=coach.id,
                status=SessionStatus.DONE,
                format=SessionFormat.ONLINE,
                starts_from=half_year,
            ),
        ),
        ("all", True, Wanted()),
        ("one client", True, Wanted(client_id=1234)),
        ("status cancelled", True, Wanted(status=SessionStatus.CANCELLED)),
        ("format online", True, Wanted(format=SessionFormat.ONLINE)),
        ("last week", True, week),
        (
            "combined",
            True,
            replace(week, status=SessionStatus.NO_SHOW, format=SessionFormat.IN_PERSON),
        ),
    ]


async def service_page(session: AsyncSession, actor: Employee, wanted: Wanted) -> int:
    """The site's listing: ``list_sessions``; the rows' participants are read as the page
    shows them (already loaded)."""
    page = await list_sessions(session, actor, wanted.as_filter())
    for row in page.rows:
        _ = [participant.client.full_name for participant in row.session.participants]
    return len(page.rows)


async def raw_page(session: AsyncSession, actor: Employee, wanted: Wanted) -> int:
    """The same page, participants, reports and count in hand-written SQL, as tuples."""
    conditions, params = wanted.conditions()
    if actor.role.value == "specialist":
        conditions.append("s.coach_id = :me")
        params["me"] = actor.id
    where = f"WHERE {' AND '.join(conditions)}" if conditions else ""
    moments = [bindparam(name, type_=UTCDateTime()) for name in params if name.startswith("starts")]
    page = text(
        "SELECT s.id, s.starts_at, s.minutes, s.format, s.status, s.rating,"
        " cl.full_name, e.full_name FROM coaching_sessions s"
        " JOIN clients cl ON cl.id = s.client_id LEFT JOIN employees e ON e.id = s.coach_id"
        f" {where} ORDER BY s.starts_at DESC, s.id DESC LIMIT {PAGE_SIZE + 1}"
    ).bindparams(*moments)
    rows = (await session.execute(page, params)).all()[:PAGE_SIZE]
    ids = [row[0] for row in rows]
    if ids:
        listed: Any = bindparam("ids", expanding=True)
        await session.execute(
            text(
                "SELECT p.session_id, c.full_name FROM session_participants p"
                " JOIN clients c ON c.id = p.client_id WHERE p.session_id IN :ids"
            ).bindparams(listed),
            {"ids": ids},
        )
        await session.execute(
            text("SELECT session_id FROM meeting_reports WHERE session_id IN :ids").bindparams(
                listed
            ),
            {"ids": ids},
        )
    count = text(
        "SELECT count(*) FROM"
        f" (SELECT s.id FROM coaching_sessions s {where} LIMIT {COUNT_CAP + 1}) AS n"
    ).bindparams(*moments)
    await session.execute(count, params)
    return len(rows)


@asynccontextmanager
async def cases(database: Database, url: str) -> AsyncIterator[list[Case]]:
    """Each filter as an administrator and as a coach, both ways."""
    async with database.reader() as session:
        admin = await session.get(Employee, 1)
        coach = await session.get(Employee, FIRST_COACH + 5)
    assert admin is not None and coach is not None

    def case(name: str, actor: Employee, wanted: Wanted) -> Case:
        async def service() -> int:
            async with database.reader() as session:
                return await service_page(session, actor, wanted)

        async def raw() -> int:
            async with database.reader() as session:
                return await raw_page(session, actor, wanted)

        return Case(name, service, raw)

    yield [
        case(f"{'coach' if as_coach else 'admin'}: {name}", coach if as_coach else admin, wanted)
        for name, as_coach, wanted in scenarios(datetime.now(UTC).date(), coach)
    ]


AREA = Area(
    name="sessions",
    measured="crm.coaching.session_listing.list_sessions",
    baseline="the same page, participants, reports and count in raw SQL",
    fill=fill,
    cases=cases,
)
