"""The morning digest for a large staff: how fast it is queued, how it is paced out.

    python -m bench.fanout [--employees 10000] [--database-url URL]

Fills a database with ``--employees`` specialists, each with an open ticket, queues the digest
the way the scheduler does, and lets the real sender deliver it over loopback HTTP to the fake
Bot API, which runs in its own process (as Telegram is another machine) and notes when each
message arrives. One employee in twenty also has a second message waiting, so the one-a-second
rule per chat is exercised. Printed: the time to queue, the delivery rate against Telegram's
30 messages a second, the most messages seen in any one second, and the shortest gap between
two messages to one chat.
"""

from __future__ import annotations

import argparse
import asyncio
import bisect
import gc
import itertools
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web
from sqlalchemy import insert

from bench.common import empty_database, free_port, start, stop, wait_for
from bot.factory import create_bot
from bot.sandbox.chat import JSONDict, SandboxUser
from bot.sandbox.server import create_app
from bot.sandbox.telegram import FakeTelegram
from crm.notify import Notifier
from crm.settings import Settings
from db.base import utcnow
from db.engine import Database
from db.enums import Role, TicketStatus
from db.models import Client, Employee, Ticket
from notifications.scheduler import send_digests
from notifications.sender import OutboxSender, SenderConfig

OUT = Path("bench/out")
TOKEN = "5100000000:fanout-benchmark"
FIRST = 6_000_001
RATE = 30.0


class Stopwatch(FakeTelegram):
    """The fake Telegram, noting when each message arrives, per chat."""

    def __init__(self, token: str) -> None:
        super().__init__(token)
        self.arrivals: list[float] = []
        self.by_chat: dict[int, list[float]] = defaultdict(list)

    def call(self, method: str, params: JSONDict) -> Any:
        result = super().call(method, params)
        if method.lower() == "sendmessage":
            now = time.perf_counter()
            self.arrivals.append(now)
            self.by_chat[int(params["chat_id"])].append(now)
        return result


async def fresh_database(url: str, employees: int) -> Database:
    database = await empty_database(url)
    ids = range(FIRST, FIRST + employees)
    async with database.writer() as session, session.begin():
        await session.execute(
            insert(Employee),
            [
                {"telegram_id": i, "full_name": f"Employee {i}", "role": Role.SPECIALIST}
                for i in ids
            ],
        )
        await session.execute(
            insert(Client), [{"full_name": f"Client {i}", "phone": f"+3461{i:07d}"} for i in ids]
        )
        await session.execute(
            insert(Ticket),
            [
                {
                    "client_id": n,
                    "assignee_id": n,
                    "status": TicketStatus.IN_PROGRESS,
                    "title": "The boiler is cold",
                    "description": "The boiler is cold",
                }
                for n in range(1, employees + 1)
            ],
        )
    return database


def busiest_second(arrivals: list[float]) -> int:
    """The most arrivals within any window of one second."""
    return max(
        (bisect.bisect_left(arrivals, at + 1.0) - n for n, at in enumerate(arrivals)), default=0
    )


ARRIVALS = "/control/arrivals"


async def arrivals(request: web.Request) -> web.Response:
    """How many messages arrived; with ``?all=1`` also when, and to which chat."""
    fake: Stopwatch = request.app[STOPWATCH]
    body: dict[str, Any] = {"count": len(fake.arrivals)}
    if request.query.get("all"):
        body["by_chat"] = {str(chat): times for chat, times in fake.by_chat.items()}
        body["arrivals"] = fake.arrivals
    return web.json_response(body)


STOPWATCH = web.AppKey("stopwatch", Stopwatch)


def serve(port: int, employees: int) -> None:
    """The fake Bot API with ``employees`` users, until interrupted."""
    fake = Stopwatch(TOKEN)
    for telegram_id in range(FIRST, FIRST + employees):
        fake.add_user(SandboxUser(id=telegram_id, first_name="Employee"))
    app = create_app(fake)
    app[STOPWATCH] = fake
    app.router.add_get(ARRIVALS, arrivals)
    gc.collect()
    gc.freeze()  # the stopwatch's own collector pauses would bunch the arrivals it times
    web.run_app(app, host="127.0.0.1", port=port, access_log=None, print=None)


