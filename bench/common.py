"""What the benchmarks share: percentiles, a free port, an empty, migrated database to fill,
helper processes started, waited for and stopped; and for the listing benchmarks, the business
they fill and the timing of a page against its baseline."""

from __future__ import annotations

import asyncio
import math
import os
import random
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import aiohttp
from sqlalchemy import func, insert, select, text
from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine

from crm.people.passwords import hash_password
from db.engine import Database
from db.enums import ClientStage, Role
from db.migrate import upgrade
from db.models import Client, Department, Employee


def percentile(samples: list[float], share: float) -> float:
    """The nearest-rank percentile: the smallest sample with ``share`` of them at or below it."""
    if not samples:
        return float("nan")
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def empty_database(url: str) -> Database:
    """The database at ``url`` emptied (a SQLite file removed, a PostgreSQL schema dropped)
    and migrated afresh."""
    if url.startswith("sqlite"):
        path = url.split("///", 1)[1]
        for suffix in ("", "-wal", "-shm"):
            await asyncio.to_thread(Path(f"{path}{suffix}").unlink, missing_ok=True)
    else:
        engine = create_async_engine(url)
        async with engine.begin() as connection:
            await connection.execute(text("DROP SCHEMA public CASCADE"))
            await connection.execute(text("CREATE SCHEMA public"))
        await engine.dispose()
    await asyncio.to_thread(upgrade, url)
    return Database(url)


def start(
    command: list[str], log: Path, env: dict[str, str] | None = None
) -> subprocess.Popen[bytes]:
    with log.open("wb") as out:
        return subprocess.Popen(
            command,
            stdout=out,
            stderr=subprocess.STDOUT,
            env={**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})},
        )


def stop(process: subprocess.Popen[bytes], signum: int = signal.SIGINT) -> None:
    if process.poll() is None:
        process.send_signal(signum)
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


async def wait_for(http: aiohttp.ClientSession, url: str, process: subprocess.Popen[bytes]) -> None:
    for _ in range(600):
        if process.poll() is not None:
            raise SystemExit(f"{process.args!r} exited with {process.returncode}")
        try:
            async with http.get(url) as response:
                if response.status == 200:
                    return
        except aiohttp.ClientError:
            pass
        await asyncio.sleep(0.1)
    raise SystemExit(f"{url} did not answer")


# The listing benchmarks (bench/listing.py and one module per area) share a business and a way
# to time a listing against its baseline.

EMPLOYEES, CLIENTS, DEPARTMENTS = 50, 20_000, 5
PASSWORD = "benchmark-password"
CHUNK = 100_000  # rows made by one INSERT … SELECT


def progress(label: str, done: int, total: int) -> None:
    width = 30
    filled = int(width * done / total) if total else width
    bar = "#" * filled + "." * (width - filled)
    print(f"\r{label:<10} [{bar}] {done:>9,}/{total:,}", end="", file=sys.stderr, flush=True)
    if done >= total:
        print(file=sys.stderr)


async def fill_people(database: Database) -> None:
    """The departments, employees (the first an administrator who signs in to the site as
    ``bench``) and clients, unless they are there already."""
    async with database.reader() as session:
        if await session.scalar(select(func.count()).select_from(Employee)):
            return
    rng = random.Random(7)
    async with database.writer() as session, session.begin():
        await session.execute(
            insert(Department),
            [
                {"name": f"Department {n}", "address": f"{n + 1} Bench Street"}
                for n in range(DEPARTMENTS)
            ],
        )
        password_hash = hash_password(PASSWORD)
        await session.execute(
            insert(Employee),
            [
                {
                    "full_name": f"Employee {n:02d}",
                    "username": f"employee{n:02d}",
                    "role": Role.ADMIN if n == 0 else Role.SPECIALIST,
                    "department_id": n % DEPARTMENTS + 1,
                    "web_login": "bench" if n == 0 else None,
                    "password_hash": password_hash if n == 0 else None,
                    "active": True,
                }
                for n in range(EMPLOYEES)
            ],
        )
        await session.execute(
            insert(Client),
            [
                {
                    "full_name": f"Client {n:05d} {rng.choice(['Ivanov', 'Martin', 'Smith'])}",
                    "phone": f"+7916{n:07d}",
                    "stage": ClientStage.ACTIVE,
                    "unreachable": False,
                }
                for n in range(CLIENTS)
            ],
        )


