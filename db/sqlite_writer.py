"""The SQLite writer's connection: aiosqlite, with a write transaction's statements inline.

This builds on aiosqlite's private parts: ``Connection._execute`` (the hand-off of each call
to aiosqlite's thread, which the subclass skips while it holds the write lock),
``Connection._connection`` (the sqlite3 connection) and ``Connection._thread``. They are as
used here in aiosqlite 0.22 only: 0.21 and older hand calls over differently (there is no
``_execute`` to override, so every statement would still cross threads, silently), and a later
release may rename them. pyproject.toml pins the range this was tested with
(``SUPPORTED_AIOSQLITE``), and ``tests/test_sqlite_writer.py`` fails loudly when the installed
aiosqlite is outside it or the names are gone, before anything subtler breaks.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from functools import partial
from typing import Any

import aiosqlite

# The aiosqlite releases this module was tested with: from 0.22 up to, not including, 0.23.
SUPPORTED_AIOSQLITE = ((0, 22), (0, 23))
# How long a SQLite writer waits for the lock before giving up, in milliseconds.
SQLITE_BUSY_TIMEOUT_MS = 15_000


def aiosqlite_problems() -> list[str]:
    """What about the installed aiosqlite this module cannot rely on; empty when all is well."""
    problems = []
    version = tuple(int(part) for part in aiosqlite.__version__.split(".")[:2])
    low, high = SUPPORTED_AIOSQLITE
    if not low <= version < high:
        problems.append(f"aiosqlite {aiosqlite.__version__} is outside the tested {low}..{high}")
    if not callable(getattr(aiosqlite.Connection, "_execute", None)):
        problems.append("aiosqlite.Connection._execute is gone")
    return problems


class WriterConnection(aiosqlite.Connection):
    """aiosqlite, except that inside a write transaction calls run on the event loop's thread.

    aiosqlite hands every call (cursor, execute, fetch, close) to its own thread and back: about
    0.4 ms each, some 36 per update, all while the one writer slot is held. Once ``BEGIN
    IMMEDIATE`` has the write lock, no statement of the transaction waits for another
    connection (WAL readers never block it), so they run inline in microseconds. What can wait
    (``BEGIN``, ``COMMIT`` with its checkpoint) and every reader still go through the thread.
    """

    inline = False

    async def commit(self) -> None:
        # COMMIT may checkpoint the WAL (disk I/O): on the thread. After it, until the connection
        # goes back to the pool or begins again, nothing that can wait is run.
        inline, self.inline = self.inline, False
        try:
            await super().commit()
        finally:
            self.inline = inline

    def begin_immediate_now(self) -> bool:
        """``BEGIN IMMEDIATE`` on the calling thread if the write lock is free; False if taken.

        Called on the loop's thread when nothing of this connection is on aiosqlite's thread.
        Another process holding the lock makes it return at once (no busy wait), and the
        caller then begins through the thread, where waiting for the lock blocks nobody.
        """
        raw = self._connection
        if raw is None:
            return False
        raw.execute("PRAGMA busy_timeout=0")
        try:
            raw.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError:
            return False
        finally:
            raw.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        return True

    async def _execute(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        if self.inline and self._connection is not None:
            return fn(*args, **kwargs)
        return await super()._execute(fn, *args, **kwargs)  # type: ignore[no-untyped-call]


def sqlite_connector(path: str, *, on_open: Callable[[str], None]) -> Callable[[], Any]:
    """An ``async_creator`` opening ``path`` with ``WriterConnection``; ``on_open(path)`` first."""

    async def connect() -> aiosqlite.Connection:
        on_open(path)
        # Opened on aiosqlite's thread but also used from the loop's (never at the same time).
        connection = WriterConnection(
            partial(sqlite3.connect, path, check_same_thread=False), iter_chunk_size=64
        )
        connection._thread.daemon = True  # as SQLAlchemy does for aiosqlite's own connections
        return await connection

    return connect


def set_inline(dbapi_connection: Any, inline: bool) -> None:
    driver = getattr(dbapi_connection, "driver_connection", None)
    if isinstance(driver, WriterConnection):
        driver.inline = inline