async def deliver(database: Database, employees: int, total: int) -> dict[str, Any]:
    """Run the sender until the fake Bot API, in its own process, has all ``total`` messages."""
    port = free_port()
    log = OUT / "fanout-fake-api.log"
    server = start(
        [sys.executable, "-m", "bench.fanout", "--serve", str(port), "--employees", str(employees)],
        log,
    )
    base = f"http://127.0.0.1:{port}"
    bot = create_bot(TOKEN, base)
    sender = OutboxSender(database, bot, SenderConfig())  # the defaults: as in production
    stop_sending = asyncio.Event()
    try:
        async with aiohttp.ClientSession() as http:
            await wait_for(http, base + ARRIVALS, server)
            sending = asyncio.create_task(sender.run(stop_sending))
            count, shown = 0, 0
            while count < total:
                await asyncio.sleep(0.5)
                async with http.get(base + ARRIVALS) as response:
                    count = int((await response.json())["count"])
                if count - shown >= 500:
                    print(f"  delivered {count:,}", file=sys.stderr)
                    shown = count
            stop_sending.set()
            await sending
            async with http.get(base + ARRIVALS, params={"all": "1"}) as response:
                result: dict[str, Any] = await response.json()
    finally:
        stop_sending.set()
        await bot.session.close()
        stop(server)
    return result


async def main(args: argparse.Namespace) -> None:
    await asyncio.to_thread(OUT.mkdir, parents=True, exist_ok=True)
    url = args.database_url or f"sqlite+aiosqlite:///{OUT / 'fanout.db'}"
    print(f"database: {url}; filling {args.employees:,} employees", file=sys.stderr)
    database = await fresh_database(url, args.employees)
    notifier = Notifier("en")
    settings = Settings(_env_file=None, database_url=url)

    started = time.perf_counter()
    queued = await send_digests(database, notifier, settings)
    enqueue_seconds = time.perf_counter() - started
    print(f"digests queued: {queued:,} in {enqueue_seconds:.2f} s", file=sys.stderr)
    extra = 0
    async with database.writer() as session, session.begin():
        for telegram_id in range(FIRST, FIRST + args.employees, 20):
            await notifier.enqueue(
                session, telegram_id, "A second message for this chat", now=utcnow()
            )
            extra += 1
    total = queued + extra
    gc.collect()
    gc.freeze()  # as `crm run` does after start-up
    print(f"delivering {total:,} messages at up to {RATE:.0f}/s", file=sys.stderr)
    delivered = await deliver(database, args.employees, total)
    await database.dispose()

    arrivals: list[float] = sorted(delivered["arrivals"])
    by_chat: dict[str, list[float]] = delivered["by_chat"]
    rate = (len(arrivals) - 1) / (arrivals[-1] - arrivals[0])
    gaps = [b - a for times in by_chat.values() for a, b in itertools.pairwise(times)]
    print(f"\n{args.employees:,} employees; database: {url}")
    print(f"digests queued: {queued:,} in {enqueue_seconds:.2f} s (target < 1 s)")
    print(
        f"delivered: {len(arrivals):,} messages in {arrivals[-1] - arrivals[0]:.0f} s: "
        f"{rate:.1f}/s = {rate / RATE:.0%} of {RATE:.0f}/s (target >= 90%)"
    )
    print(f"most in any one second: {busiest_second(arrivals)} (limit {RATE:.0f})")
    print(f"shortest gap between two messages to one chat: {min(gaps):.2f} s (limit 1 s)")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--employees", type=int, default=10_000)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--serve", type=int, metavar="PORT", help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.serve:  # the fake Bot API's own process
        serve(arguments.serve, arguments.employees)
    else:
        asyncio.run(main(arguments))
