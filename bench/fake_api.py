"""The fake Bot API with simulated users, in its own process, for ``bench/updates.py``.

``python -m bench.fake_api --port P --users N [--staff S]`` serves the sandbox's fake Telegram
(the same one the tests use) at ``/bot<token>/<method>``, and a control endpoint the benchmark
drives:

- ``POST /control/phase`` with ``{"updates": n, "concurrency": c}`` (closed loop: ``c`` users
  keep one message each in flight, the next one sent when the answer arrives; with
  ``"users": k``, only the first ``k`` idle users take part: the warm-up) or
  ``{"updates": n, "rate": r}`` (open loop: a message every ``1/r`` s, each from a user who is
  not waiting for an answer). It answers, once every message was answered or ``timeout`` passed,
  with the throughput, the latencies from offer to answer, and the lost and extra answers (in
  all and by step of the round).
- ``POST /control/restart``: for the next bot, every chat emptied and every user back at a
  start of their round (staggered over the round's commands).

A simulated client goes round ``CLIENT_ROUND``: ``/new <text>``, ``/tickets``, signing a school
contract (``/contract``, a press on the first language, on *16* lessons, on *Sign*), ``/sessions``
and a press on the first session (its card), ``/agenda``, ``/events`` and a press on the first
event's button (join, or leave the next time round). A simulated employee (a specialist who owns
deals) goes round ``STAFF_ROUND``: ``/deals``, a press on the first deal (its card), ``/agenda``.

Each message and each press should get exactly one ``sendMessage``: a press that also edits
the message it was made on (the contract's steps drop their buttons, an event list is redrawn)
is answered by the message the bot sends, not by the edit. A press for which the bot left no
button (the echo bot; a bot that answered the step before without one) is sent as the round's
fallback command instead, and counted.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import time
from collections import Counter, deque
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from bench.common import percentile
from bot.sandbox.chat import JSONDict, SandboxUser
from bot.sandbox.server import create_app
from bot.sandbox.telegram import FakeTelegram

TOKEN = "5000000000:benchmark-token"
FIRST_USER = 5_000_001
FIRST_STAFF = 6_000_001


@dataclass(frozen=True)
class Press:
    """A press on a button of the bot's newest message that has one whose callback data starts
    with ``prefix``: the one whose text is ``text``, else the first such."""

    prefix: str
    text: str | None = None

    def __str__(self) -> str:
        return f"press {self.prefix}{self.text or ''}"


Step = str | Press

# The callback data is handlers/*/keyboards.py's: ``<prefix>:<field>:<field>``.
CLIENT_ROUND: tuple[Step, ...] = (
    "/new",
    "/tickets",
    "/contract",
    Press("cs:language:"),  # the first language
    Press("cs:lessons:", "16"),
    Press("cs:confirm:1"),  # ✅ Sign
    "/sessions",
    Press("ss:view:"),  # the soonest session's card
    "/agenda",
    "/events",
    Press("ev:"),  # join the first event (leave it the next time round)
)
STAFF_ROUND: tuple[Step, ...] = ("/deals", Press("dl:view:"), "/agenda")
SIGN = Press("cs:confirm:1")
CLIENT_STARTS = tuple(n for n, step in enumerate(CLIENT_ROUND) if isinstance(step, str))
STAFF_STARTS = tuple(n for n, step in enumerate(STAFF_ROUND) if isinstance(step, str))
# What is sent instead of a press that finds no button: a command that answers once.
CLIENT_FALLBACK, STAFF_FALLBACK = "/contracts", "/agenda"


def user_ids(count: int) -> list[int]:
    return list(range(FIRST_USER, FIRST_USER + count))


def staff_ids(count: int) -> list[int]:
    return list(range(FIRST_STAFF, FIRST_STAFF + count))


class Load:
    """Offers users' messages and matches each answer to the message waiting in that chat."""

    def __init__(self, fake: BenchTelegram, users: list[int], staff: list[int]) -> None:
        self.fake = fake
        self.staff = set(staff)
        self.users = set(users) | self.staff
        # Clients and employees interleaved, so each phase has its share of both.
        every = max(1, len(users) // max(1, len(staff)))
        employees = deque(staff)
        everyone: list[int] = []
        for number, user in enumerate(users, 1):
            everyone.append(user)
            if employees and number % every == 0:
                everyone.append(employees.popleft())
        self.order = [*everyone, *employees]
        self.idle: deque[int] = deque()
        self.waiting: dict[int, tuple[float, str]] = {}  # chat -> when offered, which step
        self.last_step: dict[int, str] = {}
        self.sent_by_user: dict[int, int] = {}  # the step each is at, counted from the start
        self.new_tickets = 0
        self.signings = 0
        self.offered = 0
        self.answered = 0
        self.extra = 0
        self.offered_steps: Counter[str] = Counter()
        self.extra_steps: Counter[str] = Counter()
        self.no_button: Counter[str] = Counter()
        self.latencies: list[float] = []
        self.changed = asyncio.Event()
        self.restart()

    def restart(self) -> None:
        """Everyone idle and at a start of their round, staggered: the n-th client starts at
        the n-th of the round's commands (a press needs the message before it), and so do the
        employees, so that a phase of any length has every step about as often."""
        self.waiting.clear()
        self.idle = deque(self.order)
        counts = {True: 0, False: 0}
        for user in self.order:
            staff = user in self.staff
            starts = STAFF_STARTS if staff else CLIENT_STARTS
            self.sent_by_user[user] = starts[counts[staff] % len(starts)]
            counts[staff] += 1

    def offer(self, chat: int) -> None:
        number = self.sent_by_user[chat]
        self.sent_by_user[chat] = number + 1
        staff = chat in self.staff
        cycle = STAFF_ROUND if staff else CLIENT_ROUND
        step = cycle[number % len(cycle)]
        name = str(step)
        if isinstance(step, Press):
            if self._press(chat, step):
                self.signings += step == SIGN
            else:
                self.no_button[name] += 1
                self.fake.send_text(chat, STAFF_FALLBACK if staff else CLIENT_FALLBACK)
        elif step == "/new":
            self.fake.send_text(chat, f"/new My printer jams, case {chat}-{number}")
            self.new_tickets += 1
        else:
            self.fake.send_text(chat, step)
        self.waiting[chat] = (time.perf_counter(), name)
        self.last_step[chat] = name
        self.offered_steps[name] += 1
        self.offered += 1

    def _press(self, chat: int, press: Press) -> bool:
        """Press ``press``'s button on the bot's newest message that has one; False when no
        message has."""
        for message in reversed(self.fake.bot_messages(chat)):
            rows = (message.reply_markup or {}).get("inline_keyboard", [])
            buttons = [
                button
                for row in rows
                for button in row
                if str(button.get("callback_data", "")).startswith(press.prefix)
            ]
            if not buttons:
                continue
            wanted = [button for button in buttons if button["text"] == press.text] or buttons
            self.fake.press_callback(chat, message.message_id, wanted[0]["callback_data"])
            return True
        return False

    def answer(self, chat: int) -> None:
        if chat not in self.users:
            return
        waiting = self.waiting.pop(chat, None)
        if waiting is None:
            self.extra += 1  # an answer nobody waits for: a duplicate
            self.extra_steps[self.last_step.get(chat, "?")] += 1
            return
        self.latencies.append(time.perf_counter() - waiting[0])
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

    def _take(self, among: set[int] | None) -> int | None:
        """The next idle user (of ``among``, if given); None when there is none."""
        if among is None:
            return self.idle.popleft() if self.idle else None
        for index, chat in enumerate(self.idle):
            if chat in among:
                del self.idle[index]
                return chat
        return None

    async def closed_loop(
        self, updates: int, concurrency: int, timeout: float, users: int = 0
    ) -> None:
        """``updates`` offered, ``concurrency`` in flight; with ``users``, only by the first
        that many idle users (the warm-up: a few users a whole round each)."""
        among = set(list(self.idle)[:users]) if users else None
        target = self.offered + updates
        deadline = time.perf_counter() + timeout
        while self.offered < target and time.perf_counter() < deadline:
            self.changed.clear()
            while self.offered < target and len(self.waiting) < concurrency:
                chat = self._take(among)
                if chat is None:
                    break
                self.offer(chat)
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

    def restart(self) -> None:
        """A new bot: every chat empty (no button of the last bot's to press), every user at
        a start of their round."""
        for user_id in self.users:
            self._chat(user_id).messages.clear()
        if self.load is not None:
            self.load.restart()

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
    steps_before = (load.offered_steps.copy(), load.extra_steps.copy(), load.no_button.copy())
    timeout = float(spec.get("timeout", 120))
    started = time.perf_counter()
    starved = 0
    if "rate" in spec:
        starved = await load.open_loop(int(spec["updates"]), float(spec["rate"]), timeout)
    else:
        concurrency, users = int(spec["concurrency"]), int(spec.get("users", 0))
        await load.closed_loop(int(spec["updates"]), concurrency, timeout, users)
    elapsed = time.perf_counter() - started
    latencies = load.latencies[before[3] :]
    answered = load.answered - before[1]
    lost_steps = Counter(step for _, step in load.waiting.values())
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
            "steps": dict(load.offered_steps - steps_before[0]),
            "lost_steps": dict(lost_steps),
            "extra_steps": dict(load.extra_steps - steps_before[1]),
            "no_button": dict(load.no_button - steps_before[2]),
        }
    )


