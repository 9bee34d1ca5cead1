"""How many updates a second the bot handles, and how fast it answers, against a bare echo bot.

    python -m bench.updates [--users 2000] [--updates 20000] [--database-url URL]

Three processes: the fake Bot API with the simulated users (``bench/fake_api.py``), the bot,
and this one, which drives them. Each bot is measured the same way:

1. peak: every user keeps one message in flight (closed loop), half of the updates;
2. paced: the other half offered at half of that peak rate (open loop), where latency counts.

Latency runs from the moment the fake server offers an update to the moment the bot's answer
reaches it. Every message must get exactly one answer: the lost and the extra are counted. The
bare aiogram echo bot goes first, then ``crm run`` (SQLite in ``bench/out/`` unless
``--database-url`` names another database, which is emptied). For ``crm run`` the tickets and
contracts in the database are checked against the ``/new`` messages and *Sign* presses sent,
and its peak memory is printed. A user's round is ``/new``, ``/tickets`` and the four steps of
signing a school contract (``bench/fake_api.py``).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import aiohttp
from sqlalchemy import func, insert, select

from bench.common import empty_database, free_port, start, stop, wait_for
from bench.fake_api import TOKEN, user_ids
from db.engine import Database
from db.models import Client, Contract, Language, Ticket

OUT = Path("bench/out")
TARGET_RATIO = 0.5
TARGET_P99_MS = 250.0
TARGET_RSS_MB = 200.0


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
    rss_mb: float | None = None
    tickets_ok: str = ""

    @property
    def lost(self) -> int:
        return int(self.peak["lost"] + self.paced["lost"])

    @property
    def extra(self) -> int:
        return int(self.peak["extra"] + self.paced["extra"])


async def phase(http: aiohttp.ClientSession, fake_url: str, **spec: Any) -> dict[str, Any]:
    async with http.post(f"{fake_url}/control/phase", json=spec) as response:
        return dict(await response.json())


async def measure(
    name: str, http: aiohttp.ClientSession, fake_url: str, users: int, updates: int
) -> Result:
    print(f"{name}: warming up", file=sys.stderr)
    await phase(http, fake_url, updates=min(users, 1000), concurrency=min(users, 200))
    print(f"{name}: peak, {updates // 2:,} updates, {users:,} users in flight", file=sys.stderr)
    peak = await phase(http, fake_url, updates=updates // 2, concurrency=users, timeout=600)
    rate = peak["per_second"] / 2
    print(f"{name}: paced at {rate:.0f}/s, {updates - updates // 2:,} updates", file=sys.stderr)
    paced = await phase(http, fake_url, updates=updates - updates // 2, rate=rate, timeout=120)
    return Result(name, peak, paced)


async def prepare_database(url: str, users: int) -> None:
    """An empty, migrated database whose clients are the simulated users."""
    database = await empty_database(url)
    async with database.writer() as session, session.begin():
        await session.execute(
            insert(Client),
            [
                {
                    "full_name": f"User {user_id}",
                    "phone": f"+3460{user_id:07d}",
                    "telegram_id": user_id,
                    "language": "en",
                }
                for user_id in user_ids(users)
            ],
        )
        # What the simulated users sign for: one language; no branch, so no branch step.
        session.add(Language(name="English", price_per_lesson=Decimal("20.00")))
    await database.dispose()


async def count_rows(url: str, model: type[Ticket] | type[Contract]) -> int:
    database = Database(url)
    async with database.reader() as session:
        count = int(await session.scalar(select(func.count()).select_from(model)) or 0)
    await database.dispose()
    return count


def report(results: list[Result], users: int, updates: int, database_url: str) -> None:
    print(f"\n{users:,} users, {updates:,} updates per bot; database: {database_url}")
    heads = ("peak/s", "paced/s", "p50", "p95", "p99", "lost", "extra", "peak RSS")
    print(f"{'bot':<12}" + "".join(f"{head:>10}" for head in heads))
    for result in results:
        paced = result.paced
        rss = f"{result.rss_mb:.0f} MB" if result.rss_mb is not None else "-"
        print(
            f"{result.name:<12}{result.peak['per_second']:>10.0f}{paced['per_second']:>10.0f}"
            f"{paced['p50_ms']:>8.1f}ms{paced['p95_ms']:>8.1f}ms{paced['p99_ms']:>8.1f}ms"
            f"{result.lost:>10}{result.extra:>10}{rss:>10}"
        )
    echo, ours = results[0], results[-1]
    ratio = ours.peak["per_second"] / echo.peak["per_second"]
    print(
        f"\nthroughput, crm run / echo bot: {ratio:.2f} (target >= {TARGET_RATIO}); "
        f"p99 at half peak: {ours.paced['p99_ms']:.1f} ms (target < {TARGET_P99_MS:.0f} ms); "
        f"peak RSS: {ours.rss_mb:.0f} MB (target < {TARGET_RSS_MB:.0f} MB)"
    )
    print(f"lost answers: {ours.lost}, duplicated answers: {ours.extra}; {ours.tickets_ok}")


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--users", type=int, default=2000)
    parser.add_argument("--updates", type=int, default=20_000)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    await asyncio.to_thread(OUT.mkdir, parents=True, exist_ok=True)
    url = args.database_url or f"sqlite+aiosqlite:///{OUT / 'updates.db'}"
    fake_port = free_port()
    fake_url = f"http://127.0.0.1:{fake_port}"
    python = sys.executable
    fake = start(
        [python, "-m", "bench.fake_api", "--port", str(fake_port), "--users", str(args.users)],
        OUT / "updates-fake.log",
    )
    results: list[Result] = []
    timeout = aiohttp.ClientTimeout(total=900)
    try:
        async with aiohttp.ClientSession(timeout=timeout) as http:
            await wait_for(http, f"{fake_url}/control/pending", fake)

            echo = start(
                [python, "-m", "bench.echo_bot", "--api", fake_url, "--token", TOKEN],
                OUT / "updates-echo.log",
            )
            try:
                results.append(await measure("echo bot", http, fake_url, args.users, args.updates))
            finally:
                stop(echo)

            print("crm run: preparing the database", file=sys.stderr)
            await prepare_database(url, args.users)
            web_port = free_port()
            bot = start(
                [python, "-m", "bot.cli", "run"],
                OUT / "updates-bot.log",
                env={
                    "CRM_BOT_TOKEN": TOKEN,
                    "CRM_TELEGRAM_API_URL": fake_url,
                    "CRM_DATABASE_URL": url,
                    "CRM_WEB_PORT": str(web_port),
                    "CRM_REDIS_URL": "",
                    "CRM_WEBHOOK_URL": "",
                },
            )
            try:
                await wait_for(http, f"http://127.0.0.1:{web_port}/healthz", bot)
                async with http.get(f"{fake_url}/control/pending") as response:
                    assert (await response.json())["pending_updates"] == 0
                ours = await measure("crm run", http, fake_url, args.users, args.updates)
                ours.rss_mb = peak_rss_mb(bot.pid)
                tickets = await count_rows(url, Ticket)
                contracts = await count_rows(url, Contract)
                # The fake counts every /new it sent and every Sign it pressed; the echo bot's
                # share opened no ticket and signed nothing.
                expected = ours.paced["new_tickets"] - results[0].paced["new_tickets"]
                signed = ours.paced["signings"] - results[0].paced["signings"]
                ours.tickets_ok = (
                    f"tickets in the database: {tickets:,} of {expected:,} /new messages; "
                    f"contracts: {contracts:,} of {signed:,} Sign presses"
                )
                results.append(ours)
            finally:
                stop(bot)
    finally:
        stop(fake)
    report(results, args.users, args.updates, url)


if __name__ == "__main__":
    started = time.perf_counter()
    asyncio.run(main())
    print(f"({time.perf_counter() - started:.0f} s)", file=sys.stderr)
