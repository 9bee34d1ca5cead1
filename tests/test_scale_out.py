"""More than one process: PostgreSQL and Redis shared by several ``crm run``.

The two-process test starts two real ``crm run`` processes in webhook mode behind one round-robin
address, with Telegram pushing updates (some twice) to that address, and shows: every update
applied and answered once, every notification delivered once, one digest per employee, one
scheduler leader, and a standby that takes over when the leader stops.
"""

from __future__ import annotations

import asyncio
import bisect
import itertools
import signal
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import aiohttp
import pytest
from redis.asyncio import Redis
from sqlalchemy import func, select

from bot.sandbox.chat import SandboxUser
from bot.sandbox.telegram import FakeTelegram
from db.engine import Database
from db.enums import OutboxStatus, Role
from db.migrate import upgrade
from db.models import Client, Employee, OutboxMessage, ProcessedUpdate, Ticket
from notifications.leader import LeaderLease, lead
from notifications.ratelimit import RedisRateLimiter
from tests.conftest import (
    BOT_TOKEN,
    POSTGRES_URL,
    REDIS_URL,
    SECRET_KEY,
    WEBHOOK_SECRET,
    needs_redis,
)
from tests.support.e2e import bot_said, eventually, eventually_async, outbox_drained
from tests.support.processes import CrmProcess, RoundRobinProxy, WebhookPusher, free_port
from tests.support.site import sign_in
from tests.support.workers import reset_postgres
from web.throttle import Limits, RedisThrottle

needs_both = pytest.mark.skipif(
    not (REDIS_URL and POSTGRES_URL),
    reason="PostgreSQL and Redis not configured: set CRM_TEST_DATABASE_URL and CRM_TEST_REDIS_URL",
)


@needs_redis
async def test_two_limiters_sharing_redis_keep_one_budget(redis: Redis) -> None:
    """Two senders (two limiters on one Redis) together keep the overall and per-chat pace: the
    n-th send starts no sooner than n slots after the first was asked for. (A lower bound only:
    a busy machine may wake a send late, which never makes the pace faster.)"""
    first, second = RedisRateLimiter(redis, 20, 0.5), RedisRateLimiter(redis, 20, 0.5)
    loop = asyncio.get_running_loop()
    stamps: list[tuple[float, int]] = []

    async def send(limiter: RedisRateLimiter, chat: int) -> None:
        await limiter.wait(chat)
        stamps.append((loop.time(), chat))

    chats = [1, 2, 3, 1, 4, 5, 1, 6, 7, 8, 2, 9]
    asked = loop.time()
    await asyncio.gather(*(send(first if n % 2 else second, chat) for n, chat in enumerate(chats)))
    times = sorted(at for at, _ in stamps)
    assert all(at - asked >= n * 0.05 - 0.01 for n, at in enumerate(times))
    for chat in (1, 2):
        mine = sorted(at for at, c in stamps if c == chat)
        assert all(at - asked >= n * 0.5 - 0.01 for n, at in enumerate(mine))

    await first.pause(0.3)  # a 429 seen by one sender holds the other back too
    before = loop.time()
    await second.wait(99)
    assert loop.time() - before >= 0.3 - 0.02


@needs_redis
async def test_sign_in_attempts_counted_on_two_processes_meet_one_limit(redis: Redis) -> None:
    """A guesser spreading attempts over the processes is throttled as if there were one."""
    limits = Limits(per_address_login=3, per_login=4, per_address=10)
    first, second = RedisThrottle(redis, limits, window=60), RedisThrottle(redis, limits, window=60)
    address = "203.0.113.9"
    for throttle in (first, second, first):
        assert not (await throttle.reserve("anna", address)).refused
    for throttle in (first, second):
        assert 59 < (await throttle.reserve("Anna", address)).wait <= 60  # logins match any case
    assert not (await second.reserve("anna", "198.51.100.7")).refused  # another address
    assert (await first.reserve("anna", "198.51.100.8")).refused  # the account's own limit
    boris = await first.reserve("boris", address)
    assert not boris.refused
    await second.succeeded(boris)  # a right password clears the account's count everywhere
    assert len(await redis.keys("crm:sign-in:*")) == 5  # anna's 3 keys, and 2 addresses


