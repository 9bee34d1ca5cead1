"""CPU per Telegram update, throughput and answer time of ``crm run`` against a bare echo bot.

    python -m bench.updates [--users 300] [--staff 15] [--updates 3000] [--rounds 3]
                            [--paced 900] [--rate 30] [--database-url URL] [--profile]

Three processes: the fake Bot API with the simulated users (``bench/fake_api.py``), the bot,
and this one, which drives them. Each bot is measured the same way:

1. warm-up: a few users go through their whole round, so every step's code has run once;
2. closed loop: every user keeps one message in flight, ``--updates`` of them. The bot's CPU
   (utime + stime from ``/proc/<pid>/stat``) over this phase, divided by the updates answered
   in it, is the CPU per update; answers per second of wall time are the throughput. It runs
   ``--rounds`` times (3), and the round with the median CPU per update is the one shown. The
   rounds follow one another on the same database and users, so a steady drift (the tables
   growing) also shows up as the middle round;
3. paced: ``--paced`` updates offered at ``--rate`` a second (30: what Telegram lets one bot
   get), where latency counts: from the moment the fake offers an update to the moment the
   bot's answer reaches it.

Every message and every press must get exactly one answer: the lost and the extra are counted
(by step of the round when there are any). The bare aiogram echo bot goes first, then
``crm run`` (SQLite in ``bench/out/`` unless ``--database-url`` names another database, which
is emptied), in a database whose clients are the simulated users, each with two coaching
sessions ahead with a coach, a school language, three events, and ``--staff`` specialists who
are simulated users too, with deals of their own and a task on each. A client's round touches
every area (tickets, the school's contract signing, coaching sessions, ``/agenda``, the events
of sales), an employee's is ``/deals``, a deal's card, ``/agenda`` (``bench/fake_api.py``). For
``crm run`` the tickets and contracts in the database are checked against the ``/new``
messages and *Sign* presses sent.

``--profile`` runs ``crm run`` under cProfile (written to ``bench/out/crm.prof`` when it stops
on SIGTERM) and prints the 25 functions with the most own time and the own time by package.
The profiler slows the bot several times over: its CPU per update is then no measurement.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import pstats
import signal
import subprocess
import sys
import sysconfig
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import aiohttp
from sqlalchemy import func, insert, select

from bench.common import empty_database, free_port, start, stop, wait_for
from bench.fake_api import CLIENT_ROUND, TOKEN, staff_ids, user_ids
from crm.sales.deals import recount_totals
from db.engine import Database
from db.enums import DealStage, Role, SessionFormat
from db.models import (
    Client,
    CoachingSession,
    Contract,
    Deal,
    DealMove,
    Employee,
    Event,
    Language,
    Task,
    Ticket,
)

OUT = Path("bench/out")
PROFILE = OUT / "crm.prof"
TARGET_CPU_RATIO = 2.5
COACHES, SESSIONS_PER_CLIENT, EVENTS, DEALS_PER_EMPLOYEE = 5, 2, 3, 6
WARM_USERS = 30  # go through a whole round each before the measurement
TICK_MS = 1000 / os.sysconf("SC_CLK_TCK")


def cpu_ms(pid: int) -> float:
    """The process's CPU so far (utime + stime: fields 14 and 15 of ``/proc/<pid>/stat``)."""
    stat = Path(f"/proc/{pid}/stat").read_text()
    fields = stat.rsplit(")", 1)[1].split()  # after the name, which may hold spaces
    return (int(fields[11]) + int(fields[12])) * TICK_MS  # fields[0] is field 3


def positive(text: str) -> int:
    """A command-line count of at least 1."""
    number = int(text)
    if number < 1:
        raise argparse.ArgumentTypeError(f"{text} is not 1 or more")
    return number