async def restart(request: web.Request) -> web.Response:
    request.app[FAKE].restart()
    return web.json_response({"restarted": True})


async def pending(request: web.Request) -> web.Response:
    fake: BenchTelegram = request.app[FAKE]
    return web.json_response({"pending_updates": fake.pending_updates()})


FAKE = web.AppKey("fake", BenchTelegram)
LOAD = web.AppKey("load", Load)


def make_app(users: int, staff: int) -> web.Application:
    fake = BenchTelegram(TOKEN)
    for user_id in user_ids(users):
        fake.add_user(SandboxUser(id=user_id, first_name=f"User{user_id}", language_code="en"))
    for user_id in staff_ids(staff):
        fake.add_user(SandboxUser(id=user_id, first_name=f"Staff{user_id}", language_code="en"))
    fake.load = Load(fake, user_ids(users), staff_ids(staff))
    app = create_app(fake)
    app[FAKE] = fake
    app[LOAD] = fake.load
    app.router.add_post("/control/phase", run_phase)
    app.router.add_get("/control/pending", pending)
    app.router.add_post("/control/restart", restart)
    return app


def main() -> None:
    parser = argparse.ArgumentParser(description="the fake Bot API for bench/updates.py")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--users", type=int, default=300)
    parser.add_argument("--staff", type=int, default=0)
    args = parser.parse_args()
    app = make_app(args.users, args.staff)
    gc.collect()
    gc.freeze()  # the fake's own collector pauses would count against whichever bot is measured
    web.run_app(app, host="127.0.0.1", port=args.port, access_log=None)


if __name__ == "__main__":
    main()
