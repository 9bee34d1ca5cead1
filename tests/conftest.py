"""Shared fixtures: real databases (SQLite always, PostgreSQL when there is one), the fake Bot API.

PostgreSQL and Redis tests run against ``CRM_TEST_DATABASE_URL`` / ``CRM_TEST_REDIS_URL``; when
those are unset, against a server found at its usual local address (PostgreSQL's database
``test`` on 127.0.0.1:5432 as ``postgres``, Redis database 15 on 127.0.0.1:6379), so a newcomer
who has them runs the whole suite. Set a variable to an empty string to leave that service out.
Without one, its tests skip, saying so; ``.ci/run`` sets both, so in CI they run.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager
from pathlib import Path

import asyncpg
import pytest
from aiohttp import web
from redis import Redis as SyncRedis
from redis.asyncio import Redis
from redis.exceptions import RedisError
from sqlalchemy import make_url

from bot.sandbox.server import create_app
from bot.sandbox.telegram import FakeTelegram
from db.engine import Database
from db.migrate import upgrade
from tests.support.workers import (
    claim_redis_index,
    create_database,
    drop_database,
    empty_postgres,
    release_redis_index,
    reset_postgres,
)

LOCAL_POSTGRES_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
LOCAL_REDIS_URL = "redis://127.0.0.1:6379/15"


def _postgres_answers(url: str) -> bool:
    async def connect() -> None:
        connection = await asyncpg.connect(url.replace("+asyncpg", ""), timeout=1)
        await connection.close()

    try:
        asyncio.run(connect())
    except (OSError, TimeoutError, asyncpg.PostgresError):
        return False
    return True


def _redis_answers(url: str) -> bool:
    client = SyncRedis.from_url(url, socket_connect_timeout=0.5, socket_timeout=0.5)
    try:
        return bool(client.ping())
    except RedisError:
        return False
    finally:
        client.close()


def _service_url(variable: str, local: str, answers: Callable[[str], bool]) -> str | None:
    configured = os.environ.get(variable)
    if configured is not None:
        return configured or None
    return local if answers(local) else None


BASE_POSTGRES_URL = _service_url("CRM_TEST_DATABASE_URL", LOCAL_POSTGRES_URL, _postgres_answers)
BASE_REDIS_URL = _service_url("CRM_TEST_REDIS_URL", LOCAL_REDIS_URL, _redis_answers)
# One name per run and pytest-xdist worker: two runs on one machine, and the workers of one run,
# each get their own PostgreSQL database and Redis index instead of emptying each other's.
RUN_ID = os.environ.get("PYTEST_XDIST_TESTRUNUID", uuid.uuid4().hex)[:8]
WORKER = os.environ.get("PYTEST_XDIST_WORKER", "solo")
# Who holds this worker's Redis index: the run, the worker, and its process on this machine.
REDIS_OWNER = f"{RUN_ID}:{WORKER}@{socket.gethostname()}:{os.getpid()}"
POSTGRES_URL = (
    str(make_url(BASE_POSTGRES_URL).set(database=f"crm_test_{RUN_ID}_{WORKER}"))
    if BASE_POSTGRES_URL
    else None
)
REDIS_URL = claim_redis_index(BASE_REDIS_URL, REDIS_OWNER) if BASE_REDIS_URL else None
BOT_TOKEN = "4242424242:test-token-for-the-fake-server"
# Strong enough for Settings (32 random bytes, url-safe), and only ever used by the tests.
SECRET_KEY = "pyiLhVr3Bf9UnjV46S9FMRiKm_n3NvaDS449KJhvT_Y"
WEBHOOK_SECRET = "-9vV9XK3pbTGxa2lR10qOMFRxttloHkQ46Y5iT69Vl4"


SQLITE_TEMPLATE = Path(tempfile.gettempdir()) / f"crm-tests-{RUN_ID}-{WORKER}" / "migrated.db"


@pytest.fixture(scope="session", autouse=True)
def worker_databases(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """This worker's PostgreSQL database, created and migrated once, dropped at the end; and a
    migrated SQLite file that each test copies."""
    SQLITE_TEMPLATE.parent.mkdir(parents=True, exist_ok=True)
    upgrade(f"sqlite+aiosqlite:///{SQLITE_TEMPLATE}")
    if POSTGRES_URL:
        assert BASE_POSTGRES_URL is not None
        asyncio.run(create_database(BASE_POSTGRES_URL, POSTGRES_URL))
        upgrade(POSTGRES_URL)
    yield
    if POSTGRES_URL:
        assert BASE_POSTGRES_URL is not None
        asyncio.run(drop_database(BASE_POSTGRES_URL, POSTGRES_URL))


def migrated_sqlite_copy(path: Path) -> str:
    """A copy of the migrated SQLite template at ``path``; its URL."""
    shutil.copy(SQLITE_TEMPLATE, path)
    return f"sqlite+aiosqlite:///{path}"


@pytest.fixture(params=["sqlite", "postgresql"])
async def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A migrated database with no rows: a copy of the SQLite template, or this worker's
    PostgreSQL database emptied."""
    if request.param == "sqlite":
        return migrated_sqlite_copy(tmp_path / "test.db")
    if not POSTGRES_URL:
        pytest.skip("PostgreSQL not configured: set CRM_TEST_DATABASE_URL to run this variant")
    await empty_postgres(POSTGRES_URL)
    return POSTGRES_URL


