"""Shared fixtures: real databases (SQLite always, PostgreSQL when configured) and the fake Bot API.

PostgreSQL tests run when ``CRM_TEST_DATABASE_URL`` names a server and skip, saying so,
otherwise; ``.ci/run`` sets it, so in CI they run (and fail if the server is missing).
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from aiohttp import web
from redis.asyncio import Redis
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from bot.sandbox.server import create_app
from bot.sandbox.telegram import FakeTelegram
from db.engine import Database
from db.migrate import upgrade

POSTGRES_URL = os.environ.get("CRM_TEST_DATABASE_URL")
REDIS_URL = os.environ.get("CRM_TEST_REDIS_URL")
BOT_TOKEN = "4242424242:test-token-for-the-fake-server"


async def reset_postgres(url: str) -> None:
    """Empty the test database: every test starts from a bare schema."""
    engine = create_async_engine(url)
    try:
        async with engine.begin() as connection:
            await connection.execute(text("DROP SCHEMA public CASCADE"))
            await connection.execute(text("CREATE SCHEMA public"))
    finally:
        await engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
async def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty database: a SQLite file, or the PostgreSQL test server."""
    if request.param == "sqlite":
        return f"sqlite+aiosqlite:///{tmp_path / 'test.db'}"
    if not POSTGRES_URL:
        pytest.skip("PostgreSQL not configured: set CRM_TEST_DATABASE_URL to run this variant")
    await reset_postgres(POSTGRES_URL)
    return POSTGRES_URL


@pytest.fixture
async def database(database_url: str) -> AsyncIterator[Database]:
    """A migrated database, disposed after the test."""
    await asyncio.to_thread(upgrade, database_url)
    db = Database(database_url)
    yield db
    await db.dispose()


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite+aiosqlite:///{tmp_path / 'test.db'}"


@pytest.fixture
async def fake_telegram() -> AsyncIterator[tuple[FakeTelegram, str]]:
    """The fake Bot API served over HTTP on a free loopback port; yields (fake, base URL)."""
    fake = FakeTelegram(BOT_TOKEN)
    runner = web.AppRunner(create_app(fake), handler_cancellation=True)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    host, port = runner.addresses[0][:2]
    yield fake, f"http://{host}:{port}"
    fake.close()
    await runner.cleanup()


@pytest.fixture
def in_tmp_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Run with ``tmp_path`` as the working directory (the secret key file lands there)."""
    monkeypatch.chdir(tmp_path)
    yield tmp_path


needs_redis = pytest.mark.skipif(
    not REDIS_URL, reason="Redis not configured: set CRM_TEST_REDIS_URL to run"
)


@pytest.fixture
async def redis() -> AsyncIterator[Redis]:
    """The test Redis database, emptied before and after the test."""
    assert REDIS_URL is not None
    client = Redis.from_url(REDIS_URL)
    await client.flushdb()
    yield client
    await client.flushdb()
    await client.aclose()
