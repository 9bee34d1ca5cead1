"""A dialog left or finished keeps nothing of what was typed in the dialog storage, on each real
storage the product uses (the database, Redis): after ``/report 1``, one answer and ``/cancel``
the storage holds neither the step nor the answer; a refusal's reason, once given, is gone too;
a stranger's chosen language (no dialog's) stays."""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from aiogram.fsm.storage.base import StorageKey
from redis.asyncio import Redis

from bot.runner import Running
from bot.sandbox.chat import SandboxUser
from bot.sandbox.telegram import FakeTelegram
from bot.storage import DatabaseStorage
from db.base import utcnow
from db.engine import Database
from db.enums import SessionStatus
from db.models import CoachingRequest
from db.telegram_state import load_fsm, save_fsm
from tests.conftest import REDIS_URL, needs_redis
from tests.support.desk import (
    FAST_SENDER,
    IVAN,
    add_people,
    desk_settings,
    marias_session_with_ivan,
)
from tests.support.e2e import Product, bot_said, handled
from tests.support.sql import statements

STRANGER = SandboxUser(id=9301, first_name="Nina", language_code="en")


@pytest.fixture(params=["database", pytest.param("redis", marks=needs_redis)])
async def running(
    request: pytest.FixtureRequest,
    fake_telegram: tuple[FakeTelegram, str],
    database_url: str,
    in_tmp_dir: Path,
) -> AsyncIterator[Running]:
    """The product with its dialog storage in the database, or in Redis."""
    _fake, url = fake_telegram
    overrides: dict[str, Any] = {}
    if request.param == "redis":
        assert REDIS_URL is not None
        redis = Redis.from_url(REDIS_URL)
        await redis.flushdb()
        await redis.aclose()
        overrides["redis_url"] = REDIS_URL
    product = Product(desk_settings(url, database_url, **overrides), FAST_SENDER)
    yield await product.start()
    await product.stop()


async def stored(running: Running, chat_id: int) -> tuple[str | None, dict[str, Any]]:
    """The dialog step and data the storage holds for a private chat."""
    storage = running.dispatcher.storage
    key = StorageKey(bot_id=running.bot.id, chat_id=chat_id, user_id=chat_id)
    return await storage.get_state(key), await storage.get_data(key)


async def test_cancel_and_finish_leave_nothing_typed_in_the_dialog_storage(
    running: Running, fake_telegram: tuple[FakeTelegram, str]
) -> None:
    fake, database = fake_telegram[0], running.database
    people = await add_people(database, fake)
    await marias_session_with_ivan(
        database, people, utcnow() - timedelta(hours=3), SessionStatus.DONE
    )
    async with database.writer() as session, session.begin():
        session.add(
            CoachingRequest(
                client_id=people.maria.id,
                coach_id=people.ivan.id,
                preferred_at=utcnow() + timedelta(days=2),
                message="",
                created_at=utcnow(),
            )
        )

    fake.send_text(IVAN, "/report 1")
    await bot_said(fake, IVAN, "1/5 What happened in the session?")
    fake.send_text(IVAN, "We mapped her options")
    await bot_said(fake, IVAN, "2/5")
    step, data = await stored(running, IVAN)
    assert step is not None and data["parts"] == {"what_happened": "We mapped her options"}
    fake.send_text(IVAN, "/cancel")
    await bot_said(fake, IVAN, "Cancelled.")
    assert await stored(running, IVAN) == (None, {})

    # A dialog finished: the refusal's reason is given, and the dialog's data goes with it.
    fake.send_text(IVAN, "/requests")
    await bot_said(fake, IVAN, "Coaching requests waiting for your answer (1):")
    fake.press(IVAN, "✖️ Refuse #1")
    await bot_said(fake, IVAN, "Why do you refuse request #1")
    assert (await stored(running, IVAN))[1] == {"request_id": 1}
    fake.send_text(IVAN, "Fully booked")
    await bot_said(fake, IVAN, "Request #1 refused")
    assert await stored(running, IVAN) == (None, {})

    # A stranger's chosen language is no dialog's: /cancel keeps it, and the step goes.
    fake.add_user(STRANGER)
    fake.send_text(STRANGER.id, "/language")
    await bot_said(fake, STRANGER.id, "")
    fake.press(STRANGER.id, "Français")
    await handled(fake)
    fake.send_text(STRANGER.id, "/start")
    await handled(fake)
    assert (await stored(running, STRANGER.id))[0] is not None
    fake.send_text(STRANGER.id, "/cancel")
    await handled(fake)
    assert await stored(running, STRANGER.id) == (None, {"language": "fr"})


async def test_a_dialog_state_is_read_once_per_update(
    database: Database,
) -> None:
    """The storage remembers, for the update's session, what a key holds, a dialog or none:
    reading, clearing and reading it again costs no query (a dialog's record was dropped by
    the session once nothing referred to it, and read again at each step); a deletion rolled
    back with its savepoint is read again."""
    key = "bot:1:2:2:default"
    with statements(database) as run:

        def on_fsm_states() -> list[str]:
            return [ran.verb for ran in run if "fsm_states" in ran.statement]

        async with database.writer() as session, session.begin():
            for _ in range(3):
                assert await load_fsm(session, key) is None
                await save_fsm(session, key, state="", data={})
            assert on_fsm_states() == ["SELECT"]
            await save_fsm(session, key, state="Dialog:step")
            assert (await load_fsm(session, key)) is not None
            async with session.begin_nested() as nested:
                await save_fsm(session, key, state="", data={})
                assert await load_fsm(session, key) is None
                await nested.rollback()
            again = await load_fsm(session, key)
            assert again is not None and again.state == "Dialog:step"
        run.clear()
        async with database.writer() as session, session.begin():
            for step in range(3):
                found = await load_fsm(session, key)
                assert found is not None
                del found  # the storage keeps copies, as here
                gc.collect()
                await save_fsm(session, key, data={"step": step})
            assert on_fsm_states().count("SELECT") == 1


async def test_a_dialog_step_reads_its_state_with_the_person(
    running: Running, fake_telegram: tuple[FakeTelegram, str]
) -> None:
    """An update in a dialog costs its state no statement of its own: kept in the database, it
    is read in the statement that finds who is writing; kept in Redis, in no statement."""
    fake, database = fake_telegram[0], running.database
    people = await add_people(database, fake)
    await marias_session_with_ivan(
        database, people, utcnow() - timedelta(hours=3), SessionStatus.DONE
    )
    fake.send_text(IVAN, "/report 1")
    await bot_said(fake, IVAN, "1/5 What happened in the session?")
    with statements(database) as run:
        fake.send_text(IVAN, "We mapped her options")
        await bot_said(fake, IVAN, "2/5")
    reads = [ran.statement for ran in run if ran.verb == "SELECT" and "fsm_states" in ran.statement]
    in_database = isinstance(running.dispatcher.storage, DatabaseStorage)
    assert len(reads) == (1 if in_database else 0)
    assert all("employees" in statement for statement in reads)
