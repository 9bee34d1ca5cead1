"""The webhook endpoint: only Telegram, with the secret, gets an update applied; junk is a 400."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from sqlalchemy import func, select

from bot.runner import Running
from bot.sandbox.telegram import FakeTelegram
from crm.tickets.tickets import open_ticket
from db.base import utcnow
from db.engine import Database
from db.models import ProcessedUpdate, TicketEvent
from tests.conftest import WEBHOOK_SECRET
from tests.support.desk import ANNA, BOB, add_people, desk_settings
from tests.support.e2e import Product, eventually

HOOK = "/telegram/hook"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


@pytest.fixture
async def webhook_product(
    fake_telegram: tuple[FakeTelegram, str], database: Database, database_url: str, in_tmp_dir: Path
) -> AsyncIterator[tuple[Running, Database]]:
    """The product in webhook mode, with Anna (admin) on staff and Bob's ticket #1 open."""
    fake, url = fake_telegram
    people = await add_people(database, fake)
    async with database.writer() as session, session.begin():
        ticket = await open_ticket(
            session,
            actor=people.bob,
            client=people.bob,
            description="The printer jams",
            now=utcnow(),
        )
    assert ticket.id == 1
    settings = desk_settings(
        url,
        database_url,
        webhook_url=f"https://crm.example.com{HOOK}",
        webhook_secret=WEBHOOK_SECRET,
    )
    product = Product(settings)
    running = await product.start()
    yield running, database
    await product.stop()


async def applied(database: Database) -> tuple[int, int]:
    """(updates recorded as applied, events in ticket #1's history)."""
    async with database.reader() as session:
        updates = await session.scalar(select(func.count()).select_from(ProcessedUpdate))
        events = await session.scalar(
            select(func.count()).select_from(TicketEvent).where(TicketEvent.ticket_id == 1)
        )
    return int(updates or 0), int(events or 0)


async def answered(fake: FakeTelegram, chat_id: int, fragment: str) -> None:
    # Webhook mode: nothing polls the fake, so its updates stay unconfirmed; watch the chat.
    await eventually(
        lambda: any(fragment in m.text for m in fake.bot_messages(chat_id)),
        what=f"{fragment!r} in chat {chat_id}",
    )


async def post(running: Running, body: Any, headers: dict[str, str]) -> tuple[int, str]:
    async with (
        aiohttp.ClientSession() as http,
        http.post(running.web_url + HOOK, data=body, headers=headers) as response,
    ):
        return response.status, await response.text()


async def test_a_post_without_the_webhook_secret_changes_nothing(
    webhook_product: tuple[Running, Database], fake: FakeTelegram
) -> None:
    running, database = webhook_product
    before = await applied(database)
    forged = fake.send_text(ANNA, "/note 1 FORGED")  # as if from Anna's Telegram id
    body = aiohttp.JsonPayload(forged)
    for headers in ({}, {SECRET_HEADER: "guess"}, {SECRET_HEADER: WEBHOOK_SECRET[:-1]}):
        status, _ = await post(running, body, headers)
        assert status == 401, headers
    assert await applied(database) == before
    assert fake.bot_messages(ANNA) == []

    # Telegram itself, with the secret, is heard.
    status, _ = await post(running, body, {SECRET_HEADER: WEBHOOK_SECRET})
    assert status == 200
    await answered(fake, ANNA, "#1")  # the 200 came after the commit
    assert await applied(database) == (before[0] + 1, before[1] + 1)


@pytest.mark.parametrize(
    ("body", "secret"),
    [
        ("{not json", WEBHOOK_SECRET),
        ("{}", WEBHOOK_SECRET),
        ("[]", WEBHOOK_SECRET),
        ('{"update_id": "one"}', WEBHOOK_SECRET),
        ('{"update_id": 77, "message": "not a message"}', WEBHOOK_SECRET),
        (b"\xff\xfe{", WEBHOOK_SECRET),
        ('{"update_id": 78}', "é"),
        ('{"update_id": 79}', WEBHOOK_SECRET + "é"),
        ("[" * 50_000 + "]" * 50_000, WEBHOOK_SECRET),
        ('{"update_id": 80, "message": ' + '{"a": ' * 50_000 + "1" + "}" * 50_001, WEBHOOK_SECRET),
    ],
    ids=[
        "not-json",
        "empty-object",
        "array",
        "bad-id",
        "bad-message",
        "not-utf8",
        "é",
        "secret+é",
        "nested-50000",
        "message-nested-50000",
    ],
)
async def test_a_malformed_webhook_request_is_a_400_and_the_bot_keeps_serving(
    webhook_product: tuple[Running, Database],
    fake: FakeTelegram,
    body: str | bytes,
    secret: str,
) -> None:
    running, database = webhook_product
    before = await applied(database)
    status, _ = await post(
        running, body, {SECRET_HEADER: secret, "Content-Type": "application/json"}
    )
    assert status == 400
    assert await applied(database) == before

    update = fake.send_text(BOB, "/status")
    status, _ = await post(running, aiohttp.JsonPayload(update), {SECRET_HEADER: WEBHOOK_SECRET})
    assert status == 200
    await answered(fake, BOB, "#1")
