"""The API served for tests: the demo business with a token per role, over real HTTP.

``served_demo`` runs the site in a thread of its own, with its own event loop, so that tests
which call it synchronously (Schemathesis, through ``requests``) have it answering meanwhile."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import select

from bot.cli import _seed
from crm.demo.seed import seed_demo
from crm.people.api_tokens import create_api_token
from crm.settings import Settings
from db.base import utcnow
from db.engine import Database
from db.enums import Role
from db.models import Employee
from web.app import create_app

SECRET = "api-tests-" + "k" * 40


async def tokens_by_role(database: Database) -> dict[Role, str]:
    """A fresh token for one active employee of each role."""
    tokens = {}
    async with database.writer() as session, session.begin():
        for role in Role:
            holder = await session.scalar(
                select(Employee)
                .where(Employee.role == role, Employee.active.is_(True))
                .order_by(Employee.id)
                .limit(1)
            )
            if holder is None:
                continue
            _, tokens[role] = await create_api_token(
                session, actor=holder, name=f"tests {role}", expires_at=None, now=utcnow()
            )
    return tokens


@dataclass(frozen=True)
class ServedDemo:
    url: str  # the site's root, http://127.0.0.1:port
    tokens: dict[Role, str]


@contextmanager
def served_demo(folder: Path, settings: Settings | None = None) -> Iterator[ServedDemo]:
    """The demo business (as ``crm seed --demo`` makes it) served on a free port."""
    url = f"sqlite+aiosqlite:///{folder / 'api.db'}"
    loop = asyncio.new_event_loop()
    started: dict[str, object] = {}

    async def start() -> None:
        await _seed(Settings(_env_file=None, database_url=url))
        database = Database(url)
        app = create_app(settings or Settings(_env_file=None), database, secret_key=SECRET)
        runner = web.AppRunner(app)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        port = runner.addresses[0][1]
        started.update(
            runner=runner,
            database=database,
            demo=ServedDemo(f"http://127.0.0.1:{port}", await tokens_by_role(database)),
        )

    async def stop() -> None:
        await started["runner"].cleanup()  # type: ignore[attr-defined]
        await started["database"].dispose()  # type: ignore[attr-defined]

    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    try:
        asyncio.run_coroutine_threadsafe(start(), loop).result(timeout=120)
        yield started["demo"]  # type: ignore[misc]
    finally:
        if "runner" in started:
            asyncio.run_coroutine_threadsafe(stop(), loop).result(timeout=30)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=10)
        loop.close()


async def demo_client(
    database: Database, settings: Settings | None = None, **app_options: Any
) -> tuple[TestClient[web.Request, web.Application], dict[Role, str]]:
    """The demo business in ``database``, its site (with the API) served over HTTP, a token per
    role. The caller closes the client."""
    async with database.writer() as session, session.begin():
        await seed_demo(session, now=utcnow())
    tokens = await tokens_by_role(database)
    return await site_client(database, settings, **app_options), tokens


async def site_client(
    database: Database, settings: Settings | None = None, **app_options: Any
) -> TestClient[web.Request, web.Application]:
    """The site (with the API) on ``database``, served over HTTP; the caller closes it."""
    app = create_app(
        settings or Settings(_env_file=None), database, secret_key=SECRET, **app_options
    )
    client = TestClient(TestServer(app))
    await client.start_server()
    return client


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}