@pytest.fixture(params=["sqlite", "postgresql"])
async def unmigrated_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A database with no schema at all (for the tests of the migrations themselves)."""
    if request.param == "sqlite":
        return f"sqlite+aiosqlite:///{tmp_path / 'test.db'}"
    if not POSTGRES_URL:
        pytest.skip("PostgreSQL not configured: set CRM_TEST_DATABASE_URL to run this variant")
    await reset_postgres(POSTGRES_URL)
    return POSTGRES_URL


@pytest.fixture
async def database(database_url: str) -> AsyncIterator[Database]:
    """A migrated database, disposed after the test."""
    db = Database(database_url)
    yield db
    await db.dispose()


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    """A migrated SQLite file of the test's own."""
    return migrated_sqlite_copy(tmp_path / "test.db")


@pytest.fixture
def fake() -> Iterator[FakeTelegram]:
    """The fake Bot API: served over HTTP by ``fake_telegram``, or answering an in-process bot
    (``tests/support/in_process.py``)."""
    telegram = FakeTelegram(BOT_TOKEN)
    yield telegram
    telegram.close()


@asynccontextmanager
async def fake_bot_api(
    port: int = 0, fake: FakeTelegram | None = None
) -> AsyncIterator[tuple[FakeTelegram, str]]:
    """The fake Bot API (``fake``, or a new one) served over HTTP on a loopback port (0: a free
    one); (fake, base URL)."""
    fake = fake or FakeTelegram(BOT_TOKEN)
    runner = web.AppRunner(create_app(fake), handler_cancellation=True)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", port)
    await site.start()
    host, bound = runner.addresses[0][:2]
    try:
        yield fake, f"http://{host}:{bound}"
    finally:
        fake.close()
        await runner.cleanup()


@pytest.fixture
async def fake_telegram(fake: FakeTelegram) -> AsyncIterator[tuple[FakeTelegram, str]]:
    """``fake`` served over HTTP on a free loopback port; yields (fake, base URL)."""
    async with fake_bot_api(fake=fake) as served:
        yield served


@pytest.fixture
def in_tmp_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Run with ``tmp_path`` as the working directory (the secret key file lands there)."""
    monkeypatch.chdir(tmp_path)
    yield tmp_path


def _services_line() -> str:
    missing = "not found, its tests skip"
    postgres = (
        f"{BASE_POSTGRES_URL} (a database of its own per worker)" if BASE_POSTGRES_URL else missing
    )
    redis = f"{BASE_REDIS_URL} (an index of its own per worker)" if BASE_REDIS_URL else missing
    return f"ran on: SQLite; PostgreSQL {postgres}; Redis {redis}"


def pytest_report_header() -> str:
    return _services_line()


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    terminalreporter.write_line(_services_line())


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


# `make test` leaves the working tree as it found it: with CRM_CHECK_TREE set, the run fails when
# `git status` differs at its end (a test that wrote into the checkout, say a screenshot).
TREE_STATE = pytest.StashKey[str | None]()


def _tree_state() -> str | None:
    top = Path(__file__).resolve().parent.parent
    if shutil.which("git") is None or not (top / ".git").exists():
        return None
    status = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=all"],
        cwd=top,
        capture_output=True,
        text=True,
        check=False,
    )
    return status.stdout if status.returncode == 0 else None


def _checks_tree(config: pytest.Config) -> bool:
    return bool(os.environ.get("CRM_CHECK_TREE")) and not hasattr(config, "workerinput")


def pytest_unconfigure(config: pytest.Config) -> None:
    # Every process claimed an index at import (pytest-xdist's controller too, which runs no
    # test): each gives its own back.
    if REDIS_URL:
        release_redis_index(REDIS_URL, REDIS_OWNER)


def pytest_sessionstart(session: pytest.Session) -> None:
    if _checks_tree(session.config):
        session.config.stash[TREE_STATE] = _tree_state()


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if not _checks_tree(session.config):
        return
    before = session.config.stash.get(TREE_STATE, None)
    after = _tree_state()
    if before is not None and after != before:
        changed = sorted(set(after.splitlines()) ^ set(before.splitlines())) if after else []
        session.config.get_terminal_writer().line(
            f"\nthe tests changed the working tree (git status): {changed}", red=True
        )
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