@needs_redis
async def test_simultaneous_attempts_on_two_processes_take_exactly_the_limit(redis: Redis) -> None:
    """Reserving is one step in Redis: 120 attempts at once, from two processes, let 5 through."""
    assert REDIS_URL is not None
    other = Redis.from_url(REDIS_URL)  # the second process's own connections
    first, second = RedisThrottle(redis), RedisThrottle(other)
    attempts = await asyncio.gather(
        *((first if n % 2 else second).reserve("anna", "203.0.113.9") for n in range(120))
    )
    await other.aclose()
    assert sum(not attempt.refused for attempt in attempts) == Limits().per_address_login


@needs_redis
async def test_past_the_address_ceiling_redis_slows_the_address_with_growing_delays(
    redis: Redis,
) -> None:
    """The same rule as the process's throttle: slowed after the ceiling, never locked."""
    limits = Limits(per_address=3, first_delay=0.2, longest_delay=0.3)
    throttle = RedisThrottle(redis, limits)
    for login in ("anna", "boris", "carl"):
        assert not (await throttle.reserve(login, "203.0.113.9")).refused
    assert 0 < (await throttle.reserve("dora", "203.0.113.9")).wait <= 0.2
    await asyncio.sleep(0.25)
    assert not (await throttle.reserve("dora", "203.0.113.9")).refused
    assert 0.2 < (await throttle.reserve("emil", "203.0.113.9")).wait <= 0.3  # doubled, capped
    assert not (await throttle.reserve("anna", "198.51.100.7")).refused  # another address


@needs_redis
async def test_attempts_older_than_the_window_no_longer_count(redis: Redis) -> None:
    throttle = RedisThrottle(redis, Limits(per_address_login=2), window=0.4)
    for _ in range(2):
        assert not (await throttle.reserve("anna", "203.0.113.9")).refused
    assert 0 < (await throttle.reserve("anna", "203.0.113.9")).wait <= 0.4
    await asyncio.sleep(0.45)
    assert not (await throttle.reserve("anna", "203.0.113.9")).refused
    await asyncio.sleep(0.45)
    assert await redis.keys("crm:sign-in:*") == []  # expired, not kept forever


@needs_redis
async def test_senders_woken_late_together_share_one_second_budget(redis: Redis) -> None:
    """After a stall, the sends whose planned slots passed start no more than the rate a second."""
    first, second = RedisRateLimiter(redis, 10, 1.0), RedisRateLimiter(redis, 10, 1.0)
    starts: list[float] = []

    async def send(limiter: RedisRateLimiter, chat: int) -> None:
        # The moment the limiters let it start, on Redis's clock: what the budget is counted by
        # (this process may be slow to resume a task afterwards, which is not the limiter's).
        starts.append(await limiter.admit(chat) / 1_000_000)

    sending = [asyncio.create_task(send(first if n % 2 else second, n)) for n in range(20)]
    await asyncio.sleep(0.3)  # every task has its planned slot (spread over 2 s)
    time.sleep(1.6)  # the event loop stalls, on purpose: some 16 slots pass, more than a second's
    await asyncio.gather(*sending)
    starts.sort()
    busiest = max(bisect.bisect_left(starts, at + 1.0) - n for n, at in enumerate(starts))
    assert busiest <= 10


@needs_redis
async def test_one_leader_at_a_time_and_a_standby_takes_over(redis: Redis) -> None:
    leaders: dict[str, bool] = {"a": False, "b": False}
    overlaps: list[str] = []

    def callbacks(name: str) -> dict[str, object]:
        def elected() -> None:
            if any(leaders.values()):
                overlaps.append(name)
            leaders[name] = True

        def deposed() -> None:
            leaders[name] = False

        return {"on_elected": elected, "on_deposed": deposed}

    stop_a, stop_b = asyncio.Event(), asyncio.Event()
    lease_a = LeaderLease(redis, key="test:leader", ttl=0.6)
    task_a = asyncio.create_task(lead(lease_a, stop_a, **callbacks("a")))  # type: ignore[arg-type]
    await eventually(lambda: leaders["a"], what="a elected")
    lease_b = LeaderLease(redis, key="test:leader", ttl=0.6)
    task_b = asyncio.create_task(lead(lease_b, stop_b, **callbacks("b")))  # type: ignore[arg-type]
    await asyncio.sleep(1.5)  # several renewals: b stays a standby
    assert leaders == {"a": True, "b": False}

    # a dies without a word: its lease runs out and b takes over.
    task_a.cancel()
    leaders["a"] = False
    await eventually(lambda: leaders["b"], timeout=3, what="b elected")
    assert await redis.get("test:leader") == lease_b.token.encode()

    # b stops cleanly: it gives the lease back at once.
    stop_b.set()
    await task_b
    assert leaders["b"] is False
    assert await redis.get("test:leader") is None
    assert overlaps == []
    assert await lease_a.acquire()


