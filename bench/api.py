"""The REST API against the services it calls: requests a second for a filtered ticket listing
and for opening tickets, through HTTP and without.

    python -m bench.api [--rows 1000000] [--database-url URL] [--listings 500]
                        [--creations 300] [--warm-up 50] [--profile]

Without ``--database-url`` the database is a SQLite file in a temporary directory, removed at
the end; a PostgreSQL URL (``postgresql+asyncpg://postgres@127.0.0.1:5432/bench_api``) names a
database that is made if missing, emptied first (``bench.common.empty_database``) and emptied
again at the end (its ``public`` schema dropped and made afresh). It is
filled as ``python -m bench.listing`` fills its tickets (``bench.ticket_listing.fill``: 50
employees, 20,000 clients, ``--rows`` tickets over two years, each with a line of history), its
statistics refreshed as the daily housekeeping does, and an owner given an API token
(``crm.people.api_tokens.create_api_token``).

What is timed, each sequentially over one keep-alive ``aiohttp.ClientSession``:

- listing: ``GET /api/v1/tickets?…&limit=50`` with the owner's ``Authorization: Bearer``
  token, against ``crm.tickets.listing.list_tickets`` in a reader session with the same filter
  and page size (as the API's handler calls it), ``--listings`` requests each way for each
  filter; the first page of each way must hold the same tickets;
- creation: ``POST /api/v1/tickets`` with ``{"client_id": …, "description": …}``, against
  ``crm.tickets.tickets.open_ticket_for`` in a writer transaction with a ``crm.notify.Notifier``
  built as web/app.py builds one, ``--creations`` requests each way.

After ``--warm-up`` requests of each way, the two ways are timed in alternation, request by
request, so a machine that is busy for a while weighs on both alike; requests a second is the
count over the sum of their times. The ratio is the API's time per request over the service's
(the bar for the listing: at most 2x). p50 and p99 are the API requests' latencies.

The API is served by ``web.app.create_app`` (the whole site, as in production; the API is its
``/api/v1`` sub-application) with ``web.AppRunner`` and ``web.TCPSite`` on 127.0.0.1, port 0, in
**a subprocess** of this program, frozen after start-up as ``crm run`` freezes it. A subprocess,
not this process nor a thread of it: in one process the server would share one interpreter lock
(and a thread also one garbage collector) with the client and with the direct service calls, so
the client's work of sending a request and reading its answer would be counted as the server's
too, and a profile of the server would hold the client. The client's own cost is still in
each API request's latency, as it is for any caller, but on its own interpreter; the program
prints the round trip of a request that reaches no database (an unknown address, 404) to show
that floor. The direct service calls run in this process.

With ``--profile``, once the figures are printed, the server is started again under cProfile
(its event loop's thread; aiosqlite's thread, where SQLite runs, is not profiled, so time spent
waiting for it shows as the loop's poll), each listing is requested ``--listings`` times more,
and the functions with the most time of their own and the most time in all are printed.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import gc
import io
import json
import os
import pstats
import signal
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web
from sqlalchemy import select, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from bench import ticket_listing
from bench.common import CLIENTS, empty_database, percentile
from crm.notify import Notifier
from crm.people.api_tokens import create_api_token
from crm.settings import Settings
from crm.tickets.listing import list_tickets
from crm.tickets.tickets import open_ticket_for
from db.base import utcnow
from db.engine import Database
from db.enums import Role
from db.models import Employee
from web.app import create_app

PAGE_SIZE = 50
LISTING_BAR = 2.0
# The listings timed: (name, the query string; the API's filter names, as the site's).
LISTINGS: list[tuple[str, dict[str, str]]] = [
    ("list: status=new", {"status": "new"}),
    ("list: assignee=7", {"assignee": "7"}),
    ("list: status=in_progress&assignee=7", {"status": "in_progress", "assignee": "7"}),
]
READY = "listening on port "


def settings_for(url: str) -> Settings:
    """The settings of both sides: no request limit to meet (it would refuse the bench)."""
    return Settings(_env_file=None, database_url=url, api_requests_per_minute=1_000_000)


def notifier_for(settings: Settings) -> Notifier:
    """A notifier as web/app.py builds one."""
    return Notifier(settings.default_language, settings.currency, settings.zone)


# The server, in its own process (``--serve``).


async def serve(url: str, profile: str | None) -> None:
    """The site with its API on 127.0.0.1, a free port (written to stdout), until SIGINT; with
    ``profile``, under cProfile, its statistics written there at the end."""
    settings = settings_for(url)
    database = Database(url)
    app = create_app(settings, database, secret_key="benchmark", notifier=notifier_for(settings))
    runner = web.AppRunner(app, access_log=None, handle_signals=False)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    gc.collect()
    gc.freeze()  # as `crm run` does after start-up
    profiler = cProfile.Profile() if profile else None
    if profiler is not None:
        profiler.enable()
    print(f"{READY}{port}", flush=True)
    try:
        await stop.wait()
    finally:
        if profiler is not None and profile is not None:
            profiler.disable()
            profiler.dump_stats(profile)
        await runner.cleanup()
        await database.dispose()


@dataclass
class Server:
    process: asyncio.subprocess.Process
    base: str


async def start_server(url: str, log: Path, profile: Path | None = None) -> Server:
    command = [sys.executable, "-m", "bench.api", "--serve", "--database-url", url]
    if profile is not None:
        command += ["--profile-out", str(profile)]
    with log.open("ab") as err:
        process = await asyncio.create_subprocess_exec(
            *command,
            stdout=asyncio.subprocess.PIPE,
            stderr=err,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
    assert process.stdout is not None
    line = (await asyncio.wait_for(process.stdout.readline(), 120)).decode()
    if not line.startswith(READY):
        await process.wait()
        said = await asyncio.to_thread(log.read_text)
        raise SystemExit(f"the server did not start:\n{said}")
    return Server(process, f"http://127.0.0.1:{int(line.removeprefix(READY))}")


async def stop_server(server: Server) -> None:
    if server.process.returncode is None:
        server.process.send_signal(signal.SIGINT)
        try:
            await asyncio.wait_for(server.process.wait(), 60)
        except TimeoutError:
            server.process.kill()
            await server.process.wait()


# The database.


async def ensure_database(url: str) -> None:
    """Make the PostgreSQL database ``url`` names, if it is missing."""
    parsed = make_url(url)
    name = parsed.database
    engine = create_async_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as connection:
            found = await connection.scalar(
                text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}
            )
            if not found:
                await connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    finally:
        await engine.dispose()


async def clear_database(url: str) -> None:
    """Leave the PostgreSQL database ``url`` empty: a million tickets take a gigabyte."""
    engine = create_async_engine(url)
    try:
        async with engine.begin() as connection:
            await connection.execute(text("DROP SCHEMA public CASCADE"))
            await connection.execute(text("CREATE SCHEMA public"))
    finally:
        await engine.dispose()


async def prepare(url: str, rows: int) -> tuple[Database, Employee, str]:
    """The database at ``url`` emptied and filled with ``rows`` tickets, and an owner with an
    API token: (the database, the owner, the token)."""
    if not url.startswith("sqlite"):
        await ensure_database(url)
    database = await empty_database(url)
    started = time.perf_counter()
    await ticket_listing.fill(database, rows)
    await database.refresh_statistics()
    print(f"filled in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    async with database.writer() as session, session.begin():
        owner = Employee(full_name="API Owner", username="apiowner", role=Role.OWNER, active=True)
        session.add(owner)
        await session.flush()
        _, token = await create_api_token(
            session, actor=owner, name="bench", expires_at=None, now=utcnow()
        )
    async with database.reader() as session:
        viewer = await session.scalar(select(Employee).where(Employee.id == owner.id))
    assert viewer is not None
    return database, viewer, token


# Timing.

Call = Callable[[], Awaitable[Any]]


@dataclass(frozen=True)
class Result:
    operation: str
    service: list[float]  # seconds per request
    api: list[float]

    @property
    def service_rate(self) -> float:
        return len(self.service) / sum(self.service)

    @property
    def api_rate(self) -> float:
        return len(self.api) / sum(self.api)

    @property
    def ratio(self) -> float:
        """The API's time per request over the service's."""
        return self.service_rate / self.api_rate


async def alternate(operation: str, service: Call, api: Call, count: int, warm_up: int) -> Result:
    """``warm_up`` calls of each way, then ``count`` of each timed, in alternation."""
    for _ in range(warm_up):
        await service()
        await api()
    times: tuple[list[float], list[float]] = ([], [])
    for _ in range(count):
        for call, samples in ((service, times[0]), (api, times[1])):
            started = time.perf_counter()
            await call()
            samples.append(time.perf_counter() - started)
    print(f"  {operation}: done", file=sys.stderr)
    return Result(operation, *times)


@dataclass(frozen=True)
class Listing:
    """One listing page, requested both ways."""

    name: str
    query: dict[str, str]
    database: Database
    viewer: Employee
    settings: Settings
    http: aiohttp.ClientSession

    async def service(self) -> list[int]:
        """``list_tickets`` in a reader session, as the API's handler calls it: the page's ids."""
        wanted = ticket_listing.as_filter(self.query, self.settings)
        async with self.database.reader() as session:
            page = await list_tickets(session, self.viewer, wanted, page_size=PAGE_SIZE)
        return [ticket.id for ticket in page.tickets]

    async def api(self) -> bytes:
        """The same page through the API: its body, unread."""
        params = {**self.query, "limit": str(PAGE_SIZE)}
        async with self.http.get("/api/v1/tickets", params=params) as response:
            body = await response.read()
            if response.status != 200:
                raise SystemExit(f"GET /api/v1/tickets: {response.status} {body[:500]!r}")
            return body

    async def check(self) -> None:
        """Both ways give the same tickets, and some."""
        direct = await self.service()
        through_api = [item["id"] for item in json.loads(await self.api())["items"]]
        if direct != through_api or not direct:
            raise SystemExit(f"{self.name}: the pages differ: {direct[:5]} / {through_api[:5]}")


def listings(
    database: Database, viewer: Employee, settings: Settings, http: aiohttp.ClientSession
) -> list[Listing]:
    return [Listing(name, query, database, viewer, settings, http) for name, query in LISTINGS]


async def measure(
    url: str, database: Database, viewer: Employee, token: str, args: argparse.Namespace, log: Path
) -> tuple[list[Result], list[float]]:
    settings = settings_for(url)
    notifier = notifier_for(settings)
    gc.collect()
    gc.freeze()  # this side too, as a long-running process
    server = await start_server(url, log)
    results: list[Result] = []
    headers = {"Authorization": f"Bearer {token}"}
    try:
        async with aiohttp.ClientSession(base_url=server.base, headers=headers) as http:
            for listing in listings(database, viewer, settings, http):
                await listing.check()
                results.append(
                    await alternate(
                        listing.name, listing.service, listing.api, args.listings, args.warm_up
                    )
                )

            floor = await round_trip(http, args.listings)
            made = 0

            def next_ticket() -> tuple[int, str]:
                nonlocal made
                made += 1
                return 1 + (made * 7919) % CLIENTS, f"Bench ticket {made}: the printer jams."

            async def service_create() -> None:
                client_id, description = next_ticket()
                async with database.writer() as session, session.begin():
                    await open_ticket_for(
                        session,
                        notifier,
                        actor=viewer,
                        client_id=client_id,
                        description=description,
                        department_id=None,
                        now=utcnow(),
                    )

            async def api_create() -> None:
                client_id, description = next_ticket()
                sent = {"client_id": client_id, "description": description}
                async with http.post("/api/v1/tickets", json=sent) as response:
                    body = await response.read()
                    if response.status != 201:
                        raise SystemExit(f"POST /api/v1/tickets: {response.status} {body[:500]!r}")

            results.append(
                await alternate(
                    "create: POST /tickets",
                    service_create,
                    api_create,
                    args.creations,
                    args.warm_up,
                )
            )
    finally:
        await stop_server(server)
    return results, floor


async def round_trip(http: aiohttp.ClientSession, count: int) -> list[float]:
    """The latencies of a request the API answers without the database (an unknown
    address: 404), the client's and aiohttp's share of every request."""
    times = []
    for n in range(count + 50):
        started = time.perf_counter()
        async with http.get("/api/v1/no-such-endpoint") as response:
            await response.read()
            assert response.status == 404, response.status
        if n >= 50:
            times.append(time.perf_counter() - started)
    return times


async def profile(
    url: str, database: Database, viewer: Employee, token: str, args: argparse.Namespace, log: Path
) -> None:
    """The server under cProfile while each listing is requested ``--listings`` times."""
    out = log.with_name("server.prof")
    server = await start_server(url, log, profile=out)
    headers = {"Authorization": f"Bearer {token}"}
    started = time.perf_counter()
    try:
        async with aiohttp.ClientSession(base_url=server.base, headers=headers) as http:
            for listing in listings(database, viewer, settings_for(url), http):
                for _ in range(args.listings):
                    await listing.api()
    finally:
        await stop_server(server)
    count = args.listings * len(LISTINGS)
    elapsed = time.perf_counter() - started
    stats = pstats.Stats(str(out))
    print(
        f"\nserver profile: {count} listing requests, {elapsed / count * 1000:.2f} ms each "
        f"(under the profiler); the server's loop thread, own time per request by package:"
    )
    for package, seconds in by_package(stats):
        if seconds / count >= 0.00005:
            print(f"  {package:<48}{seconds / count * 1000:>7.2f} ms")
    for order in ("tottime", "cumulative"):
        stream = io.StringIO()
        pstats.Stats(str(out), stream=stream).strip_dirs().sort_stats(order).print_stats(25)
        table = stream.getvalue()
        print(f"\nby {order}:\n" + table[table.index("   ncalls") :].rstrip())


def package_of(filename: str, function: str) -> str:
    """Where a profiled function lives: a package (site-packages, the project, the standard
    library's first directory or module), C built-ins, or the loop's wait for its events."""
    if filename == "~":
        return "waiting (epoll: the database, the client)" if "poll" in function else "C"
    path = Path(filename)
    if "site-packages" in path.parts:
        return path.parts[path.parts.index("site-packages") + 1].removesuffix(".py")
    if path.is_relative_to(Path.cwd()):
        return f"project: {path.relative_to(Path.cwd()).parts[0]}"
    library = Path(os.__file__).parent
    if path.is_relative_to(library):
        return f"stdlib: {path.relative_to(library).parts[0].removesuffix('.py')}"
    return str(path)


def by_package(stats: pstats.Stats) -> list[tuple[str, float]]:
    """The own time of each package's functions (``package_of``), the most first."""
    totals: dict[str, float] = defaultdict(float)
    entries: dict[tuple[str, int, str], tuple[Any, ...]] = stats.stats  # type: ignore[attr-defined]
    for (filename, _, function), (_, _, own, *_) in entries.items():
        totals[package_of(filename, function)] += own
    return sorted(totals.items(), key=lambda item: -item[1])


def report(
    results: list[Result], floor: list[float], url: str, rows: int, args: argparse.Namespace
) -> None:
    print(
        f"\n{rows:,} tickets; {url.split('://', 1)[0]}; {args.listings} listings, "
        f"{args.creations} creations, after {args.warm_up} of each way"
    )
    heads = ("service req/s", "API req/s", "ratio", "API p50", "API p99")
    print(f"{'operation':<38}" + "".join(f"{head:>14}" for head in heads))
    for result in results:
        print(
            f"{result.operation:<38}{result.service_rate:>14.1f}{result.api_rate:>14.1f}"
            f"{result.ratio:>13.2f}x"
            f"{percentile(result.api, 0.5) * 1000:>11.1f} ms"
            f"{percentile(result.api, 0.99) * 1000:>11.1f} ms",
            flush=True,
        )
    listings = [result for result in results if result.operation.startswith("list")]
    worst = max(listings, key=lambda result: result.ratio)
    verdict = "met" if worst.ratio <= LISTING_BAR else "missed"
    print(
        f"listing: worst ratio {worst.ratio:.2f}x ({worst.operation}); "
        f"bar <= {LISTING_BAR:.0f}x {verdict}"
    )
    print(
        f"HTTP round trip without the database (GET of an unknown address, 404): "
        f"p50 {percentile(floor, 0.5) * 1000:.2f} ms, p99 {percentile(floor, 0.99) * 1000:.2f} ms"
    )


async def main(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory(prefix="bench-api-") as scratch:
        url = args.database_url or f"sqlite+aiosqlite:///{Path(scratch) / 'api.db'}"
        log = Path(scratch) / "server.log"
        print(f"database: {url}; filling {args.rows:,} tickets", file=sys.stderr)
        database, viewer, token = await prepare(url, args.rows)
        try:
            results, floor = await measure(url, database, viewer, token, args, log)
            report(results, floor, url, args.rows, args)
            if args.profile:
                await profile(url, database, viewer, token, args, log)
        finally:
            await database.dispose()
            if not url.startswith("sqlite"):
                await clear_database(url)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="tickets")
    parser.add_argument("--database-url", default=None, help="default: a SQLite file")
    parser.add_argument("--listings", type=int, default=500, help="of each filter, each way")
    parser.add_argument("--creations", type=int, default=300, help="each way")
    parser.add_argument("--warm-up", type=int, default=50, help="requests each way, untimed")
    parser.add_argument("--profile", action="store_true", help="then profile the server")
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--profile-out", default=None, help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.serve:  # the server's own process
        asyncio.run(serve(arguments.database_url, arguments.profile_out))
    else:
        asyncio.run(main(arguments))
