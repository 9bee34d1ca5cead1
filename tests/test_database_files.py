"""A SQLite database we create is readable by its owner only, like the secret key file."""

from __future__ import annotations

import asyncio
import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from db.engine import Database
from db.migrate import upgrade


@pytest.fixture(autouse=True)
def permissive_umask() -> Iterator[None]:
    """The usual umask (022), which alone would make new files world-readable."""
    previous = os.umask(0o022)
    yield
    os.umask(previous)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


async def test_a_database_created_by_the_migrations_is_private(tmp_path: Path) -> None:
    path = tmp_path / "crm.db"
    await asyncio.to_thread(upgrade, f"sqlite+aiosqlite:///{path}")
    assert mode(path) == 0o600


async def test_a_database_and_its_wal_and_shm_files_are_private(tmp_path: Path) -> None:
    path = tmp_path / "crm.db"
    database = Database(f"sqlite+aiosqlite:///{path}")
    try:
        async with database.writer() as session, session.begin():
            await session.execute(text("CREATE TABLE notes (body TEXT)"))
            await session.execute(text("INSERT INTO notes VALUES ('private')"))
        # The connection is still open in the pool: WAL mode keeps both files beside the database.
        siblings = [tmp_path / "crm.db-wal", tmp_path / "crm.db-shm"]
        assert all(sibling.exists() for sibling in siblings)
        assert {p.name: mode(p) for p in [path, *siblings]} == {
            "crm.db": 0o600,
            "crm.db-wal": 0o600,
            "crm.db-shm": 0o600,
        }
    finally:
        await database.dispose()


async def test_an_existing_database_keeps_its_permissions(tmp_path: Path) -> None:
    path = tmp_path / "crm.db"
    path.touch(mode=0o640)  # the owner chose to share it with a group
    await asyncio.to_thread(upgrade, f"sqlite+aiosqlite:///{path}")
    assert mode(path) == 0o640
