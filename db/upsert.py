"""INSERT … ON CONFLICT DO NOTHING on both SQLite and PostgreSQL."""

from __future__ import annotations

from functools import cache
from typing import Any

from sqlalchemy import Insert
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from db.base import Base


async def insert_if_absent(
    session: AsyncSession, model: type[Base], values: dict[str, Any], conflict_on: list[str]
) -> bool:
    """Insert a row unless one with the same ``conflict_on`` columns exists; True if inserted.

    A concurrent transaction inserting the same key waits for this one, then gets False.
    """
    statement = _insert_absent(session.get_bind().dialect.name, model.__tablename__, *conflict_on)
    result = await session.execute(statement, values)
    return bool(getattr(result, "rowcount", 0))


@cache
def _insert_absent(dialect: str, table_name: str, *conflict_on: str) -> Insert:
    # Built once and run with the row as parameters: this is on every update's path, and a
    # Core statement reused skips both building it and the ORM's bulk-insert bookkeeping.
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    table = Base.metadata.tables[table_name]
    return insert(table).on_conflict_do_nothing(index_elements=list(conflict_on))


async def insert_all_absent(
    session: AsyncSession, model: type[Base], rows: list[dict[str, Any]], key: str
) -> set[Any]:
    """Insert those of ``rows`` whose unique ``key`` column is not taken; returns their keys.

    One bulk INSERT ... ON CONFLICT DO NOTHING RETURNING: a key that a concurrent transaction
    holds waits for it and, once that commits, is skipped and not returned, so two callers
    racing on the same keys never both count a row as theirs.
    """
    if not rows:
        return set()
    # Core: no primary keys to fetch back
    table = Base.metadata.tables[model.__tablename__]
    absent = _insert_absent(session.get_bind().dialect.name, model.__tablename__, key)
    return set(await session.scalars(absent.returning(table.c[key]), rows))
