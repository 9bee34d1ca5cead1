"""Faults: the database locked or unreachable, the process killed under load.

Nothing Telegram was told is handled may be lost: an update that met a database away is left
unconfirmed and comes again; one applied before a crash is not applied twice.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import signal
import sqlite3
import threading
import time
from collections.abc import AsyncIterator
from datetime import timedelta
from functools import partial
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, func, select, text, update

from bot.sandbox.chat import SandboxUser
from bot.sandbox.telegram import FakeTelegram
from db.base import utcnow
from db.engine import Database
from db.enums import OutboxStatus, Role
from db.migrate import upgrade
from db.models import Client, Employee, OutboxMessage, Ticket
from db.sqlite_writer import SQLITE_BUSY_TIMEOUT_MS, WriterConnection
from notifications.sender import SenderConfig
from tests.conftest import BOT_TOKEN, POSTGRES_URL, SECRET_KEY
from tests.support.desk import desk_settings
from tests.support.e2e import (
    Product,
    bot_said,
    eventually,
    eventually_async,
    handled,
    outbox_drained,
)
from tests.support.processes import CrmProcess, free_port
from tests.support.workers import reset_postgres

CLIENT = SandboxUser(id=7301, first_name="Nina", language_code="en", phone="+34600777001")


async def add_client(database: Database, fake: FakeTelegram, user: SandboxUser) -> None:
    async with database.writer() as session, session.begin():
        session.add(
            Client(full_name=user.first_name, phone=user.phone, telegram_id=user.id, language="en")
        )
    fake.add_user(user)


async def tickets_of(database: Database, telegram_id: int) -> list[Ticket]:
    async with database.reader() as session:
        return list(
            await session.scalars(
                select(Ticket).join(Client).where(Client.telegram_id == telegram_id)
            )
        )


async def test_updates_wait_while_sqlite_is_locked_by_another_process(
    fake_telegram: tuple[FakeTelegram, str], sqlite_url: str, tmp_path: Path, in_tmp_dir: Path
) -> None:
    fake, api_url = fake_telegram
    await asyncio.to_thread(upgrade, sqlite_url)
    database = Database(sqlite_url)
    await add_client(database, fake, CLIENT)
    product = Product(desk_settings(api_url, sqlite_url))
    await product.start()
    released = threading.Event()
    locked = threading.Event()

    def hold_the_lock() -> None:  # another program writing for a while
        connection = sqlite3.connect(tmp_path / "test.db", isolation_level=None)
        connection.execute("BEGIN EXCLUSIVE")
        locked.set()
        released.wait(10)
        connection.execute("COMMIT")
        connection.close()

    holder = threading.Thread(target=hold_the_lock)
    holder.start()
    try:
        await asyncio.to_thread(locked.wait, 5)
        fake.send_text(CLIENT.id, "/new The kettle leaks")
        loop = asyncio.get_running_loop()
        started = loop.time()
        await asyncio.sleep(2)
        assert loop.time() - started < 2.5  # the wait is off the event loop: all else goes on
        assert fake.bot_messages(CLIENT.id) == []  # waiting, not refused
        assert fake.pending_updates() == 1  # and not confirmed
        released.set()
        await bot_said(fake, CLIENT.id, "is open")
    finally:
        released.set()
        await asyncio.to_thread(holder.join)
        await product.stop()
    assert len(await tickets_of(database, CLIENT.id)) == 1
    assert len(fake.bot_messages(CLIENT.id)) == 1
    await database.dispose()


async def test_a_writer_runs_on_the_loop_thread_and_readers_on_their_own(
    sqlite_url: str, in_tmp_dir: Path
) -> None:
    """Inside a write transaction SQLite is called inline (no thread hand-off per call)."""
    await asyncio.to_thread(upgrade, sqlite_url)
    database = Database(sqlite_url)

    @event.listens_for(database.engine.sync_engine, "connect")
    def _thread_function(dbapi_connection: Any, _record: object) -> None:
        dbapi_connection.run_async(
            lambda raw: raw.create_function("thread_id", 0, threading.get_ident)
        )

    async with database.writer() as session, session.begin():
        in_writer = await session.scalar(text("SELECT thread_id()"))
        session.add(Client(full_name="Inline Test", phone="+34600777999"))
    async with database.reader() as session:
        in_reader = await session.scalar(text("SELECT thread_id()"))
        assert await session.scalar(select(func.count()).select_from(Client)) == 1
    assert in_writer == threading.get_ident()
    assert in_reader != threading.get_ident()
    await database.dispose()


async def test_a_writer_begins_inline_only_when_the_lock_is_free(
    sqlite_url: str, tmp_path: Path, in_tmp_dir: Path
) -> None:
    """``BEGIN IMMEDIATE`` is tried on the loop thread without waiting; a held lock says no."""
    await asyncio.to_thread(upgrade, sqlite_url)
    database = Database(sqlite_url)
    raw = await database.engine.raw_connection()  # no transaction begun on it
    try:
        driver = raw.driver_connection
        assert isinstance(driver, WriterConnection)
        other = sqlite3.connect(tmp_path / "test.db", isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        started = time.perf_counter()
        assert driver.begin_immediate_now() is False
        assert time.perf_counter() - started < 0.5  # no busy wait on the loop
        other.execute("COMMIT")
        assert driver.begin_immediate_now() is True
        assert driver._connection is not None
        assert driver._connection.in_transaction
        driver._connection.execute("ROLLBACK")
        busy = driver._connection.execute("PRAGMA busy_timeout").fetchone()
        assert busy == (SQLITE_BUSY_TIMEOUT_MS,)  # restored for waits through the thread
        other.close()
    finally:
        raw.close()
    await database.dispose()


class TcpProxy:
    """A TCP forwarder that can be cut (the database becomes unreachable) and restored."""

    def __init__(self, target_port: int) -> None:
        self.target_port = target_port
        self.port = free_port()
        self._server: asyncio.Server | None = None
        self._links: set[asyncio.StreamWriter] = set()

    async def _pipe(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        with contextlib.suppress(OSError, asyncio.CancelledError):
            while data := await reader.read(65536):
                writer.write(data)
                await writer.drain()
        writer.close()

    async def _link(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            up_reader, up_writer = await asyncio.open_connection("127.0.0.1", self.target_port)
        except OSError:
            writer.close()
            return
        self._links |= {writer, up_writer}
        await asyncio.gather(self._pipe(reader, up_writer), self._pipe(up_reader, writer))
        self._links -= {writer, up_writer}

    async def open(self) -> None:
        self._server = await asyncio.start_server(self._link, "127.0.0.1", self.port)

    async def cut(self) -> None:
        """Refuse new connections and drop the open ones."""
        if self._server is not None:
            self._server.close()
            self._server = None
        for writer in list(self._links):
            writer.transport.abort()
        self._links.clear()


@pytest.fixture
async def postgres_proxy() -> AsyncIterator[TcpProxy]:
    if not POSTGRES_URL:
        pytest.skip("PostgreSQL not configured: set CRM_TEST_DATABASE_URL to run this test")
    await reset_postgres(POSTGRES_URL)
    proxy = TcpProxy(5432)
    await proxy.open()
    yield proxy
    await proxy.cut()


async def test_updates_are_retried_while_postgresql_is_unreachable(
    fake_telegram: tuple[FakeTelegram, str], postgres_proxy: TcpProxy, in_tmp_dir: Path
) -> None:
    assert POSTGRES_URL is not None
    fake, api_url = fake_telegram
    url = POSTGRES_URL.replace("127.0.0.1:5432", f"127.0.0.1:{postgres_proxy.port}")
    assert url != POSTGRES_URL
    await asyncio.to_thread(upgrade, url)
    database = Database(POSTGRES_URL)  # the test's own view, not through the proxy
    await add_client(database, fake, CLIENT)
    product = Product(desk_settings(api_url, url))
    await product.start()
    try:
        await postgres_proxy.cut()
        update_id = fake.send_text(CLIENT.id, "/new The boiler is cold")["update_id"]

        def retried() -> int:  # asked again from the update on: it failed, and is not confirmed
            polls = [params for method, params in fake.calls if method.lower() == "getupdates"]
            return sum(int(params.get("offset") or 0) == update_id for params in polls)

        await eventually(lambda: retried() >= 2, what="the update to be tried a third time")
        assert fake.bot_messages(CLIENT.id) == []  # no apology: nothing was wrong with it
        assert fake.pending_updates() == 1  # not confirmed: it will come again
        await postgres_proxy.open()
        await bot_said(fake, CLIENT.id, "is open")
    finally:
        await product.stop()
    assert len(await tickets_of(database, CLIENT.id)) == 1
    assert len(fake.bot_messages(CLIENT.id)) == 1
    await database.dispose()


async def test_killed_under_load_nothing_is_lost_or_applied_twice(
    fake_telegram: tuple[FakeTelegram, str], sqlite_url: str, tmp_path: Path
) -> None:
    """``crm run`` is SIGKILLed at random moments while clients open tickets and staff assign
    them; after each restart it carries on. In the end every request is a ticket exactly once,
    and every notification was delivered at least once and recorded once in the outbox."""
    fake, api_url = fake_telegram
    await asyncio.to_thread(upgrade, sqlite_url)
    database = Database(sqlite_url)
    anna = 8501
    async with database.writer() as session, session.begin():  # no departments: /new opens at once
        for telegram_id, name, role in [
            (anna, "anna", Role.ADMIN),
            (8502, "ivan", Role.SPECIALIST),
            (8503, "tom", Role.SPECIALIST),
        ]:
            session.add(Employee(telegram_id=telegram_id, full_name=name, username=name, role=role))
            fake.add_user(SandboxUser(id=telegram_id, first_name=name, language_code="en"))
    clients = [
        SandboxUser(
            id=7400 + n, first_name=f"Client{n}", language_code="en", phone=f"+3460099{n:04d}"
        )
        for n in range(6)
    ]
    for user in clients:
        await add_client(database, fake, user)
    env = {
        "CRM_BOT_TOKEN": BOT_TOKEN,
        "CRM_TELEGRAM_API_URL": api_url,
        "CRM_DATABASE_URL": sqlite_url,
        "CRM_SECRET_KEY": SECRET_KEY,
    }
    process = CrmProcess("crm", tmp_path, env, free_port())
    rng = random.Random(5)
    rounds = 3
    per_round = 3
    try:
        process.start()
        await process.ready()
        for round_number in range(rounds):
            for client in clients:
                for n in range(per_round):
                    fake.send_text(client.id, f"/new Round {round_number} request {n}")
            # Anna assigns some of what is open: notifications for Ivan, Tom and the clients.
            async with database.reader() as session:
                open_ids = list(
                    await session.scalars(
                        select(Ticket.id).where(Ticket.assignee_id.is_(None)).limit(4)
                    )
                )
            for ticket_id, who in zip(open_ids, ["ivan", "tom"] * 2, strict=False):
                fake.send_text(anna, f"/assign {ticket_id} @{who}")
            await asyncio.sleep(rng.uniform(0.2, 1.5))
            process.kill_now()  # SIGKILL, wherever it was
            killed_at = utcnow()
            process.start()
            await process.ready()
        await handled(fake)

        # A message claimed when the process died waits for its lease (60 s by default) to run
        # out. Rather than wait out that minute, the dead processes' leases are ended now, as if
        # it had passed: each of them ends before killed_at + lease, while every lease the live
        # process took (all after killed_at) ends later and is left alone.
        lease = timedelta(seconds=SenderConfig().lease_seconds)
        async with database.writer() as session, session.begin():
            await session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.lease_until < killed_at + lease)
                .values(lease_until=killed_at)
            )
        drained = partial(outbox_drained, database)
        await eventually_async(drained, timeout=120, what="every notification delivered")
        assert await process.stop(signal.SIGTERM) == 0
    finally:
        process.kill_now()

    sent_requests = {f"Round {r} request {n}" for r in range(rounds) for n in range(per_round)}
    async with database.reader() as session:
        for client in clients:
            titles = [t.description for t in await tickets_of(database, client.id)]
            assert sorted(titles) == sorted(sent_requests)  # each once, none lost
        outbox = list(await session.scalars(select(OutboxMessage)))
    assert outbox and all(m.status is OutboxStatus.SENT for m in outbox)
    for message in outbox:
        delivered = [
            m for m in fake.bot_messages(message.chat_id) if m.html == message.payload["text"]
        ]
        assert delivered, f"outbox {message.id} never reached chat {message.chat_id}"
    await database.dispose()
