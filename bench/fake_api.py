"""The fake Bot API with simulated users, in its own process, for ``bench/updates.py``.

``python -m bench.fake_api --port P --users N`` serves the sandbox's fake Telegram (the same one
the tests use) at ``/bot<token>/<method>``, and a control endpoint the benchmark drives:

- ``POST /control/phase`` with ``{"updates": n, "concurrency": c}`` (closed loop: ``c`` users
  keep one message each in flight, the next one sent when the answer arrives) or
  ``{"updates": n, "rate": r}`` (open loop: a message every ``1/r`` s, each from a user who is
  not waiting for an answer). It answers, once every message was answered or ``timeout`` passed,
  with the throughput, the latencies from offer to answer, and the lost and extra answers.

A simulated user goes round ``/new <text>``, ``/tickets``, then signs a school contract:
``/contract``, a press on the first language, a press on *16* lessons, a press on *Sign*. Each
message and each press should get one answer. A press the bot left no button for (the echo
bot) is sent as ``/contracts`` instead.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import time
from collections import deque
from typing import Any

from aiohttp import web

from bench.common import percentile
from bot.sandbox.chat import JSONDict, SandboxUser
from bot.sandbox.server import create_app
from bot.sandbox.telegram import FakeTelegram

TOKEN = "5000000000:benchmark-token"
# What a simulated user does, round and round: "first" presses the first button of the newest
# message (the language), "16" the button of that text, "sign" the first (✅ Sign).
CYCLE = ("/new", "/tickets", "/contract", "first", "16", "sign")
FIRST_USER = 5_000_001


def user_ids(count: int) -> list[int]:
    return list(range(FIRST_USER, FIRST_USER + count))


class Load:
    """Offers users' messages and matches each answer to the message waiting in that chat."""

    def __init__(self, fake: BenchTelegram, users: list[int]) -> None:
        self.fake = fake
        self.users = set(users)
        self.idle: deque[int] = deque(users)
        self.waiting: dict[int, float] = {}  # chat -> when its message was offered
        self.sent_by_user: dict[int, int] = dict.fromkeys(users, 0)
        self.new_tickets = 0
        self.signings = 0
        self.offered = 0
        self.answered = 0
        self.extra = 0
        self.latencies: list[float] = []
        self.changed = asyncio.Event()

    def offer(self, chat: int) -> None:
        number = self.sent_by_user[chat]
        self.sent_by_user[chat] = number + 1
        step = CYCLE[number % len(CYCLE)]
        if step == "/new":
            self.fake.send_text(chat, f"/new My printer jams, case {chat}-{number}")
            self.new_tickets += 1
        elif step.startswith("/"):
            self.fake.send_text(chat, step)
        elif self._press(chat, None if step == "first" else step):
            self.signings += step == "sign"
        else:
            self.fake.send_text(chat, "/contracts")
        self.waiting[chat] = time.perf_counter()
        self.offered += 1

    def _press(self, chat: int, text: str | None) -> bool:
        """Press a button of the bot's newest message that has any: the one whose text is
        ``text`` (``sign``: the first), else the first; False when there is none."""
        for message in reversed(self.fake.bot_messages(chat)):
            rows = (message.reply_markup or {}).get("inline_keyboard", [])
            buttons = [button for row in rows for button in row if "callback_data" in button]
            if not buttons:
                continue
            wanted = [button for button in buttons if button["text"] == text] or buttons
            self.fake.press_callback(chat, message.message_id, wanted[0]["callback_data"])
            return True
        return False

    def answer(self, chat: int) -> None:
        if chat not in self.users:
            return
        offered = self.waiting.pop(chat, None)
        if offered is None:
            self.extra += 1  # an answer nobody waits for: a duplicate
            return
        self.latencies.append(time.perf_counter() - offered)
        self.answered += 1
        self.idle.append(chat)
        self.changed.set()

    async def _settle(self, timeout: float) -> None:
        deadline = time.perf_counter() + timeout
        while self.waiting and time.perf_counter() < deadline:
            self.changed.clear()
            try:
                await asyncio.wait_for(self.changed.wait(), 0.5)
            except TimeoutError:
                continue

    async def closed_loop(self, updates: int, concurrency: int, timeout: float) -> None:
        target = self.offered + updates
        for _ in range(min(concurrency, updates)):
            self.offer(self.idle.popleft())
        deadline = time.perf_counter() + timeout
        while self.offered < target and time.perf_counter() < deadline:
            self.changed.clear()
            while self.idle and self.offered < target:
                self.offer(self.idle.popleft())
            if self.offered < target:
                try:
                    await asyncio.wait_for(self.changed.wait(), 0.5)
                except TimeoutError:
                    continue
        await self._settle(max(0.0, deadline - time.perf_counter()))

    async def open_loop(self, updates: int, rate: float, timeout: float) -> int:
        """Offer at ``rate``; returns how many offers found no idle user (should be none)."""
        start = time.perf_counter()
        starved = 0
        for number in range(updates):
            delay = start + number / rate - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            if self.idle:
                self.offer(self.idle.popleft())
            else:
                starved += 1
        await self._settle(timeout)
        return starved