def peak_rss_mb(pid: int) -> float:
    """The process's peak resident memory (VmHWM), in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):  # kB
            return int(line.split()[1]) / 1024
    return float("nan")


@dataclass
class Result:
    name: str
    peak: dict[str, Any]
    paced: dict[str, Any]
    cpu_ms: float  # over the closed loop
    paced_cpu_ms: float
    rss_mb: float = float("nan")
    checked: str = ""
    phases: list[dict[str, Any]] = field(default_factory=list)

    @property
    def cpu_per_update(self) -> float:
        return self.cpu_ms / max(1, int(self.peak["answered"]))

    @property
    def paced_cpu_per_update(self) -> float:
        return self.paced_cpu_ms / max(1, int(self.paced["answered"]))

    @property
    def lost(self) -> int:
        return sum(int(phase["lost"]) for phase in self.phases)

    @property
    def extra(self) -> int:
        return sum(int(phase["extra"]) for phase in self.phases)

    def misbehaviour(self) -> list[str]:
        """What went wrong, by step: lost and extra answers, presses that found no button."""
        found = []
        for key, what in (
            ("lost_steps", "lost"),
            ("extra_steps", "extra"),
            ("no_button", "no button for"),
        ):
            counts: dict[str, int] = defaultdict(int)
            for phase in self.phases:
                for step, count in phase[key].items():
                    counts[step] += count
            found += [f"{what} {step!r}: {count}" for step, count in sorted(counts.items())]
        return found


async def phase(http: aiohttp.ClientSession, fake_url: str, **spec: Any) -> dict[str, Any]:
    async with http.post(f"{fake_url}/control/phase", json=spec) as response:
        return dict(await response.json())


async def measure(
    name: str,
    pid: int,
    http: aiohttp.ClientSession,
    fake_url: str,
    args: argparse.Namespace,
) -> Result:
    everyone = args.users + args.staff
    async with http.post(f"{fake_url}/control/restart") as response:
        response.raise_for_status()
    warm = min(everyone, WARM_USERS)
    print(f"{name}: warming up, {warm} users a round each", file=sys.stderr)
    warm_up = await phase(
        http,
        fake_url,
        updates=warm * len(CLIENT_ROUND),
        concurrency=warm,
        users=warm,
        timeout=600,
    )
    await asyncio.sleep(0.5)  # what the warm-up left to do (the answers' second writes)
    loops: list[tuple[float, dict[str, Any]]] = []
    for number in range(1, args.rounds + 1):
        print(
            f"{name}: closed loop {number} of {args.rounds}, {args.updates:,} updates, "
            f"{everyone:,} in flight",
            file=sys.stderr,
        )
        before = cpu_ms(pid)
        loop = await phase(http, fake_url, updates=args.updates, concurrency=everyone, timeout=600)
        await asyncio.sleep(0.3)
        loops.append((cpu_ms(pid) - before, loop))
    # The round with the median CPU per update stands for the bot: one slow spell of a shared
    # machine moves a single round by 10-20%.
    loops.sort(key=lambda spent_loop: spent_loop[0] / max(1, int(spent_loop[1]["answered"])))
    spent, peak = loops[len(loops) // 2]
    print(f"{name}: paced at {args.rate:g}/s, {args.paced:,} updates", file=sys.stderr)
    before = cpu_ms(pid)
    paced = await phase(http, fake_url, updates=args.paced, rate=args.rate, timeout=120)
    paced_spent = cpu_ms(pid) - before
    result = Result(name, peak, paced, spent, paced_spent, rss_mb=peak_rss_mb(pid))
    result.phases = [warm_up, *(loop for _spent, loop in loops), paced]
    return result


async def prepare_database(url: str, users: int, staff: int) -> None:
    """An empty, migrated database whose clients are the simulated users and whose
    specialists the simulated employees: what each step of their rounds reads is there."""
    database = await empty_database(url)
    now = datetime.now(UTC)
    async with database.writer() as session, session.begin():
        await session.execute(
            insert(Employee),
            [
                {
                    "full_name": f"Coach {n}",
                    "username": f"coach{n}",
                    "role": Role.SPECIALIST,
                    "telegram_id": None,
                    "language": "en",
                }  # no Telegram: nothing the clients do is sent to a chat nobody simulates
                for n in range(COACHES)
            ]
            + [
                {
                    "full_name": f"Staff {user_id}",
                    "username": f"staff{user_id}",
                    "role": Role.SPECIALIST,
                    "telegram_id": user_id,
                    "language": "en",
                }
                for user_id in staff_ids(staff)
            ],
        )
        named = await session.execute(select(Employee.username, Employee.id))
        employees = {str(username): employee_id for username, employee_id in named}
        coaches = [employees[f"coach{n}"] for n in range(COACHES)]
        await session.execute(
            insert(Client),
            [
                {
                    "full_name": f"User {user_id}",
                    "phone": f"+3460{user_id:07d}",
                    "telegram_id": user_id,
                    "language": "en",
                    "coach_id": coaches[n % COACHES],
                }
                for n, user_id in enumerate(user_ids(users))
            ],
        )
        clients = list(await session.scalars(select(Client.id).order_by(Client.id)))
        # What the clients sign for: one language; no branch, so no branch step.
        session.add(Language(name="English", price_per_lesson=Decimal("20.00")))
        # Ahead of the reminders (24 h before) and inside /agenda's 60 days.
        day = (now + timedelta(days=3)).replace(hour=9, minute=0, second=0, microsecond=0)
        await session.execute(
            insert(CoachingSession),
            [
                {
                    "client_id": client_id,
                    "coach_id": coaches[n % COACHES],
                    "starts_at": day + timedelta(days=7 * k + n % 5, hours=n % 8),
                    "minutes": 60,
                    "format": SessionFormat.ONLINE if k else SessionFormat.IN_PERSON,
                }
                for n, client_id in enumerate(clients)
                for k in range(SESSIONS_PER_CLIENT)
            ],
        )
        # Organised by a coach, who has no Telegram: a join tells nobody the bench simulates.
        await session.execute(
            insert(Event),
            [
                {
                    "title": f"Open day {n + 1}",
                    "description": "Meet the coaches and the teachers.",
                    "starts_at": day + timedelta(days=10 + 7 * n),
                    "place": "Main hall",
                    "organiser_id": coaches[0],
                }
                for n in range(EVENTS)
            ],
        )
        stages = (DealStage.NEW, DealStage.QUALIFIED, DealStage.PROPOSAL, DealStage.NEGOTIATION)
        owners = [employees[f"staff{user_id}"] for user_id in staff_ids(staff)]
        deals = [
            {
                "name": f"Coaching package {n + 1}",
                "client_id": clients[n % len(clients)],
                "value": Decimal(500 + 50 * (n % 20)),
                "currency": "EUR",
                "stage": stages[n % len(stages)],
                "owner_id": owner,
                "expected_close": (day + timedelta(days=n % 40)).date(),
                "created_at": now - timedelta(days=n % 30),
            }
            for number, owner in enumerate(owners)
            for n in range(number * DEALS_PER_EMPLOYEE, (number + 1) * DEALS_PER_EMPLOYEE)
        ]
        if deals:
            await session.execute(insert(Deal), deals)
            made = list(
                await session.execute(select(Deal.id, Deal.stage, Deal.owner_id).order_by(Deal.id))
            )
            await session.execute(
                insert(DealMove),
                [
                    {"deal_id": deal_id, "to_stage": stage, "moved_at": now, "by_id": owner}
                    for deal_id, stage, owner in made
                ],
            )
            # A call to make on each deal, due days ahead (its reminder comes long after the
            # run): what the employees' /agenda lists.
            await session.execute(
                insert(Task),
                [
                    {
                        "deal_id": deal_id,
                        "title": f"Call about deal {deal_id}",
                        "due_at": day + timedelta(days=2 + deal_id % 20),
                        "assignee_id": owner,
                        "created_by_id": owner,
                    }
                    for deal_id, _stage, owner in made
                ],
            )
            await recount_totals(session)  # the per-owner totals /deals reads, bulk loads skip
    await database.dispose()


async def count_rows(url: str, model: type[Ticket] | type[Contract]) -> int:
    database = Database(url)
    async with database.reader() as session:
        count = int(await session.scalar(select(func.count()).select_from(model)) or 0)
    await database.dispose()
    return count


def report(results: list[Result], args: argparse.Namespace, database_url: str) -> None:
    print(
        f"\n{args.users:,} clients and {args.staff:,} employees; {args.updates:,} updates in the "
        f"closed loop, {args.paced:,} at {args.rate:g}/s; database: {database_url}"
    )
    rate = f"{args.rate:g}/s"
    heads = ("CPU ms/update", "updates/s", f"p50 @{rate}", f"p99 @{rate}", "peak RSS")
    widths = (14, 10, 12, 12, 10, 6, 6)
    columns = zip((*heads, "lost", "extra"), widths, strict=True)
    print(f"{'bot':<10}" + "".join(f"{head:>{width}}" for head, width in columns))
    for result in results:
        cells = (
            f"{result.cpu_per_update:.2f}",
            f"{result.peak['per_second']:.0f}",
            f"{result.paced['p50_ms']:.1f} ms",
            f"{result.paced['p99_ms']:.1f} ms",
            f"{result.rss_mb:.0f} MB",
            f"{result.lost}",
            f"{result.extra}",
        )
        row = "".join(f"{cell:>{width}}" for cell, width in zip(cells, widths, strict=True))
        print(f"{result.name:<10}{row}")
    echo, ours = results[0], results[-1]
    if ours is echo:
        return
    ratio = ours.cpu_per_update / echo.cpu_per_update
    print(f"\nCPU per update, crm run / echo bot: {ratio:.2f} (target <= {TARGET_CPU_RATIO})")
    if args.profile:
        print("(crm run ran under cProfile: its CPU figures include the profiler's own cost)")
    for result in results:
        print(
            f"{result.name}: CPU at {args.rate:g}/s {result.paced_cpu_per_update:.2f} ms/update "
            f"(idle polling included); closed loop {result.peak['answered']:,} answered in "
            f"{result.peak['seconds']:.1f} s, {result.cpu_ms / 1000:.1f} s of CPU"
        )
    steps = ", ".join(f"{step} {count}" for step, count in ours.peak["steps"].items())
    print(f"crm run's closed-loop mix: {steps}")
    print(ours.checked)
    problems = ours.misbehaviour()
    print("crm run: " + ("; ".join(problems) if problems else "every message answered once"))


# The packages the profile's own time is summed by; the project's own code is one of them.
PROJECT = Path.cwd().resolve()
OURS = ("crm", "handlers", "bot", "db", "web", "notifications")
OUR_LABEL = "/".join(OURS)
PACKAGES = {
    "aiogram": "aiogram",
    "sqlalchemy": "sqlalchemy",
    # aiohttp's own helpers: URLs, headers, connections
    **dict.fromkeys(("aiohttp", "yarl", "multidict", "propcache", "aiohappyeyeballs"), "aiohttp"),
    **dict.fromkeys(("pydantic", "pydantic_core"), "pydantic"),
}
LABELS = ("aiogram", "sqlalchemy", "aiohttp", "pydantic", OUR_LABEL, "asyncio", "other")
STDLIB = Path(sysconfig.get_paths()["stdlib"]).resolve()


# Built-in functions (no file) by what their name says they belong to; the rest are
# "built-ins". greenlet is SQLAlchemy's bridge from its synchronous core to asyncio.
BUILT_INS = (
    ("pydantic_core", "pydantic", "pydantic_core"),
    ("greenlet", "sqlalchemy", "greenlet"),
    ("_asyncio", "asyncio", "_asyncio"),
    ("_contextvars", "asyncio", "_contextvars"),
    ("sqlite3", "other", "sqlite3"),
    ("_socket", "other", "sockets"),
)
IDLE = "select.epoll"  # the event loop waiting for something to do: not work


def package_of(filename: str, name: str) -> tuple[str, str]:
    """The summary's package of a profiled function, and the module it is from."""
    if filename.startswith(("~", "<")):
        for mark, package, module in BUILT_INS:
            if mark in name:
                return package, module
        return "other", "built-ins"
    path = Path(filename)
    parts = path.parts
    if "site-packages" in parts:
        top = parts[parts.index("site-packages") + 1].split(".")[0]
        return PACKAGES.get(top, "other"), top
    if path.is_relative_to(PROJECT):
        top = path.relative_to(PROJECT).parts[0]
        return (OUR_LABEL if top in OURS else "other"), top
    if path.is_relative_to(STDLIB):
        top = path.relative_to(STDLIB).parts[0].removesuffix(".py")
        return ("asyncio" if top == "asyncio" else "other"), top
    return "other", path.name


