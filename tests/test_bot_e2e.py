"""The real bot, started as ``crm run`` starts it, over real HTTP against the fake Bot API: a
newcomer's registration, an update delivered twice, a dialog across a restart, an answer Telegram
refuses, the webhook, the sandbox and dialog state in Redis. Greetings, /cancel and /language run
with the bot in this process, in test_registration_bot.py."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
from redis.asyncio import Redis
from sqlalchemy import func, select

from bot.sandbox.chat import Fault
from bot.sandbox.telegram import FakeTelegram
from crm.settings import Settings
from db.models import Client, ProcessedUpdate
from tests.conftest import BOT_TOKEN, REDIS_URL, WEBHOOK_SECRET
from tests.support.e2e import Product, bot_replies, eventually, handled
from tests.support.newcomer import NEWCOMER, SHARE, newcomer_cards


def make_settings(url: str, database_url: str, **overrides: object) -> Settings:
    values: dict[str, object] = {
        "bot_token": BOT_TOKEN,
        "telegram_api_url": url,
        "database_url": database_url,
        "web_port": 0,
        "redis_url": None,
        **overrides,
    }
    return Settings(_env_file=None, **values)  # type: ignore[arg-type]


@pytest.fixture
async def product(
    fake_telegram: tuple[FakeTelegram, str], database_url: str, in_tmp_dir: Path
) -> AsyncIterator[Product]:
    fake, url = fake_telegram
    fake.add_user(NEWCOMER)
    running = Product(make_settings(url, database_url))
    await running.start()
    yield running
    await running.stop()


async def clients(product: Product) -> list[Client]:
    assert product.running is not None
    return await newcomer_cards(product.running.database)


async def test_a_newcomer_registers_by_sharing_their_phone(
    product: Product, fake: FakeTelegram
) -> None:
    fake.send_text(NEWCOMER.id, "/start")
    [ask] = await bot_replies(fake, NEWCOMER.id, 1)
    assert "share your phone number" in ask.text
    keyboard = fake.reply_keyboard(NEWCOMER.id)
    assert keyboard is not None
    assert keyboard["keyboard"][0][0] == {"text": SHARE, "request_contact": True}

    fake.press(NEWCOMER.id, SHARE)
    replies = await bot_replies(fake, NEWCOMER.id, 2)
    assert "Thank you, Maria Lopez! Your client card is ready." in replies[1].text
    assert "/help" in replies[1].text
    # The share button is gone; the client's main menu takes its place.
    keyboard = fake.reply_keyboard(NEWCOMER.id)
    assert keyboard is not None
    assert [button["text"] for row in keyboard["keyboard"] for button in row] == [
        "🆕 New request",
        "📋 My requests",
        "📊 Status",
        "❓ Help",
    ]

    [card] = await clients(product)
    assert (card.full_name, card.phone, card.username, card.language) == (
        "Maria Lopez",
        "+34600123456",
        "mlopez",
        "en",
    )
    # The client's own command menu is published for their chat.
    assert fake.commands_for(NEWCOMER.id) == [
        "start",
        "new",
        "tickets",
        "contract",
        "contracts",
        "languages",
        "teachers",
        "sessions",
        "book",
        "remind",
        "contacts",
        "documents",
        "write",
        "events",
        "agenda",
        "status",
        "help",
        "language",
        "cancel",
    ]


async def test_the_same_update_delivered_twice_is_applied_once(
    product: Product, fake: FakeTelegram
) -> None:
    fake.send_text(NEWCOMER.id, "/start")
    await bot_replies(fake, NEWCOMER.id, 1)
    update = fake.press(NEWCOMER.id, SHARE)
    await bot_replies(fake, NEWCOMER.id, 2)
    await eventually(lambda: fake.pending_updates() == 0, what="updates confirmed")

    fake.redeliver(update)
    await eventually(lambda: fake.pending_updates() == 0, what="the repeat confirmed")
    fake.send_text(NEWCOMER.id, "/help")  # a marker: once answered, the repeat was handled too
    replies = await bot_replies(fake, NEWCOMER.id, 3)
    assert len(replies) == 3
    assert replies[2].text.startswith("Commands for you (client)")
    assert len(await clients(product)) == 1
    assert product.running is not None
    async with product.running.database.reader() as session:
        recorded = await session.scalar(
            select(func.count())
            .select_from(ProcessedUpdate)
            .where(ProcessedUpdate.update_id == update["update_id"])
        )
    assert recorded == 1


async def test_a_dialog_interrupted_by_a_restart_resumes(
    product: Product, fake: FakeTelegram
) -> None:
    fake.send_text(NEWCOMER.id, "/start")
    await bot_replies(fake, NEWCOMER.id, 1)
    await product.restart()

    fake.send_text(NEWCOMER.id, "what now?")
    replies = await bot_replies(fake, NEWCOMER.id, 2)
    assert "Please press “📱 Share my phone number”" in replies[1].text  # still registering
    fake.press(NEWCOMER.id, SHARE)
    replies = await bot_replies(fake, NEWCOMER.id, 3)
    assert "Your client card is ready" in replies[2].text
    assert len(await clients(product)) == 1


async def test_an_answer_telegram_refuses_does_not_undo_the_registration(
    product: Product, fake: FakeTelegram
) -> None:
    fake.send_text(NEWCOMER.id, "/start")
    await bot_replies(fake, NEWCOMER.id, 1)
    fake.faults.append(
        Fault("sendMessage", 400, "Bad Request: chat is busy", chat_id=NEWCOMER.id, times=1)
    )
    fake.press(NEWCOMER.id, SHARE)
    await handled(fake)
    assert len(await clients(product)) == 1  # the card is made; only the answer was lost
    assert len(fake.bot_messages(NEWCOMER.id)) == 1  # no apology for what went right
    fake.send_text(NEWCOMER.id, "/start")
    replies = await bot_replies(fake, NEWCOMER.id, 2)
    assert "share your phone number" not in replies[1].text  # known now
    assert len(await clients(product)) == 1


async def test_webhook_mode_checks_the_secret_and_applies_each_update_once(
    fake_telegram: tuple[FakeTelegram, str], database_url: str, in_tmp_dir: Path
) -> None:
    fake, url = fake_telegram
    fake.add_user(NEWCOMER)
    product = Product(
        make_settings(
            url,
            database_url,
            webhook_url="https://crm.example.com/telegram/hook",
            webhook_secret=WEBHOOK_SECRET,
        )
    )
    running = await product.start()
    try:
        assert fake.webhook is not None
        assert fake.webhook["url"] == "https://crm.example.com/telegram/hook"
        assert fake.webhook["secret_token"] == WEBHOOK_SECRET
        update = fake.send_text(NEWCOMER.id, "/start")
        async with aiohttp.ClientSession() as http:
            hook = f"{running.web_url}/telegram/hook"
            wrong = await http.post(
                hook, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": "guess"}
            )
            assert wrong.status == 401
            assert fake.bot_messages(NEWCOMER.id) == []
            for _ in range(2):
                right = await http.post(
                    hook, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": WEBHOOK_SECRET}
                )
                assert right.status == 200
        # Webhook mode: nothing polls the fake, so wait on the chat itself.
        [ask] = await eventually(lambda: fake.bot_messages(NEWCOMER.id), what="the answer")
        assert "share your phone number" in ask.text
        assert len(fake.bot_messages(NEWCOMER.id)) == 1
    finally:
        await product.stop()


async def test_the_sandbox_exists_only_without_a_token(
    fake_telegram: tuple[FakeTelegram, str], sqlite_url: str, in_tmp_dir: Path
) -> None:
    _, url = fake_telegram
    with_token = Product(make_settings(url, sqlite_url))
    running = await with_token.start()
    try:
        async with aiohttp.ClientSession() as http:
            for path in ("/sandbox/", "/sandbox/people", f"/sandbox/telegram/bot{BOT_TOKEN}/getMe"):
                async with http.get(running.web_url + path) as response:
                    assert response.status == 404, path
            async with http.get(running.web_url + "/healthz") as response:
                assert response.status == 200
                assert await response.json() == {
                    "status": "ok",
                    "database": True,
                    "scheduler": "leader",  # one process, no Redis: it runs the jobs
                }
    finally:
        await with_token.stop()


async def test_a_person_registers_through_the_sandbox_page_api(
    sqlite_url: str, in_tmp_dir: Path
) -> None:
    settings = Settings(_env_file=None, database_url=sqlite_url, web_port=0)
    product = Product(settings)
    running = await product.start()
    try:
        async with aiohttp.ClientSession(base_url=running.web_url) as http:
            async with http.get("/sandbox/") as page:
                assert page.status == 200
                assert "Telegram sandbox" in await page.text()
            async with http.get("/sandbox/people") as response:
                people = (await response.json())["people"]
            kinds = {person["kind"] for person in people}
            assert {"owner", "admin", "specialist", "helper", "client"} <= kinds  # the demo
            form = {"name": "Zoe Newman", "phone": "+447700900123", "language": "en"}
            async with http.post("/sandbox/people", data=form) as response:
                zoe = await response.json()
            async with http.post(f"/sandbox/chats/{zoe['id']}/messages", data={"text": "/start"}):
                pass
            chat: dict[str, object] = {"version": -1}
            while not chat.get("keyboard"):
                async with http.get(
                    f"/sandbox/chats/{zoe['id']}", params={"version": str(chat["version"])}
                ) as response:
                    chat = await response.json()
            async with http.post(f"/sandbox/chats/{zoe['id']}/press", data={"text": SHARE}):
                pass
            assert running.sandbox is not None
            sandbox = running.sandbox
            replies = await bot_replies(sandbox, zoe["id"], 2)
            assert "Thank you, Zoe Newman!" in replies[1].text
        async with running.database.reader() as session:
            card = await session.scalar(select(Client).where(Client.telegram_id == zoe["id"]))
        assert card is not None and card.phone == "+447700900123"
    finally:
        await product.stop()


@pytest.mark.skipif(not REDIS_URL, reason="Redis not configured: set CRM_TEST_REDIS_URL to run")
async def test_dialog_state_in_redis_survives_a_restart(
    fake_telegram: tuple[FakeTelegram, str], sqlite_url: str, in_tmp_dir: Path
) -> None:
    assert REDIS_URL is not None
    redis = Redis.from_url(REDIS_URL)
    await redis.flushdb()
    await redis.aclose()
    fake, url = fake_telegram
    fake.add_user(NEWCOMER)
    product = Product(make_settings(url, sqlite_url, redis_url=REDIS_URL))
    await product.start()
    try:
        fake.send_text(NEWCOMER.id, "/start")
        await bot_replies(fake, NEWCOMER.id, 1)
        await product.restart()
        fake.send_text(NEWCOMER.id, "and now?")
        replies = await bot_replies(fake, NEWCOMER.id, 2)
        assert "Please press “📱 Share my phone number”" in replies[1].text
    finally:
        await product.stop()
    redis = Redis.from_url(REDIS_URL)
    assert await redis.keys("fsm:*")
    await redis.aclose()
