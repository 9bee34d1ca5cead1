"""INSERT … ON CONFLICT DO NOTHING on both SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

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
    dialect = session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    statement = insert(model).values(**values).on_conflict_do_nothing(index_elements=conflict_on)
    result = await session.execute(statement)
    return bool(getattr(result, "rowcount", 0))


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
    table = Base.metadata.tables[model.__tablename__]  # Core: no primary keys to fetch back
    dialect = session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    statement = insert(table).on_conflict_do_nothing(index_elements=[key]).returning(table.c[key])
    return set(await session.scalars(statement, rows))
