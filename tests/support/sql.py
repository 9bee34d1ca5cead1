"""What SQL a block of test code runs: for tests that count or explain the statements."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, NamedTuple

from sqlalchemy import event

from db.engine import Database


class Ran(NamedTuple):
    """One statement sent to the database, with its parameters."""

    statement: str
    parameters: Any

    @property
    def verb(self) -> str:
        """``SELECT``, ``INSERT``…: the statement's first word, in capitals."""
        return self.statement.split(maxsplit=1)[0].upper()


@contextmanager
def statements(database: Database) -> Iterator[list[Ran]]:
    """The SQL statements run on ``database`` inside the block, in order, as they are run."""
    seen: list[Ran] = []

    def record(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        seen.append(Ran(statement, parameters))

    engine = database.engine.sync_engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)
