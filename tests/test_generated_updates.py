"""Thousands of generated updates fed to the real dispatcher (hypothesis).

Any Unicode, empty and 4,096-character texts, known commands with odd arguments, unknown
commands, stickers, edited messages, group chats, callbacks with random data, messages with
no sender. Each must end in a reply or a deliberate silence, never in the apology that
stands for an unforeseen error, and the database must stay whole.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from aiogram import Bot, Dispatcher
from aiogram.types import Update
from aiohttp import web
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from bot.factory import create_bot, create_dispatcher
from bot.polling import handle_update
from bot.sandbox.chat import SandboxUser
from bot.sandbox.server import create_app
from bot.sandbox.telegram import FakeTelegram
from crm.settings import Settings
from db.engine import Database
from db.enums import Role, TicketEventKind
from db.migrate import upgrade
from db.models import Client, Employee, ProcessedUpdate, Ticket, TicketEvent
from tests.conftest import BOT_TOKEN

CLIENT, STAFF, STRANGER = 7601, 8601, 9601
APOLOGY = "something went wrong on our side"
COMMANDS = [
    "/start", "/help", "/language", "/cancel", "/new", "/tickets", "/status", "/queue", "/my",
    "/ticket", "/assign", "/take", "/reply", "/note", "/digest", "/nosuchcommand", "/start@other",
    "/contract", "/contracts", "/languages", "/teachers", "/paid", "/teacher", "/lesson",
    "/terminate",
]  # fmt: skip

texts = st.one_of(
    st.text(max_size=300),
    st.just(""),
    # A pattern repeated to the 4,096-character limit: few choices for hypothesis to draw, so
    # an example of 50 updates does not overrun its budget and get thrown away.
    st.text(min_size=1, max_size=12, alphabet=st.characters(codec="utf-8")).map(
        lambda pattern: (pattern * 4096)[:4096]
    ),
    st.builds(
        lambda command, args: f"{command} {args}".strip(),
        st.sampled_from(COMMANDS),
        st.one_of(st.text(max_size=40), st.integers(-5, 10**12).map(str), st.just("1 @nobody")),
    ),
)


class CountingExecutor(ThreadPoolExecutor):
    """The loop's worker threads, counting the jobs handed to them."""

    jobs = 0

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        self.jobs += 1
        return super().submit(fn, *args, **kwargs)


class Feed:
    """The real dispatcher and a fake Telegram on one event loop, fed update after update."""

    def __init__(self, tmp_path: Path) -> None:
        self.loop = asyncio.new_event_loop()
        self.tmp_path = tmp_path
        self.update_ids = itertools.count(1)
        self.message_ids = itertools.count(1_000_000)
        self.fed = 0
        self.told_opened = 0  # "✅ Request #N is open." messages the client received

    async def start(self) -> None:
        url = f"sqlite+aiosqlite:///{self.tmp_path / 'generated.db'}"
        await asyncio.to_thread(upgrade, url)
        self.database = Database(url)
        async with self.database.writer() as session, session.begin():
            session.add(Client(full_name="Nina", phone="+34600555001", telegram_id=CLIENT))
            session.add(
                Employee(telegram_id=STAFF, full_name="Olga", username="olga", role=Role.OWNER)
            )
        self.fake = FakeTelegram(BOT_TOKEN)
        for user_id in (CLIENT, STAFF, STRANGER):
            self.fake.add_user(SandboxUser(id=user_id, first_name="Person"))
        self.runner = web.AppRunner(create_app(self.fake))
        await self.runner.setup()
        site = web.TCPSite(self.runner, "127.0.0.1", 0)
        await site.start()
        host, port = self.runner.addresses[0][:2]
        settings_ = Settings(_env_file=None, bot_token=BOT_TOKEN, database_url=url, redis_url=None)
        self.bot: Bot = create_bot(BOT_TOKEN, f"http://{host}:{port}")
        self.dispatcher: Dispatcher = create_dispatcher(settings_, self.database)
        self.executor = CountingExecutor(max_workers=2)
        self.loop.set_default_executor(self.executor)

    async def stop(self) -> None:
        await self.bot.session.close()
        self.fake.close()
        await self.runner.cleanup()
        await self.database.dispose()

    def run(self, coroutine: Any) -> Any:
        return self.loop.run_until_complete(coroutine)

    def message(self, user: int, chat_type: str, content: dict[str, Any]) -> dict[str, Any]:
        chat: dict[str, Any] = {"id": user, "type": "private", "first_name": "Person"}
        if chat_type != "private":
            chat = {"id": -100_000 - user, "type": chat_type, "title": "A group"}
        return {
            "message_id": next(self.message_ids),
            "date": 1_700_000_000,
            "chat": chat,
            "from": {"id": user, "is_bot": False, "first_name": "Person", "language_code": "en"},
            **content,
        }

    async def feed(self, raw: dict[str, Any]) -> None:
        raw = {"update_id": next(self.update_ids), **raw}
        before, jobs = len(self.fake.calls), self.executor.jobs
        update = Update.model_validate(raw, context={"bot": self.bot})
        assert await handle_update(self.bot, self.dispatcher, update), raw
        # aiogram runs a filter or handler that is not a coroutine in a worker thread: a
        # hand-off and back on every check. Ours are all coroutines.
        assert self.executor.jobs == jobs, ("work went to a thread", raw)
        self.fed += 1
        calls = self.fake.calls[before:]
        said = [p for method, p in calls if method.lower() in {"sendmessage", "senddocument"}]
        assert not any(APOLOGY in str(p.get("text", "")) for p in said), (raw, said)
        self.told_opened += sum(str(p.get("text", "")).startswith("✅ Request #") for p in said)
        if "callback_query" in raw:  # every press is answered, if only to stop the spinner
            answered = {
                str(p.get("callback_query_id"))
                for method, p in calls
                if method.lower() == "answercallbackquery"
            }
            assert raw["callback_query"]["id"] in answered, (raw, calls)
        message = raw.get("message")
        if message and message["chat"]["type"] == "private" and "from" in message:
            assert said, ("a private message got no answer", raw)  # a reply, not silence