class BenchTelegram(FakeTelegram):
    """The fake Telegram, telling the load about every message the bot sends."""

    load: Load | None = None

    def call(self, method: str, params: JSONDict) -> Any:
        result = super().call(method, params)
        if method.lower() == "sendmessage" and self.load is not None:
            self.load.answer(int(params["chat_id"]))
        return result

    def forget_history(self) -> None:
        """Keep memory flat over a long run: the benchmark needs no transcript, only each
        chat's newest message (its buttons are what the user presses next)."""
        self.calls.clear()
        for user_id in self.users:
            del self._chat(user_id).messages[:-1]


async def run_phase(request: web.Request) -> web.Response:
    load: Load = request.app[LOAD]
    fake: BenchTelegram = request.app[FAKE]
    spec = await request.json()
    before = (load.offered, load.answered, load.extra, len(load.latencies))
    timeout = float(spec.get("timeout", 120))
    started = time.perf_counter()
    starved = 0
    if "rate" in spec:
        starved = await load.open_loop(int(spec["updates"]), float(spec["rate"]), timeout)
    else:
        await load.closed_loop(int(spec["updates"]), int(spec["concurrency"]), timeout)
    elapsed = time.perf_counter() - started
    latencies = load.latencies[before[3] :]
    answered = load.answered - before[1]
    fake.forget_history()
    return web.json_response(
        {
            "offered": load.offered - before[0],
            "answered": answered,
            "lost": len(load.waiting),
            "extra": load.extra - before[2],
            "starved": starved,
            "seconds": elapsed,
            "per_second": answered / elapsed if elapsed else 0.0,
            "p50_ms": percentile(latencies, 0.50) * 1000,
            "p95_ms": percentile(latencies, 0.95) * 1000,
            "p99_ms": percentile(latencies, 0.99) * 1000,
            "new_tickets": load.new_tickets,
            "signings": load.signings,
        }
    )


async def pending(request: web.Request) -> web.Response:
    fake: BenchTelegram = request.app[FAKE]
    return web.json_response({"pending_updates": fake.pending_updates()})


FAKE = web.AppKey("fake", BenchTelegram)
LOAD = web.AppKey("load", Load)


def make_app(users: int) -> web.Application:
    fake = BenchTelegram(TOKEN)
    for user_id in user_ids(users):
        fake.add_user(SandboxUser(id=user_id, first_name=f"User{user_id}", language_code="en"))
    fake.load = Load(fake, user_ids(users))
    app = create_app(fake)
    app[FAKE] = fake
    app[LOAD] = fake.load
    app.router.add_post("/control/phase", run_phase)
    app.router.add_get("/control/pending", pending)
    return app


def main() -> None:
    parser = argparse.ArgumentParser(description="the fake Bot API for bench/updates.py")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--users", type=int, default=2000)
    args = parser.parse_args()
    app = make_app(args.users)
    gc.collect()
    gc.freeze()  # the fake's own collector pauses would count against whichever bot is measured
    web.run_app(app, host="127.0.0.1", port=args.port, access_log=None)


if __name__ == "__main__":
    main()