def numbers(dialect: str) -> str:
    """A CTE ``seq(n)`` of the numbers ``:first`` to ``:last``."""
    if dialect == "sqlite":
        return (
            "WITH RECURSIVE seq(n) AS (SELECT :first UNION ALL SELECT n + 1 FROM seq "
            "WHERE n < :last)"
        )
    return "WITH seq(n) AS (SELECT generate_series(CAST(:first AS bigint), :last))"


def moment(dialect: str, seconds: str) -> str:
    """``:start`` plus ``seconds``, as SQLAlchemy writes a moment in this database."""
    if dialect == "sqlite":
        shifted = f"strftime('%Y-%m-%d %H:%M:%S', :start, '+' || ({seconds}) || ' seconds')"
        return f"{shifted} || '.000000'"
    return f"CAST(:start AS timestamptz) + make_interval(secs => {seconds})"


async def fill_in_chunks(
    database: Database,
    label: str,
    count: int,
    statements: list[str],
    start: datetime,
    have: Callable[[AsyncSession], Awaitable[int]],
) -> None:
    """``count`` rows made inside the database, ``CHUNK`` at a time, by ``statements`` (each
    given ``:first``, ``:last`` and ``:start``), unless ``have`` finds them there already."""
    async with database.reader() as session:
        found = await have(session)
    if found >= count:
        print(f"{label}: the database holds {found:,} already", file=sys.stderr)
        return
    if found:
        raise SystemExit(f"the database holds {found:,} {label}, not {count:,}; use a new one")
    start_param: Any = start
    if database.is_sqlite:
        start_param = start.strftime("%Y-%m-%d %H:%M:%S")
    for first in range(1, count + 1, CHUNK):
        last = min(first + CHUNK - 1, count)
        async with database.writer() as session, session.begin():
            for statement in statements:
                await session.execute(
                    text(statement), {"first": first, "last": last, "start": start_param}
                )
        progress(label, last, count)


@dataclass(frozen=True)
class Case:
    """One listing page to time: as a person gets it, and the baseline it is held against;
    each call gives the number of rows shown."""

    name: str
    measured: Callable[[], Awaitable[int]]
    baseline: Callable[[], Awaitable[int]]


@dataclass(frozen=True)
class Area:
    """An area's listing as the benchmark sees it: how to fill it with ``rows`` rows, and the
    cases to time (inside the context, which may run a site to time them through)."""

    name: str
    measured: str  # what is timed, for the table's heading
    baseline: str  # what it is held against
    fill: Callable[[Database, int], Awaitable[None]]
    cases: Callable[[Database, str], AbstractAsyncContextManager[list[Case]]]


@dataclass(frozen=True)
class Timing:
    area: str
    case: str
    rows: int
    measured: list[float]
    baseline: list[float]

    @property
    def p95(self) -> float:
        return percentile(self.measured, 0.95)

    @property
    def ratio(self) -> float:
        return self.p95 / max(percentile(self.baseline, 0.95), 1e-9)


async def alternate(case: Case, rounds: int) -> tuple[int, list[float], list[float]]:
    """Each way of ``case`` timed ``rounds`` times in alternation (after a round to warm the
    caches), so a machine busy for a while weighs on both alike; their rows must agree."""
    shown = await case.baseline()
    if await case.measured() != shown:
        raise SystemExit(f"{case.name}: the measured page and its baseline disagree")
    measured: list[float] = []
    baseline: list[float] = []
    for _ in range(rounds):
        for call, samples in ((case.measured, measured), (case.baseline, baseline)):
            started = time.perf_counter()
            await call()
            samples.append((time.perf_counter() - started) * 1000)
    return shown, measured, baseline