def short(filename: str, line: int, name: str) -> str:
    if filename.startswith("~"):
        return name
    path = Path(filename)
    if "site-packages" in path.parts:
        shown = "/".join(path.parts[path.parts.index("site-packages") + 1 :])
    elif path.is_relative_to(PROJECT):
        shown = str(path.relative_to(PROJECT))
    elif path.is_relative_to(STDLIB):
        shown = str(path.relative_to(STDLIB))
    else:
        shown = filename
    return f"{shown}:{line}({name})"


def profile_summary(path: Path, top: int = 25) -> None:
    """The own time of the profile by package, and its ``top`` functions by own time. cProfile
    times by the wall clock, so the loop's waits in ``epoll`` are set apart as idle."""
    stats = pstats.Stats(str(path))
    table: dict[tuple[str, int, str], tuple[int, int, float, float, Any]]
    table = stats.stats  # type: ignore[attr-defined]
    idle = sum(entry[2] for (_f, _l, name), entry in table.items() if IDLE in name)
    busy = sum(entry[2] for entry in table.values()) - idle or 1e-9
    by_package: dict[str, float] = defaultdict(float)
    by_module: dict[str, float] = defaultdict(float)
    for (filename, _line, name), (_cc, _nc, own, _cum, _callers) in table.items():
        if IDLE in name:
            continue
        package, module = package_of(filename, name)
        by_package[package] += own
        if package == "other":
            by_module[module] += own
    print(
        f"\ncrm run under cProfile ({path}), the whole run from start to stop: {busy:.1f} s of "
        f"own time at work, {idle:.1f} s idle in epoll (wall clock)"
    )
    print("own time by package (of the time at work):")
    for label in LABELS:
        share = 100 * by_package[label] / busy
        print(f"  {label:<38}{by_package[label]:>8.2f} s {share:>5.1f}%")
    others = sorted(by_module.items(), key=lambda item: -item[1])[:8]
    print("  of which other: " + ", ".join(f"{m} {100 * t / busy:.1f}%" for m, t in others))
    print(f"\nthe {top} functions with the most own time (idle left out):")
    print(f"{'own s':>8}{'own %':>7}{'calls':>11}{'cum s':>8}  function")
    ranked = sorted(table.items(), key=lambda item: -item[1][2])
    for (filename, line, name), (_cc, calls, own, cum, _callers) in [
        entry for entry in ranked if IDLE not in entry[0][2]
    ][:top]:
        where = short(filename, line, name)
        print(f"{own:>8.2f}{100 * own / busy:>6.1f}%{calls:>11,}{cum:>8.2f}  {where}")