@st.composite
def raw_updates(draw: st.DrawFn, feed: Feed) -> dict[str, Any]:
    user = draw(st.sampled_from([CLIENT, STAFF, STRANGER]))
    chat_type = draw(st.sampled_from(["private", "private", "private", "group", "supergroup"]))
    kind = draw(st.sampled_from(["text", "text", "text", "sticker", "edited", "callback", "anon"]))
    if kind == "callback":
        known = ["tk:view:1", "tk:take:999", "tk:closed:1", "lang:xx", "dept:0:abc"]
        data = draw(st.one_of(st.text(max_size=64), st.sampled_from(known)))
        return {
            "callback_query": {
                "id": str(draw(st.integers(1, 10**9))),
                "from": {"id": user, "is_bot": False, "first_name": "Person"},
                "chat_instance": "1",
                "data": data,
                "message": feed.message(user, "private", {"text": "an earlier card"}),
            }
        }
    if kind == "sticker":
        sticker = {
            "file_id": "sticker-1", "file_unique_id": "s1", "type": "regular",
            "width": 512, "height": 512, "is_animated": False, "is_video": False,
        }  # fmt: skip
        return {"message": feed.message(user, chat_type, {"sticker": sticker})}
    text = draw(texts)
    content: dict[str, Any] = {"text": text}
    if text.startswith("/"):
        length = len(text.split(maxsplit=1)[0]) if text.strip() else 1
        content["entities"] = [{"type": "bot_command", "offset": 0, "length": length}]
    if kind == "edited":
        return {"edited_message": {**feed.message(user, chat_type, content), "edit_date": 1}}
    message = feed.message(user, chat_type, content)
    if kind == "anon":
        del message["from"]  # a channel or an anonymous group admin writes
        message["sender_chat"] = {"id": -42, "type": "channel", "title": "A channel"}
    return {"message": message}


@pytest.fixture
def feed(tmp_path: Path) -> Iterator[Feed]:
    feed = Feed(tmp_path)
    feed.run(feed.start())
    yield feed
    feed.run(feed.stop())
    feed.loop.close()


def test_generated_updates_end_in_a_reply_or_a_deliberate_silence(
    feed: Feed, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.ERROR)
    opening = feed.message(CLIENT, "private", {"text": "/new The kettle leaks"})
    opening["entities"] = [{"type": "bot_command", "offset": 0, "length": 4}]
    feed.run(feed.feed({"message": opening}))
    assert feed.told_opened == 1, feed.fake.calls[-3:]

    @settings(
        max_examples=60,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(st.data())
    def feed_a_batch(data: st.DataObject) -> None:
        updates = data.draw(st.lists(raw_updates(feed), min_size=20, max_size=50))
        for raw in updates:
            feed.run(feed.feed(raw))

    feed_a_batch()
    assert feed.fed >= 1000
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR] == []

    async def whole() -> None:
        async with feed.database.reader() as session:
            recorded = await session.scalar(select(func.count()).select_from(ProcessedUpdate))
            tickets = await session.scalar(select(func.count()).select_from(Ticket))
            opened = await session.scalar(
                select(func.count(TicketEvent.ticket_id.distinct())).where(
                    TicketEvent.kind == TicketEventKind.CREATED
                )
            )
        # A refused update is rolled back whole, its record included; none is recorded twice.
        assert recorded is not None and 0 < recorded <= feed.fed
        # A ticket exists exactly when its client was told so, and its history starts with it.
        assert tickets and tickets == opened == feed.told_opened

    feed.run(whole())
