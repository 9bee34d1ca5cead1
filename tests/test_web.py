"""The admin site's application: health and the headers every page carries."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from crm.settings import Settings
from db.engine import Database
from web.app import create_app


@pytest.fixture
async def client(database: Database) -> AsyncIterator[TestClient[web.Request, web.Application]]:
    settings = Settings(_env_file=None)
    async with TestClient(TestServer(create_app(settings, database))) as test_client:
        yield test_client


async def test_health_reports_the_database(
    client: TestClient[web.Request, web.Application],
) -> None:
    response = await client.get("/healthz")
    assert response.status == 200
    assert await response.json() == {"status": "ok", "database": True}


async def test_health_is_503_when_the_database_does_not_answer(tmp_path: Path) -> None:
    broken = Database("postgresql+asyncpg://nobody@127.0.0.1:9/nothing")  # a closed port
    settings = Settings(_env_file=None)
    async with TestClient(TestServer(create_app(settings, broken))) as test_client:
        response = await test_client.get("/healthz")
        assert response.status == 503
        assert (await response.json())["database"] is False
    await broken.dispose()


async def test_pages_carry_security_headers(
    client: TestClient[web.Request, web.Application],
) -> None:
    response = await client.get("/")
    assert response.status == 200
    assert "Frontdoor CRM" in await response.text()
    assert "sandbox" not in (await response.text()).lower()
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
