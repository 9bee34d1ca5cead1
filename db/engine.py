"""Engine and session factories, with SQLite tuned for concurrent async use."""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import URL, Connection, make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.pool import ConnectionPoolEntry

from db.sqlite_writer import SQLITE_BUSY_TIMEOUT_MS, WriterConnection, set_inline, sqlite_connector

_BEGIN_OPTION = "sqlite_begin"


class DatabaseURLError(ValueError):
    """The database URL cannot be used."""


def parse_database_url(url: str) -> URL:
    """Check that ``url`` names an async driver SQLAlchemy knows, or raise DatabaseURLError."""
    try:
        parsed = make_url(url)
    except ArgumentError as error:
        raise DatabaseURLError(f"malformed database URL {url!r}") from error
    if parsed.drivername not in {"sqlite+aiosqlite", "postgresql+asyncpg"}:
        raise DatabaseURLError(
            f"unsupported database URL {url!r}: use sqlite+aiosqlite:///FILE "
            "or postgresql+asyncpg://USER@HOST/NAME"
        )
    return parsed


def create_private_sqlite_file(url: str) -> None:
    """Create the SQLite file ``url`` names readable by its owner only (0600), if missing.

    SQLite gives the ``-wal`` and ``-shm`` files it makes the database file's permissions, so
    they are private too. An existing file is left as it is; other databases have no file.
    """
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database:
        _create_private_file(parsed.database)


def _create_private_file(path: str) -> None:
    if path == ":memory:" or path.startswith("file:"):
        return  # no file, or a URI filename that is SQLite's to interpret
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except OSError:
        return  # it exists; or its directory does not, which SQLite's own error names better
    os.close(descriptor)


def _tune_sqlite(engine: AsyncEngine) -> None:
    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: ConnectionPoolEntry) -> None:
        # Take transaction control away from the sqlite3 module, so BEGIN is ours to emit.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(connection: Connection) -> None:
        # A writer takes the lock up front: a deferred transaction that later upgrades to
        # a write can fail at once with SQLITE_BUSY instead of waiting for busy_timeout.
        mode = connection.get_execution_options().get(_BEGIN_OPTION, "DEFERRED")
        dbapi_connection = connection.connection.dbapi_connection
        driver = getattr(dbapi_connection, "driver_connection", None)
        writer = driver if mode == "IMMEDIATE" and isinstance(driver, WriterConnection) else None
        if writer is not None and writer.begin_immediate_now():
            writer.inline = True
            return
        set_inline(dbapi_connection, False)  # BEGIN may wait for another process's writer
        connection.exec_driver_sql(f"BEGIN {mode}")
        # With the write lock held, nothing this connection runs can wait.
        set_inline(dbapi_connection, mode == "IMMEDIATE")

    @event.listens_for(engine.sync_engine, "checkin")
    def _on_checkin(dbapi_connection: Any, _record: ConnectionPoolEntry) -> None:
        set_inline(dbapi_connection, False)


class Database:
    """One engine and two session factories: ``writer`` for changes, ``reader`` for pages.

    A writer session must not open another writer inside it (on SQLite that would wait for
    itself).
    """

    def __init__(self, url: str, *, echo: bool = False) -> None:
        parsed = parse_database_url(url)
        self.url = parsed
        self.is_sqlite = parsed.get_backend_name() == "sqlite"
        kwargs: dict[str, Any] = {"echo": echo}
        if not self.is_sqlite:
            kwargs.update(pool_size=10, max_overflow=10, pool_pre_ping=True)
        if self.is_sqlite and parsed.database and parsed.database != ":memory:":
            kwargs["async_creator"] = sqlite_connector(
                parsed.database, on_open=_create_private_file
            )
        self.engine = create_async_engine(parsed, **kwargs)
        if self.is_sqlite:
            _tune_sqlite(self.engine)
            write_engine = self.engine.execution_options(**{_BEGIN_OPTION: "IMMEDIATE"})
        else:
            write_engine = self.engine
        self._writers: async_sessionmaker[AsyncSession] = async_sessionmaker(
            write_engine, expire_on_commit=False
        )
        self.reader: async_sessionmaker[AsyncSession] = async_sessionmaker(
            self.engine, expire_on_commit=False
        )
        # SQLite has one writer at a time. Within the process, writers queue on this lock and
        # get the database the moment it is free, instead of polling SQLite's lock with
        # growing sleeps (busy_timeout), which caps throughput under load. Other processes
        # (``crm digest``, a second ``crm run``) still meet at SQLite's own lock.
        self._write_lock = asyncio.Lock() if self.is_sqlite else None
        self.writer: Callable[[], AbstractAsyncContextManager[AsyncSession]] = (
            self._queued_writer if self.is_sqlite else self._writers
        )

    @asynccontextmanager
    async def _queued_writer(self) -> AsyncIterator[AsyncSession]:
        assert self._write_lock is not None
        async with self._write_lock, self._writers() as session:
            yield session

    async def refresh_statistics(self) -> None:
        """Let the query planner know the tables' shape again (after bulk loads; daily)."""
        async with self.engine.connect() as connection:
            if self.is_sqlite:
                await connection.exec_driver_sql("PRAGMA optimize=0x10002")
                await connection.commit()
            else:
                # VACUUM also marks pages all-visible, so counts can be answered from indexes
                # alone; it cannot run inside a transaction.
                autocommit = await connection.execution_options(isolation_level="AUTOCOMMIT")
                await autocommit.exec_driver_sql("VACUUM (ANALYZE)")

    async def dispose(self) -> None:
        """Close every pooled connection."""
        await self.engine.dispose()