def start_crm(
    python: str, fake_url: str, url: str, web_port: int, profile: bool
) -> subprocess.Popen[bytes]:
    command = [python, "-m", "bot.cli", "run"]
    if profile:
        PROFILE.unlink(missing_ok=True)
        command = [python, "-m", "cProfile", "-o", str(PROFILE), "-m", "bot.cli", "run"]
    # The daily digest, due at CRM_DIGEST_AT, would reach the simulated employees' chats:
    # put it half a day away.
    digest_at = (datetime.now(UTC) + timedelta(hours=12)).strftime("%H:%M")
    return start(
        command,
        OUT / "updates-bot.log",
        env={
            "CRM_BOT_TOKEN": TOKEN,
            "CRM_TELEGRAM_API_URL": fake_url,
            "CRM_DATABASE_URL": url,
            "CRM_WEB_PORT": str(web_port),
            "CRM_REDIS_URL": "",
            "CRM_WEBHOOK_URL": "",
            "CRM_TIMEZONE": "UTC",
            "CRM_DIGEST_AT": digest_at,
            "CRM_AREAS": "",
        },
    )


async def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--users", type=int, default=300, help="simulated clients")
    parser.add_argument("--staff", type=int, default=15, help="simulated employees")
    parser.add_argument("--updates", type=int, default=3000, help="in the closed loop")
    parser.add_argument(
        "--rounds",
        type=positive,
        default=3,
        help="closed loops per bot; the median one is shown (of an even number, the upper one)",
    )
    parser.add_argument("--paced", type=int, default=900, help="updates offered at --rate")
    parser.add_argument("--rate", type=float, default=30.0, help="updates a second, paced")
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--profile", action="store_true", help="crm run under cProfile")
    args = parser.parse_args()
    await asyncio.to_thread(OUT.mkdir, parents=True, exist_ok=True)
    url = args.database_url or f"sqlite+aiosqlite:///{OUT / 'updates.db'}"
    fake_port = free_port()
    fake_url = f"http://127.0.0.1:{fake_port}"
    python = sys.executable
    population = ["--users", str(args.users), "--staff", str(args.staff)]
    fake = start(
        [python, "-m", "bench.fake_api", "--port", str(fake_port), *population],
        OUT / "updates-fake.log",
    )
    results: list[Result] = []
    timeout = aiohttp.ClientTimeout(total=900)
    profiled = False
    try:
        async with aiohttp.ClientSession(timeout=timeout) as http:
            await wait_for(http, f"{fake_url}/control/pending", fake)

            echo = start(
                [python, "-m", "bench.echo_bot", "--api", fake_url, "--token", TOKEN],
                OUT / "updates-echo.log",
            )
            try:
                results.append(await measure("echo bot", echo.pid, http, fake_url, args))
            finally:
                stop(echo)

            print("crm run: preparing the database", file=sys.stderr)
            await prepare_database(url, args.users, args.staff)
            web_port = free_port()
            bot = start_crm(python, fake_url, url, web_port, args.profile)
            try:
                await wait_for(http, f"http://127.0.0.1:{web_port}/healthz", bot)
                async with http.get(f"{fake_url}/control/pending") as response:
                    assert (await response.json())["pending_updates"] == 0
                ours = await measure("crm run", bot.pid, http, fake_url, args)
                tickets = await count_rows(url, Ticket)
                contracts = await count_rows(url, Contract)
                # The fake counts every /new it sent and every Sign it pressed; the echo bot's
                # share opened no ticket and signed nothing.
                expected = ours.paced["new_tickets"] - results[0].paced["new_tickets"]
                signed = ours.paced["signings"] - results[0].paced["signings"]
                ours.checked = (
                    f"tickets in the database: {tickets:,} of {expected:,} /new messages; "
                    f"contracts: {contracts:,} of {signed:,} Sign presses"
                )
                results.append(ours)
            finally:
                # SIGTERM: crm run stops as on Ctrl-C, and cProfile then writes its file.
                stop(bot, signal.SIGTERM)
                profiled = args.profile and bot.returncode == 0 and PROFILE.exists()
    finally:
        stop(fake)
    report(results, args, url)
    if args.profile:
        if not profiled:
            raise SystemExit(f"crm run under cProfile wrote no {PROFILE} (see updates-bot.log)")
        profile_summary(PROFILE)


if __name__ == "__main__":
    started = time.perf_counter()
    asyncio.run(main())
    print(f"({time.perf_counter() - started:.0f} s)", file=sys.stderr)
