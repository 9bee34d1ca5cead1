"""Helpers for driving the real product against the fake Bot API."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any, TypeVar

from sqlalchemy import func, select

from bot.runner import Running, serve
from bot.sandbox.chat import ChatMessage
from bot.sandbox.telegram import FakeTelegram
from crm.settings import Settings
from db.engine import Database
from db.enums import OutboxStatus
from db.models import OutboxMessage
from notifications.sender import SenderConfig

T = TypeVar("T")
# What the bot answers anyone but staff for a staff command, in every area.
STAFF_ONLY = "This command is for staff only."


# How long a wait looks away before checking again, at most: a change in the fake Bot API's
# chats (``watching``) cuts it short.
RECHECK_SECONDS = 0.02


async def eventually_async(
    check: Callable[[], Awaitable[T | None]],
    timeout: float = 10.0,
    what: str = "",
    *,
    watching: FakeTelegram | None = None,
) -> T:
    """Wait until the awaited ``check()`` is truthy and return it; fail after ``timeout`` s.

    With ``watching``, it checks again as soon as anything changes in that fake Bot API (a
    message, an edit, an update confirmed) rather than after a fixed pause.
    """
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        result = await check()
        if result:
            return result
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"timed out waiting for {what or check}")
        if watching is not None:
            await watching.wait_changed(RECHECK_SECONDS)
        else:
            await asyncio.sleep(RECHECK_SECONDS)


async def eventually(
    check: Callable[[], T | None],
    timeout: float = 10.0,
    what: str = "",
    *,
    watching: FakeTelegram | None = None,
) -> T:
    """Wait until ``check()`` is truthy and return it; fail after ``timeout`` seconds."""

    async def checked() -> T | None:
        return check()

    return await eventually_async(checked, timeout, what, watching=watching)


async def outbox_drained(database: Database) -> bool:
    """No notification is waiting to be sent."""
    async with database.reader() as session:
        pending = await session.scalar(
            select(func.count()).where(OutboxMessage.status == OutboxStatus.PENDING)
        )
    return pending == 0


async def handled(fake: FakeTelegram) -> None:
    """Wait until the bot has confirmed every update: handled and committed.

    The bot answers from inside a handler, before its transaction commits; a test that reads
    the database after seeing the answer waits for this first.
    """
    await eventually(
        lambda: fake.pending_updates() == 0, what="every update handled", watching=fake
    )


def last_message_id(fake: FakeTelegram, chat_id: int) -> int:
    """A mark: ``bot_said(..., after=mark)`` waits for something newer."""
    messages = fake.messages(chat_id)
    return messages[-1].message_id if messages else 0


async def bot_said(
    fake: FakeTelegram, chat_id: int, fragment: str, *, after: int = 0
) -> ChatMessage:
    """The newest bot message in the chat containing ``fragment`` (newer than ``after``)."""

    def found() -> ChatMessage | None:
        matching = [
            m for m in fake.bot_messages(chat_id) if fragment in m.text and m.message_id > after
        ]
        return matching[-1] if matching else None

    message = await eventually(found, what=f"{fragment!r} in chat {chat_id}", watching=fake)
    await handled(fake)
    return message


async def notified(
    fake: FakeTelegram, database: Database, chat_id: int, fragment: str
) -> ChatMessage:
    """A notification the sender delivered, once its link to its ticket is recorded too.

    The sender records which ticket a sent message is about just after Telegram takes it; a
    test that replies to the message at once waits for that, as a person does without trying.
    """
    message = await bot_said(fake, chat_id, fragment)
    await eventually_async(lambda: outbox_drained(database), what="the outbox drained")
    return message


async def bot_replies(fake: FakeTelegram, chat_id: int, count: int) -> list[ChatMessage]:
    """The bot's messages in the chat once there are at least ``count`` of them."""

    def enough() -> list[ChatMessage] | None:
        messages = fake.bot_messages(chat_id)
        return messages if len(messages) >= count else None

    messages = await eventually(
        enough, what=f"{count} bot messages in chat {chat_id}", watching=fake
    )
    await handled(fake)
    return messages


class Product:
    """The product as ``crm run`` starts it, in this process, so a test can stop and restart it."""

    def __init__(self, settings: Settings, sender_config: SenderConfig | None = None) -> None:
        self.settings = settings
        self.sender_config = sender_config
        self._stop: asyncio.Event | None = None
        self._task: asyncio.Task[None] | None = None
        self.running: Running | None = None

    async def start(self) -> Running:
        self._stop = asyncio.Event()
        ready: asyncio.Future[Running] = asyncio.get_running_loop().create_future()
        self._task = asyncio.create_task(
            serve(
                self.settings,
                self._stop,
                on_ready=ready.set_result,
                sender_config=self.sender_config,
            )
        )
        waiting: set[asyncio.Future[Any]] = {ready, self._task}
        done, _ = await asyncio.wait(waiting, return_when=asyncio.FIRST_COMPLETED)
        if self._task in done:
            self._task.result()  # raises what made start-up fail
        self.running = ready.result()
        return self.running

    async def stop(self) -> None:
        if self._stop is not None and self._task is not None:
            self._stop.set()
            await self._task
        self._stop = self._task = None

    async def restart(self) -> Running:
        await self.stop()
        return await self.start()


@asynccontextmanager
async def demo_in_sandbox(database_url: str, areas: str = "") -> AsyncIterator[Running]:
    """The product as ``crm run`` starts it with no bot token: the demo business, the sandbox
    (of the areas named, comma-separated, as in CRM_AREAS; default every area)."""
    product = Product(Settings(_env_file=None, database_url=database_url, web_port=0, areas=areas))
    running = await product.start()
    try:
        yield running
    finally:
        await product.stop()


async def press(fake: FakeTelegram, user: int, message_id: int, data: str) -> str:
    """``user`` sends a button's ``data`` (forged or not); the query's id, once answered."""
    query = str(fake.press_callback(user, message_id, data)["callback_query"]["id"])
    await eventually(
        lambda: query in fake.answered_callbacks, what=f"{data} answered", watching=fake
    )
    await handled(fake)
    return query


async def press_and_read(fake: FakeTelegram, chat_id: int, button: str, fragment: str) -> str:
    """Press ``button`` in the chat and return the text of the answer holding ``fragment``."""
    mark = last_message_id(fake, chat_id)
    fake.press(chat_id, button)
    return (await bot_said(fake, chat_id, fragment, after=mark)).text