CLIENTS = [
    SandboxUser(id=6100 + n, first_name=f"Client{n}", language_code="en", phone=f"+3460012{n:04d}")
    for n in range(12)
]
STAFF = [
    (8201, "Anna Petrova", "anna", Role.ADMIN),
    (8202, "Ivan Kuznetsov", "ivan", Role.SPECIALIST),
    (8203, "Tom Baker", "tom", Role.SPECIALIST),
    (8204, "Lea Martin", "lea", Role.SPECIALIST),
]
ANNA = STAFF[0][0]
DIGEST = "☀️ Your open tickets"
SPECIALISTS = [username for _, _, username, role in STAFF if role is Role.SPECIALIST]


async def _add_staff(database: Database, fake: FakeTelegram) -> None:
    async with database.writer() as session, session.begin():
        for telegram_id, name, username, role in STAFF:
            session.add(
                Employee(
                    telegram_id=telegram_id,
                    full_name=name,
                    username=username,
                    role=role,
                    language="en",
                )
            )
            first, last = name.split()
            fake.add_user(SandboxUser(id=telegram_id, first_name=first, last_name=last))
    for client in CLIENTS:
        fake.add_user(client)


async def _client_opens_a_ticket(fake: FakeTelegram, client: SandboxUser) -> int:
    fake.send_text(client.id, "/start")
    await eventually(lambda: len(fake.bot_messages(client.id)) == 1, timeout=30)
    fake.share_contact(client.id)
    await eventually(lambda: len(fake.bot_messages(client.id)) == 2, timeout=30)
    fake.send_text(client.id, f"/new The printer of {client.first_name} jams")
    opened = await eventually(
        lambda: [m for m in fake.bot_messages(client.id) if "is open" in m.text], timeout=30
    )
    return int(opened[0].text.split("#")[1].split(" ")[0])


