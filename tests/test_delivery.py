"""The outbox sender and the digest against a real database and the fake Bot API over HTTP."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import date, timedelta

import pytest
from aiogram import Bot

from bot.factory import create_bot
from bot.sandbox.chat import Fault
from bot.sandbox.telegram import FakeTelegram
from crm.areas import areas_on, digest_parts
from crm.notify import Notifier
from crm.overview.digest import enqueue_digests
from crm.tickets.tickets import open_ticket
from db.base import utcnow
from db.engine import Database
from db.enums import OutboxStatus, TicketStatus
from db.models import OutboxMessage
from db.outbox import Claimed
from notifications.ratelimit import RateLimiter
from notifications.sender import OutboxSender, SenderConfig
from tests.conftest import BOT_TOKEN
from tests.support.desk import ANNA, IVAN, MARIA, PAVEL, TOM, People, add_people, outbox
from tests.support.e2e import eventually_async

QUICK = SenderConfig(
    per_chat_seconds=0.0, idle_seconds=0.05, backoff_base_seconds=0.05, lease_seconds=0.5
)

EVERY_PART = digest_parts(areas_on(None))


@pytest.fixture
async def bot(fake_telegram: tuple[FakeTelegram, str]) -> AsyncIterator[Bot]:
    _, url = fake_telegram
    telegram_bot = create_bot(BOT_TOKEN, url)
    yield telegram_bot
    await telegram_bot.session.close()


@pytest.fixture
async def people(database: Database, fake_telegram: tuple[FakeTelegram, str]) -> People:
    return await add_people(database, fake_telegram[0])


async def queue_messages(database: Database, chat_id: int, count: int) -> None:
    notifier = Notifier("en")
    async with database.writer() as session, session.begin():
        for number in range(count):
            await notifier.enqueue(session, chat_id, f"message {number}", now=utcnow())


async def test_a_sender_killed_between_claim_and_send_delivers_after_restart_once(
    database: Database, bot: Bot, fake_telegram: tuple[FakeTelegram, str], people: People
) -> None:
    fake, _ = fake_telegram
    await queue_messages(database, MARIA, 1)
    crashed = OutboxSender(database, bot, QUICK)
    claimed = asyncio.Event()

    async def die_here(message: Claimed) -> None:
        claimed.set()
        await asyncio.Event().wait()  # the process is stuck here until it is killed

    crashed.before_send = die_here
    attempt = asyncio.create_task(crashed.deliver_due())
    await claimed.wait()
    attempt.cancel()  # killed after claiming, before sending
    await asyncio.gather(attempt, return_exceptions=True)
    assert fake.bot_messages(MARIA) == []
    [leased] = await outbox(database)
    assert leased.status is OutboxStatus.PENDING and leased.lease_until is not None

    restarted = OutboxSender(database, bot, QUICK)
    assert await restarted.deliver_due() == 0  # the lease still holds
    await eventually_async(restarted.deliver_due, what="the lease to run out")
    assert [m.text for m in fake.bot_messages(MARIA)] == ["message 0"]
    [sent] = await outbox(database)
    assert sent.status is OutboxStatus.SENT and sent.attempts == 2


async def test_two_senders_never_send_one_message_twice(
    database: Database, bot: Bot, fake_telegram: tuple[FakeTelegram, str], people: People
) -> None:
    fake, _ = fake_telegram
    for chat in (MARIA, IVAN, TOM, ANNA):
        await queue_messages(database, chat, 10)
    first, second = OutboxSender(database, bot, QUICK), OutboxSender(database, bot, QUICK)
    while sum(await asyncio.gather(first.deliver_due(), second.deliver_due())):
        pass
    for chat in (MARIA, IVAN, TOM, ANNA):
        assert [m.text for m in fake.bot_messages(chat)] == [f"message {n}" for n in range(10)]
    assert {m.status for m in await outbox(database)} == {OutboxStatus.SENT}


async def test_the_sender_keeps_telegrams_limits(
    database: Database, bot: Bot, fake_telegram: tuple[FakeTelegram, str], people: People
) -> None:
    fake, _ = fake_telegram
    await queue_messages(database, MARIA, 3)
    for chat in (IVAN, TOM, ANNA, PAVEL):
        await queue_messages(database, chat, 1)
    sender = OutboxSender(database, bot, SenderConfig(rate_per_second=10, per_chat_seconds=0.5))
    started = asyncio.get_running_loop().time()
    stamps: list[tuple[float, int]] = []
    original = fake.call

    def timed(method: str, params: dict[str, object]) -> object:
        if method == "sendMessage":
            stamps.append(
                (asyncio.get_running_loop().time() - started, int(str(params["chat_id"])))
            )
        return original(method, params)

    fake.call = timed  # type: ignore[method-assign]
    while await sender.deliver_due():
        pass
    assert len(stamps) == 7
    times = sorted(at for at, _ in stamps)
    assert all(b - a >= 0.1 - 0.01 for a, b in itertools.pairwise(times))
    marias = [at for at, chat in stamps if chat == MARIA]
    assert all(b - a >= 0.5 - 0.01 for a, b in itertools.pairwise(marias))


def test_the_rate_limiter_reserves_in_order() -> None:
    now = [100.0]
    limiter = RateLimiter(rate=30, per_chat=1.0, clock=lambda: now[0])
    starts = [limiter.reserve(chat) for chat in (1, 2, 1, 3, 1)]
    assert starts[:2] == [100.0, pytest.approx(100 + 1 / 30)]
    assert starts[2] == 101.0 and starts[4] == 102.0  # one a second to chat 1
    limiter.hold(5)
    assert limiter.reserve(4) == 105.0


def test_sleepers_woken_late_together_still_keep_the_rate() -> None:
    """A stalled event loop wakes many planned sends at once: the real starts stay in budget."""
    now = [100.0]
    limiter = RateLimiter(rate=29, per_chat=1.0, clock=lambda: now[0])
    for chat in range(40):
        limiter.reserve(chat)  # planned over about 1.4 s
    now[0] = 102.0  # the loop stalled: every planned slot has passed
    waits = [limiter.admit(chat) for chat in range(40)]
    assert waits.count(0.0) == 29  # at most 29 in any second
    assert all(wait == pytest.approx(1.0) for wait in waits if wait)
    now[0] = 102.5
    assert limiter.reserve(0) == 103.0  # chat 0 really went at 102.0, not at its planned 100.0


async def test_a_permanent_400_is_given_up_with_its_reason(
    database: Database, bot: Bot, fake_telegram: tuple[FakeTelegram, str], people: People
) -> None:
    notifier = Notifier("en")
    async with database.writer() as session, session.begin():
        await notifier.enqueue(
            session, 424242, "to nobody", now=utcnow()
        )  # a chat Telegram does not know
    await OutboxSender(database, bot, QUICK).deliver_due()
    [failed] = await outbox(database)
    assert failed.status is OutboxStatus.FAILED
    assert failed.last_error == "400: Bad Request: chat not found"


async def test_the_digest_goes_once_per_employee_per_day(
    database: Database, bot: Bot, fake_telegram: tuple[FakeTelegram, str], people: People
) -> None:
    fake, _ = fake_telegram
    notifier = Notifier("en")
    async with database.writer() as session, session.begin():
        first = await open_ticket(
            session,
            actor=people.maria,
            client=people.maria,
            description="Fan <noise>",
            now=utcnow(),
        )
        second = await open_ticket(
            session, actor=people.bob, client=people.bob, description="Cracked screen", now=utcnow()
        )
        first.assignee_id = people.ivan.id
        first.status = TicketStatus.IN_PROGRESS
        second.status = TicketStatus.NEW
    day = date(2026, 11, 23)

    async def run_once() -> int:
        async with database.writer() as session, session.begin():
            return await enqueue_digests(session, notifier, EVERY_PART, day=day, now=utcnow())

    counts = await asyncio.gather(run_once(), run_once())  # two processes, or a double fire
    assert sorted(counts) == [0, 3]  # Ivan (his ticket), Pavel (his client's), Anna (the queue)
    assert await run_once() == 0
    while await OutboxSender(database, bot, QUICK).deliver_due():
        pass
    [ivans] = fake.bot_messages(IVAN)
    assert ivans.text.startswith("☀️ Your open tickets: 1")
    assert "Ticket #1 · in progress · Maria Lopez: Fan <noise>" in ivans.text
    [annas] = fake.bot_messages(ANNA)
    assert "Unassigned in the queue: 1 (/queue)" in annas.text
    assert len(fake.bot_messages(PAVEL)) == 1
    assert fake.bot_messages(TOM) == []  # nothing open: no digest
    async with database.writer() as session, session.begin():
        assert (
            await enqueue_digests(
                session, notifier, EVERY_PART, day=date(2026, 11, 24), now=utcnow()
            )
            == 3
        )


async def queue_row(
    database: Database, chat_id: int, text: str, *, method: str = "sendMessage", due_in: float = 0
) -> None:
    """One outbox row as it is stored, due ``due_in`` seconds from now."""
    now = utcnow()
    async with database.writer() as session, session.begin():
        session.add(
            OutboxMessage(
                chat_id=chat_id,
                method=method,
                payload={"text": text},
                next_attempt_at=now + timedelta(seconds=due_in),
                created_at=now,
            )
        )


async def deliver_until_quiet(sender: OutboxSender) -> None:
    while await sender.deliver_due():
        pass


async def test_an_unforeseen_failure_fails_that_message_at_once_and_the_chat_goes_on(
    database: Database, bot: Bot, fake_telegram: tuple[FakeTelegram, str], people: People
) -> None:
    fake, _ = fake_telegram
    await queue_row(database, MARIA, "a sticker", method="sendSticker")  # no way to send it
    await queue_row(database, MARIA, "after it")
    await deliver_until_quiet(OutboxSender(database, bot, QUICK))
    bad, good = await outbox(database)
    assert bad.status is OutboxStatus.FAILED and bad.attempts == 1
    assert "sendSticker" in (bad.last_error or "")
    assert good.status is OutboxStatus.SENT
    assert [m.text for m in fake.bot_messages(MARIA)] == ["after it"]


async def test_a_message_telegram_keeps_failing_is_given_up_after_the_cap_and_the_chat_goes_on(
    database: Database, bot: Bot, fake_telegram: tuple[FakeTelegram, str], people: People
) -> None:
    fake, _ = fake_telegram
    fake.faults.append(Fault("sendMessage", 500, "Internal Server Error", chat_id=MARIA, times=3))
    await queue_row(database, MARIA, "first")
    await queue_row(database, MARIA, "second")
    sender = OutboxSender(database, bot, replace(QUICK, max_attempts=3, backoff_base_seconds=0))
    for _ in range(4):  # three tries of the first, then the second goes
        await deliver_until_quiet(sender)
    first, second = await outbox(database)
    assert first.status is OutboxStatus.FAILED and first.attempts == 3
    assert "gave up after 3 attempts" in (first.last_error or "")
    assert second.status is OutboxStatus.SENT
    assert [m.text for m in fake.bot_messages(MARIA)] == ["second"]


async def test_a_message_too_old_is_given_up_rather_than_retried(
    database: Database, bot: Bot, fake_telegram: tuple[FakeTelegram, str], people: People
) -> None:
    fake, _ = fake_telegram
    fake.faults.append(Fault("sendMessage", 502, "Bad Gateway", chat_id=MARIA, times=None))
    await queue_row(database, MARIA, "stale")
    await OutboxSender(database, bot, replace(QUICK, max_age_seconds=0)).deliver_due()
    [stale] = await outbox(database)
    assert stale.status is OutboxStatus.FAILED and "gave up" in (stale.last_error or "")


async def test_a_message_due_tomorrow_does_not_hold_back_the_chats_messages_due_now(
    database: Database, bot: Bot, fake_telegram: tuple[FakeTelegram, str], people: People
) -> None:
    fake, _ = fake_telegram
    await queue_row(database, MARIA, "reminder for tomorrow", due_in=24 * 3600)
    await queue_row(database, MARIA, "now")
    await deliver_until_quiet(OutboxSender(database, bot, QUICK))
    later, now = await outbox(database)
    assert now.status is OutboxStatus.SENT
    assert later.status is OutboxStatus.PENDING and later.attempts == 0
    assert [m.text for m in fake.bot_messages(MARIA)] == ["now"]


async def test_a_message_due_tomorrow_goes_when_the_senders_clock_reaches_it(
    database: Database, bot: Bot, fake_telegram: tuple[FakeTelegram, str], people: People
) -> None:
    fake, _ = fake_telegram
    await queue_row(database, MARIA, "your session is tomorrow", due_in=24 * 3600)
    assert await OutboxSender(database, bot, QUICK).deliver_due() == 0
    tomorrow = utcnow() + timedelta(days=1, seconds=1)
    sender = OutboxSender(database, bot, QUICK, clock=lambda: tomorrow)
    assert await sender.deliver_due() == 1
    [sent] = await outbox(database)
    assert sent.status is OutboxStatus.SENT
    assert sent.sent_at == tomorrow
    assert [m.text for m in fake.bot_messages(MARIA)] == ["your session is tomorrow"]
