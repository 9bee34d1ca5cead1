"""Ticket and contract listing speed on a large database.

    python -m bench.listing [--area tickets|contracts|sessions|both|all] [--tickets 1000000]
                            [--contracts 1000000] [--sessions 1000000] [--database-url URL]
                            [--rounds 40]

Fills the database (once; it is kept for the next run) with a realistic business: tickets
spread over two years, each with a line of history (a reply, a note or the client's message),
50 employees, 20,000 clients. Then it signs in to the admin site served
on loopback and times filtered listing pages, each also run straight through the service
(the same queries, no HTTP, no template), and prints p50 / p95 of both and their ratio.

The school's contracts (``--area contracts``, bench/contract_listing.py) are timed through
the ORM against hand-written SQL, as an administrator and as a teacher; the coaching sessions
(``--area sessions``, bench/session_listing.py) the same way, as an administrator and as a
coach. ``both`` is tickets and contracts, as before; ``all`` adds the sessions. Without
``--database-url`` each area has its own SQLite file in bench/out.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sys
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web
from sqlalchemy import func, insert, select

from bench.common import percentile
from bench.contract_listing import fill_contracts, measure_contracts
from bench.session_listing import fill_sessions, measure_sessions
from crm.people.passwords import hash_password
from crm.settings import Settings
from crm.tickets.listing import TicketFilter, encode_cursor, list_tickets
from db.engine import Database
from db.enums import ClientStage, Role, TicketEventKind, TicketStatus
from db.migrate import upgrade
from db.models import Client, Department, Employee, Ticket, TicketEvent
from web.app import create_app

EMPLOYEES, CLIENTS, DEPARTMENTS = 50, 20_000, 5
BATCH = 20_000
PASSWORD = "benchmark-password"
STATUSES = [
    (TicketStatus.CLOSED, 70),
    (TicketStatus.RESOLVED, 8),
    (TicketStatus.CANCELLED, 5),
    (TicketStatus.IN_PROGRESS, 7),
    (TicketStatus.WAITING, 3),
    (TicketStatus.ASSIGNED, 4),
    (TicketStatus.NEW, 3),
]


def progress(label: str, done: int, total: int) -> None:
    width = 30
    filled = int(width * done / total) if total else width
    bar = "#" * filled + "." * (width - filled)
    print(f"\r{label:<10} [{bar}] {done:>9,}/{total:,}", end="", file=sys.stderr, flush=True)
    if done >= total:
        print(file=sys.stderr)


async def fill_people(database: Database, rng: random.Random) -> None:
    """The departments, employees and clients, unless they are there already."""
    async with database.reader() as session:
        if await session.scalar(select(func.count()).select_from(Employee)):
            return
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
        for start in range(0, CLIENTS, BATCH):
            await session.execute(
                insert(Client),
                [
                    {
                        "full_name": f"Client {n:05d} {rng.choice(['Ivanov', 'Martin', 'Smith'])}",
                        "phone": f"+7916{n:07d}",
                        "stage": ClientStage.ACTIVE,
                        "unreachable": False,
                    }
                    for n in range(start, min(start + BATCH, CLIENTS))
                ],
            )


async def fill(database: Database, tickets: int, seed: int = 7) -> None:
    """The business, unless it is there already."""
    async with database.reader() as session:
        have = int(await session.scalar(select(func.count()).select_from(Ticket)) or 0)
    if have >= tickets:
        print(f"database already holds {have:,} tickets", file=sys.stderr)
        return
    if have:
        raise SystemExit("the database holds a different number of tickets; use a new one")
    rng = random.Random(seed)
    now = datetime.now(UTC)
    await fill_people(database, rng)
    statuses, weights = zip(*STATUSES, strict=True)
    said = [TicketEventKind.REPLY, TicketEventKind.NOTE, TicketEventKind.CLIENT_MESSAGE]
    two_years = timedelta(days=730).total_seconds()
    for start in range(0, tickets, BATCH):
        rows: list[dict[str, Any]] = []
        for _ in range(start, min(start + BATCH, tickets)):
            # More recent tickets are more numerous: a business that grows.
            age = two_years * (1 - rng.random() ** 0.7)
            created = now - timedelta(seconds=age)
            status = rng.choices(statuses, weights)[0]
            assignee = None if status is TicketStatus.NEW else rng.randint(1, EMPLOYEES)
            rows.append(
                {
                    "client_id": rng.randint(1, CLIENTS),
                    "department_id": rng.randint(1, DEPARTMENTS),
                    "assignee_id": assignee,
                    "status": status,
                    "title": f"Problem {rng.randint(1, 10**6)}",
                    "description": "A device does not work as it should.",
                    "created_at": created,
                    "updated_at": created,
                }
            )
        history = [
            {
                "ticket_id": start + number + 1,  # ids are given in order to an empty table
                "kind": rng.choice(said),
                "text": (
                    f"Ordered part P-{rng.randint(1, 10**6)}; "
                    + ("the warranty covers it" if rng.random() < 0.05 else "ready in a week")
                ),
                "created_at": row["created_at"],
            }
            for number, row in enumerate(rows)
        ]
        async with database.writer() as session, session.begin():
            await session.execute(insert(Ticket), rows)
            await session.execute(insert(TicketEvent), history)
        progress("tickets", start + len(rows), tickets)


async def timed(call: Callable[[], Awaitable[Any]], rounds: int) -> list[float]:
    await call()  # warm caches
    samples = []
    for _ in range(rounds):
        started = time.perf_counter()
        await call()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def scenarios(today: datetime) -> list[tuple[str, dict[str, str]]]:
    week_ago = (today - timedelta(days=7)).date().isoformat()
    half_year = (today - timedelta(days=180)).date().isoformat()
    return [
        ("all, first page", {}),
        ("one client", {"client": "1234"}),
        ("client by name", {"client": "Client 01234"}),
        ("last week", {"from": week_ago}),
        ("in progress + waiting", {"status": "in_progress"}),
        ("one assignee", {"assignee": "7"}),
        ("unassigned", {"assignee": "none"}),
        ("combined", {"status": "in_progress", "assignee": "7", "from": half_year}),
        ("text: rare, in history", {"q": "P-424242"}),
        ("text: 5% of history", {"q": "warranty"}),
        ("text + status", {"q": "warranty", "status": "in_progress"}),
    ]


def as_filter(query: dict[str, str], settings: Settings) -> TicketFilter:
    def day(key: str) -> Any:
        return datetime.fromisoformat(query[key]).date() if key in query else None

    return TicketFilter(
        client=query.get("client", ""),
        created_from=day("from"),
        statuses=(TicketStatus(query["status"]),) if "status" in query else (),
        assignee=query.get("assignee", ""),
        text=query.get("q", ""),
        zone=settings.zone,
    )


async def measure(database: Database, settings: Settings, rounds: int) -> None:
    app = create_app(settings, database, secret_key="benchmark")
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    host, port = runner.addresses[0][:2]
    base = f"http://{host}:{port}"
    async with database.reader() as session:
        viewer = await session.scalar(select(Employee).where(Employee.web_login == "bench"))
    assert viewer is not None
    rows = []
    # unsafe=True: keep cookies from an IP address (the loopback server).
    jar = aiohttp.CookieJar(unsafe=True)
    async with aiohttp.ClientSession(base_url=base, cookie_jar=jar) as http:
        page = await (await http.get("/sign-in")).text()
        token = page.split('name="csrf_token" value="')[1].split('"')[0]
        signed = await http.post(
            "/sign-in",
            data={"login": "bench", "password": PASSWORD, "csrf_token": token, "next": "/"},
            allow_redirects=False,
        )
        assert signed.status == 302, "could not sign in"
        today = datetime.now(UTC)
        cases = scenarios(today)
        # A page deep in the listing, reached by its keyset cursor.
        async with database.reader() as session:
            total = int(await session.scalar(select(func.count()).select_from(Ticket)) or 0)
            deep = await session.scalar(
                select(Ticket)
                .order_by(Ticket.created_at.desc(), Ticket.id.desc())
                .offset(min(200_000, total // 2))
                .limit(1)
            )
        if deep is not None:
            cases.append((f"deep page (after #{deep.id})", {"after": encode_cursor(deep)}))
        for name, query in cases:

            async def over_http(query: dict[str, str] = query) -> None:
                async with http.get("/tickets", params=query, allow_redirects=False) as response:
                    assert response.status == 200, response.status
                    assert 'id="tickets"' in await response.text()

            async def direct(query: dict[str, str] = query) -> None:
                async with database.reader() as session:
                    await list_tickets(
                        session, viewer, as_filter(query, settings), cursor=query.get("after")
                    )

            http_ms = await timed(over_http, rounds)
            raw_ms = await timed(direct, rounds)
            rows.append((name, http_ms, raw_ms))
    await runner.cleanup()
    heads = ("HTTP p50", "HTTP p95", "raw p50", "raw p95")
    print("\n" + f"{'filter':<24}" + "".join(f"{head:>10}" for head in heads) + f"{'ratio':>8}")
    for name, http_ms, raw_ms in rows:
        ratio = percentile(http_ms, 0.95) / max(percentile(raw_ms, 0.95), 1e-9)
        print(
            f"{name:<24}{percentile(http_ms, 0.5):>9.1f}ms{percentile(http_ms, 0.95):>9.1f}ms"
            f"{percentile(raw_ms, 0.5):>9.1f}ms{percentile(raw_ms, 0.95):>9.1f}ms{ratio:>7.2f}x"
        )
    worst = max(percentile(http_ms, 0.95) for _, http_ms, _ in rows)
    worst_ratio = max(percentile(h, 0.95) / max(percentile(r, 0.95), 1e-9) for _, h, r in rows)
    print(
        f"\nworst HTTP p95: {worst:.1f} ms (target < 50 ms); worst ratio: {worst_ratio:.2f}x "
        "(target <= 3x)"
    )


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--area", choices=["tickets", "contracts", "sessions", "both", "all"], default="both"
    )
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument("--contracts", type=int, default=1_000_000)
    parser.add_argument("--sessions", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=40)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    if args.area in ("tickets", "both", "all"):
        await bench_tickets(args.database_url, args.tickets, args.rounds)
    if args.area in ("contracts", "both", "all"):
        await bench_contracts(args.database_url, args.contracts, args.rounds)
    if args.area in ("sessions", "all"):
        await bench_sessions(args.database_url, args.sessions, args.rounds)


async def _database(url: str | None, default_file: str) -> tuple[Database, str]:
    """The migrated database at ``url``, by default a SQLite file in bench/out."""
    if url is None:
        await asyncio.to_thread(Path("bench/out").mkdir, parents=True, exist_ok=True)
        url = f"sqlite+aiosqlite:///bench/out/{default_file}"
    print(f"database: {url}", file=sys.stderr)
    await asyncio.to_thread(upgrade, url)
    return Database(url), url


async def bench_tickets(url: str | None, tickets: int, rounds: int) -> None:
    database, url = await _database(url, f"listing-{tickets}.db")
    settings = Settings(_env_file=None, database_url=url)
    started = time.perf_counter()
    await fill(database, tickets)
    print(f"filled in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    # What the daily housekeeping job does (statistics; on PostgreSQL also VACUUM).
    await database.refresh_statistics()
    await measure(database, settings, rounds)
    await database.dispose()


async def bench_contracts(url: str | None, contracts: int, rounds: int) -> None:
    database, url = await _database(url, f"contracts-{contracts}.db")
    started = time.perf_counter()
    await fill_people(database, random.Random(7))
    await fill_contracts(
        database, contracts, clients=CLIENTS, branches=DEPARTMENTS, progress=progress
    )
    print(f"filled in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    await database.refresh_statistics()
    await measure_contracts(database, rounds, timed)
    await database.dispose()


async def bench_sessions(url: str | None, sessions: int, rounds: int) -> None:
    database, url = await _database(url, f"sessions-{sessions}.db")
    started = time.perf_counter()
    await fill_people(database, random.Random(7))
    await fill_sessions(database, sessions, clients=CLIENTS, progress=progress)
    print(f"filled in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    await database.refresh_statistics()
    await measure_sessions(database, rounds, timed)
    await database.dispose()


if __name__ == "__main__":
    asyncio.run(main())