@needs_both
async def test_two_processes_behind_one_webhook_address_serve_one_bot(
    fake_telegram: tuple[FakeTelegram, str], tmp_path: Path, redis: Redis
) -> None:
    assert POSTGRES_URL is not None and REDIS_URL is not None
    fake, api_url = fake_telegram
    await reset_postgres(POSTGRES_URL)
    await asyncio.to_thread(upgrade, POSTGRES_URL)
    database = Database(POSTGRES_URL)
    await _add_staff(database, fake)

    proxy_port, ports = free_port(), [free_port(), free_port()]
    # The digest falls due once the processes are up and the tickets opened and assigned: 5 s
    # from here, 12 s seen on a busy machine, so 20 s leaves room (checked before waiting).
    digest_at = datetime.now(UTC) + timedelta(seconds=20)
    env = {
        "CRM_BOT_TOKEN": BOT_TOKEN,
        "CRM_TELEGRAM_API_URL": api_url,
        "CRM_DATABASE_URL": POSTGRES_URL,
        "CRM_REDIS_URL": REDIS_URL,
        "CRM_WEBHOOK_URL": f"http://127.0.0.1:{proxy_port}/telegram/webhook",
        "CRM_WEBHOOK_SECRET": WEBHOOK_SECRET,
        "CRM_SECRET_KEY": SECRET_KEY,  # the same for both processes
        "CRM_TIMEZONE": "UTC",
        "CRM_DIGEST_AT": digest_at.strftime("%H:%M:%S"),
    }
    processes = [
        CrmProcess(name, tmp_path, env, port) for name, port in zip("AB", ports, strict=True)
    ]
    proxy = RoundRobinProxy([p.url for p in processes])
    pusher = WebhookPusher(fake, duplicate_every=4)
    try:
        await proxy.start(proxy_port)
        for process in processes:
            process.start()  # both at once: they migrate and start side by side
        await asyncio.gather(*(process.ready() for process in processes))
        await pusher.start()

        tickets = await asyncio.gather(*(_client_opens_a_ticket(fake, c) for c in CLIENTS))
        assert len(set(tickets)) == len(CLIENTS)

        # Anna assigns all but three; those stay in the queue, for her digest.
        assigned = tickets[:-3]
        for ticket_id, username in zip(assigned, itertools.cycle(SPECIALISTS)):
            fake.send_text(ANNA, f"/assign {ticket_id} @{username}")
            await bot_said(fake, ANNA, f"#{ticket_id}")
        # What the digests tell is in before they are due (the scheduler fires on the second).
        assert datetime.now(UTC) < digest_at.replace(microsecond=0), "no room before the digest"

        await eventually_async(
            lambda: outbox_drained(database), timeout=60, what="every notification sent"
        )
        wait = (digest_at - datetime.now(UTC)).total_seconds() + 1
        await asyncio.sleep(max(wait, 0))
        await eventually(
            lambda: any(DIGEST in m.text for m in fake.bot_messages(ANNA)),
            timeout=30,
            what="Anna's digest",
        )
        await eventually_async(
            lambda: outbox_drained(database), timeout=60, what="every digest sent"
        )
        await asyncio.sleep(1.5)  # room for a second digest, were one coming

        # What the people saw: each answer once.
        for client, ticket_id in zip(CLIENTS, tickets, strict=True):
            texts = [m.text for m in fake.bot_messages(client.id)]
            assert len([t for t in texts if "is open" in t]) == 1, texts
            handled_by = [t for t in texts if "is now handling" in t]
            assert len(handled_by) == (1 if ticket_id in assigned else 0), texts
        for telegram_id, _, _, role in STAFF:
            texts = [m.text for m in fake.bot_messages(telegram_id)]
            digests = [t for t in texts if DIGEST in t]
            assert len(digests) == (1 if telegram_id == ANNA or role is Role.SPECIALIST else 0)
            if role is Role.SPECIALIST:
                notices = [t for t in texts if "is assigned to you" in t]
                assert len(notices) == len(set(notices)) == len(assigned) // len(SPECIALISTS)

        # What the database holds: one ticket per client, every update recorded once.
        async with database.reader() as session:
            per_client = list(
                await session.execute(
                    select(Client.telegram_id, func.count(Ticket.id))
                    .join(Ticket)
                    .group_by(Client.telegram_id)
                )
            )
            recorded = await session.scalar(select(func.count()).select_from(ProcessedUpdate))
            statuses = set(await session.scalars(select(OutboxMessage.status)))
        assert sorted(per_client) == sorted((c.id, 1) for c in CLIENTS)
        assert recorded == pusher.pushed
        assert statuses == {OutboxStatus.SENT}

        # Both processes did the work, and some updates did arrive twice.
        assert all(proxy.served[p.url] > 5 for p in processes), proxy.served
        assert pusher.duplicated > 0

        # Wrong passwords spread over both processes meet one limit: the count is in Redis.
        for attempt in range(6):
            jar = aiohttp.CookieJar(unsafe=True)  # keeps cookies set by an IP address
            url = processes[attempt % 2].url
            async with aiohttp.ClientSession(base_url=url, cookie_jar=jar) as http:
                tried = await sign_in(http, "anna", "not the password")
                assert tried.status == (401 if attempt < 5 else 429), attempt

        # One leader; when it stops, the other takes over.
        roles = [str((await p.health() or {}).get("scheduler")) for p in processes]
        assert sorted(roles) == ["leader", "standby"], roles
        leader = processes[roles.index("leader")]
        standby = processes[1 - roles.index("leader")]
        assert await leader.stop(signal.SIGTERM) == 0

        async def took_over() -> bool:
            return (await standby.health() or {}).get("scheduler") == "leader"

        await eventually_async(took_over, timeout=20, what="the standby to lead")
        assert await standby.stop(signal.SIGTERM) == 0
    finally:
        await pusher.close()
        for process in processes:
            process.kill_now()
        await proxy.close()
        await database.dispose()
        for process in processes:
            print(f"--- {process.name} log ---\n{process.log()[-4000:]}")
