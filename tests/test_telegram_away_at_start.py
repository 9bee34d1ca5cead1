"""Telegram out of reach when the bot starts: it says so, tries again, and still stops cleanly."""

from __future__ import annotations

import asyncio
import logging
import signal
from pathlib import Path

import pytest

from bot.sandbox.chat import SandboxUser
from crm.settings import Settings
from tests.conftest import BOT_TOKEN, fake_bot_api
from tests.support.e2e import Product, bot_replies, eventually
from tests.support.processes import CrmProcess, free_port

AWAY = "Telegram cannot be reached"
NEWCOMER = SandboxUser(id=7301, first_name="Nora", language_code="en", phone="+34600555111")


async def test_polling_waits_for_telegram_and_starts_once_it_answers(
    sqlite_url: str, in_tmp_dir: Path, caplog: pytest.LogCaptureFixture
) -> None:
    port = free_port()  # nothing listens there yet
    settings = Settings(
        _env_file=None,
        bot_token=BOT_TOKEN,
        telegram_api_url=f"http://127.0.0.1:{port}",
        database_url=sqlite_url,
        web_port=0,
        redis_url=None,
    )
    product = Product(settings)
    starting = asyncio.create_task(product.start())
    try:
        with caplog.at_level(logging.WARNING, logger="bot.runner"):
            await eventually(
                lambda: any(AWAY in r.getMessage() for r in caplog.records),
                what="the start-up to say Telegram is away",
            )
        assert not starting.done()  # waiting, not crashed
        async with fake_bot_api(port) as (fake, _):
            await asyncio.wait_for(starting, timeout=30)
            fake.add_user(NEWCOMER)
            fake.send_text(NEWCOMER.id, "/start")
            [greeting] = await bot_replies(fake, NEWCOMER.id, 1)
            assert "share your phone number" in greeting.text
            await product.stop()
    finally:
        if not starting.done():
            starting.cancel()
        await asyncio.gather(starting, return_exceptions=True)
        await product.stop()


async def test_crm_run_stops_cleanly_on_sigterm_while_telegram_is_away(
    tmp_path: Path, sqlite_url: str
) -> None:
    env = {
        "CRM_BOT_TOKEN": BOT_TOKEN,
        "CRM_TELEGRAM_API_URL": f"http://127.0.0.1:{free_port()}",
        "CRM_DATABASE_URL": sqlite_url,
    }
    process = CrmProcess("crm", tmp_path, env, free_port())
    try:
        process.start()
        await process.ready()  # the admin site answers meanwhile
        await eventually(lambda: AWAY in process.log(), timeout=30, what="the log to say so")
        assert await process.stop(signal.SIGTERM, timeout=15) == 0
        assert "Stopped." in process.log()
    finally:
        process.kill_now()
