"""Where the CPU of one update goes, layer by layer, in this process.

    python -m bench.floor [--database-url URL] [--repeat 2000]

``bench/updates.py`` measures the whole bot from outside; this program splits the cost of an
update into the floors it stands on, to tell which lever can pay and which cannot. On a fresh,
migrated database (SQLite in ``bench/out/`` unless ``--database-url`` names another, which is
emptied) holding the simulated users of ``bench/updates.py``, it prints CPU time per repetition
(``time.process_time``: every thread of the process, so aiosqlite's too), after a warm-up:

1. **the update's transaction before any handler**: begin and commit in the writer; with the
   dedupe row (``claim_update``); then with the dialog state and who is writing, read apart
   (``load_fsm``, ``identify``) and in one statement (``identify`` with the dialog's key, as
   the bot reads them). Every update pays that line, whatever it asks. The last line does the
   same work on the driver's own connection, with SQLAlchemy left out;
2. **one SELECT of a client by Telegram id, asked five ways** in a write transaction: an ORM
   statement built at each call, an ORM statement built once, a Core statement built once, the
   driver's SQL text through SQLAlchemy, and the same text on the driver's own connection
   (aiosqlite, asyncpg) with SQLAlchemy left out; and the dialog state read with
   ``session.get``;
3. **a whole update through the dispatcher**, the answer taken by the fake Bot API in this
   process (``tests/support/in_process.FakeAPISession``, so no HTTP on either side): a bare
   aiogram echo, then ``crm``'s ``/help`` (who is writing and the dialog state, no query of its
   own) and ``/tickets`` (one listing), each as a ratio of the echo.

The HTTP of long polling and of the answer is what ``bench/updates.py`` adds to the third table
for both bots alike.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import time
from collections.abc import Awaitable, Callable, Iterator
from typing import Any

from aiogram import Dispatcher
from aiogram.fsm.storage.base import StorageKey
from aiogram.types import Update
from sqlalchemy import bindparam, select

from bench import echo_bot
from bench.fake_api import TOKEN, user_ids
from bench.updates import OUT, prepare_database
from bot.factory import bot_on_session, create_dispatcher
from bot.sandbox.chat import SandboxUser
from bot.sandbox.telegram import FakeTelegram
from bot.storage import DatabaseStorage
from crm.notify import Notifier
from crm.people.identity import identify
from crm.settings import Settings
from db.base import utcnow
from db.engine import Database
from db.models import Client, FsmRecord
from db.telegram_state import claim_update, load_fsm
from handlers.i18n import CatalogI18n
from tests.support.in_process import FakeAPISession

USERS = 20
WARM_UP = 100
Step = Callable[[int], Awaitable[Any]]


async def per_call(step: Step, repeat: int) -> float:
    """CPU microseconds per call of ``step`` (given the call's number), after a warm-up."""
    for number in range(WARM_UP):
        await step(number)
    started = time.process_time()
    for number in range(repeat):
        await step(number)
    return (time.process_time() - started) / repeat * 1e6


async def transaction_floor(database: Database, repeat: int) -> list[tuple[str, float]]:
    update_ids = itertools.count(10**12)
    telegram_id = user_ids(1)[0]
    # The key the bot's storage gives this user's private chat; they are in no dialog, as most
    # users are at most updates, so the read finds no row.
    key = DatabaseStorage(database).record_key(
        StorageKey(bot_id=int(TOKEN.split(":")[0]), chat_id=telegram_id, user_id=telegram_id)
    )

    async def begin_commit(_: int) -> None:
        async with database.writer() as session, session.begin():
            await session.connection()

    async def dedupe(_: int) -> None:
        async with database.writer() as session, session.begin():
            await claim_update(session, next(update_ids))

    async def apart(_: int) -> None:
        async with database.writer() as session, session.begin():
            await claim_update(session, next(update_ids))
            await load_fsm(session, key)
            await identify(session, telegram_id)

    async def together(_: int) -> None:
        async with database.writer() as session, session.begin():
            await claim_update(session, next(update_ids))
            await identify(session, telegram_id, dialog_key=key)
            await load_fsm(session, key)

    figures = [
        ("begin + commit", await per_call(begin_commit, repeat)),
        ("  + the dedupe row", await per_call(dedupe, repeat)),
        ("  + dialog state, person: apart", await per_call(apart, repeat)),
        ("  + dialog state, person: together", await per_call(together, repeat)),
    ]
    async with database.engine.connect() as connection:
        raw = (await connection.get_raw_connection()).driver_connection
        assert raw is not None
        on_driver = driver_floor(raw, database.is_sqlite, telegram_id, key, update_ids)
        figures.append(("the same on the driver alone", await per_call(on_driver, repeat)))
    return figures


def driver_floor(
    raw: Any, is_sqlite: bool, telegram_id: int, key: str, update_ids: Iterator[int]
) -> Step:
    """The last line of the first table written for the driver with SQLAlchemy left out: the
    floor a bot that skipped it would stand on (its rows as tuples, not objects)."""
    marks = ("?",) * 5 if is_sqlite else ("$1", "$2", "$1", "$1", "$2")
    claim = (
        f"INSERT INTO processed_updates (update_id, processed_at) VALUES ({marks[0]}, {marks[1]})"
        " ON CONFLICT (update_id) DO NOTHING"
    )
    person_and_dialog = (
        "SELECT employees.*, clients.*, fsm_states.* FROM (SELECT 1 AS asked) AS one"
        f" LEFT JOIN employees ON employees.telegram_id = {marks[2]} AND employees.active"
        f" LEFT JOIN clients ON clients.telegram_id = {marks[3]}"
        f" LEFT JOIN fsm_states ON fsm_states.key = {marks[4]}"
    )

    async def on_sqlite(_: int) -> None:
        # As the product's writer: BEGIN IMMEDIATE on the loop's thread when the lock is free,
        # then every statement inline until COMMIT, which goes through aiosqlite's thread.
        if not raw.begin_immediate_now():
            await raw.execute("BEGIN IMMEDIATE")
        raw.inline = True
        await raw.execute(claim, (next(update_ids), utcnow().isoformat()))
        cursor = await raw.execute(person_and_dialog, (telegram_id, telegram_id, key))
        await cursor.fetchone()
        raw.inline = False
        await raw.execute("COMMIT")

    async def on_postgresql(_: int) -> None:
        async with raw.transaction():
            await raw.execute(claim, next(update_ids), utcnow())
            await raw.fetchrow(person_and_dialog, telegram_id, key)

    return on_sqlite if is_sqlite else on_postgresql


async def one_select(database: Database, repeat: int) -> list[tuple[str, float]]:
    telegram_ids = user_ids(USERS)
    table = Client.__table__
    orm_once = select(Client).where(Client.telegram_id == bindparam("telegram_id"))
    core_once = select(*table.c).where(table.c.telegram_id == bindparam("telegram_id"))
    marker = "?" if database.is_sqlite else "$1"
    columns = ", ".join(column.name for column in table.c)
    driver_sql = f"SELECT {columns} FROM clients WHERE telegram_id = {marker}"
    figures = []
    async with database.writer() as session, session.begin():

        async def orm_built(number: int) -> None:
            session.expunge_all()
            wanted = telegram_ids[number % USERS]
            await session.scalar(select(Client).where(Client.telegram_id == wanted))

        async def orm_prebuilt(number: int) -> None:
            session.expunge_all()
            await session.scalar(orm_once, {"telegram_id": telegram_ids[number % USERS]})

        async def core_prebuilt(number: int) -> None:
            await session.execute(core_once, {"telegram_id": telegram_ids[number % USERS]})

        async def driver(number: int) -> None:
            connection = await session.connection()
            await connection.exec_driver_sql(driver_sql, (telegram_ids[number % USERS],))

        async def driver_alone(number: int) -> None:
            connection = await session.connection()
            raw = (await connection.get_raw_connection()).driver_connection
            assert raw is not None
            wanted = telegram_ids[number % USERS]
            if database.is_sqlite:  # aiosqlite, inline while the write lock is held
                cursor = await raw.execute(driver_sql, (wanted,))
                await cursor.fetchone()
            else:  # asyncpg
                await raw.fetchrow(driver_sql, wanted)

        async def fsm_get(number: int) -> None:
            session.expunge_all()
            await session.get(FsmRecord, f"bot:{number}")

        for label, step in (
            ("ORM select, built at each call", orm_built),
            ("ORM select, built once", orm_prebuilt),
            ("Core select, built once", core_prebuilt),
            ("the driver's SQL text", driver),
            ("the driver alone, no SQLAlchemy", driver_alone),
            ("session.get of a dialog state", fsm_get),
        ):
            figures.append((label, await per_call(step, repeat)))
    return figures


async def through_the_dispatcher(
    database: Database, url: str, repeat: int
) -> list[tuple[str, float]]:
    fake = FakeTelegram(TOKEN)
    users = user_ids(USERS)
    for user_id in users:
        fake.add_user(SandboxUser(id=user_id, first_name=f"User{user_id}", language_code="en"))
    bot = bot_on_session(TOKEN, FakeAPISession(fake))

    echo = Dispatcher()
    echo.message.register(echo_bot.echo)  # the yardstick bench/updates.py runs

    settings = Settings(database_url=url, redis_url="", webhook_url="", areas="")
    crm = create_dispatcher(
        settings,
        database,
        i18n=CatalogI18n(default_locale=settings.default_language),
        notifier=Notifier(settings.default_language, settings.currency, settings.zone),
    )
    await crm.emit_startup(bot=bot)

    def feeding(dispatcher: Dispatcher, text: str) -> Step:
        async def step(number: int) -> None:
            raw = fake.send_text(users[number % USERS], text)
            await dispatcher.feed_update(bot, Update.model_validate(raw, context={"bot": bot}))

        return step

    figures = [
        ("bare aiogram echo", await per_call(feeding(echo, "/help"), repeat)),
        ("crm /help", await per_call(feeding(crm, "/help"), repeat)),
        ("crm /tickets", await per_call(feeding(crm, "/tickets"), repeat)),
    ]
    await crm.emit_shutdown(bot=bot)
    await bot.session.close()
    return figures


def table(title: str, figures: list[tuple[str, float]], base: float | None = None) -> None:
    print(f"\n{title}")
    for label, micros in figures:
        ratio = f"{micros / base:6.1f}x" if base else ""
        print(f"  {label:36} {micros:8.0f} us  {ratio}")


async def run(url: str, repeat: int) -> None:
    print(f"preparing {url}")
    await prepare_database(url, USERS, 1)
    database = Database(url)
    try:
        table(
            "1. the update's transaction, before any handler",
            await transaction_floor(database, repeat),
        )
        table(
            "2. one SELECT by Telegram id, in a write transaction",
            await one_select(database, repeat),
        )
        dispatched = await through_the_dispatcher(database, url, repeat)
        table("3. a whole update through the dispatcher (no HTTP)", dispatched, dispatched[0][1])
    finally:
        await database.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", default=f"sqlite+aiosqlite:///{OUT}/floor.db")
    parser.add_argument("--repeat", type=int, default=2000)
    args = parser.parse_args()
    OUT.mkdir(exist_ok=True)
    asyncio.run(run(args.database_url, args.repeat))


if __name__ == "__main__":
    main()
