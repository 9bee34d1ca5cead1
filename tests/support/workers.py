"""Each test run and pytest-xdist worker gets databases of its own, migrated once.

A PostgreSQL database per worker (named by the run and the worker, dropped at the end) is
emptied of rows between tests instead of migrated again; a Redis index per worker is claimed
with a key in index 0 so two runs on one machine never flush each other's.
"""

from __future__ import annotations

import asyncio
import os
import socket
from functools import cache

import asyncpg
from alembic.script import ScriptDirectory
from redis import Redis
from sqlalchemy import make_url

from db.migrate import alembic_config, upgrade

CLAIM_KEY = "crm-tests:redis-index:{}"
CLAIM_SECONDS = 3 * 3600  # longer than any run; a killed run's claim expires by itself


def _plain(url: str) -> str:
    """The asyncpg spelling of an SQLAlchemy URL."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


async def create_database(admin_url: str, url: str) -> None:
    """Create the database ``url`` names, through a connection to ``admin_url``."""
    name = make_url(url).database
    connection = await asyncpg.connect(_plain(admin_url))
    try:
        await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await connection.execute(f'CREATE DATABASE "{name}"')
    finally:
        await connection.close()


async def drop_database(admin_url: str, url: str) -> None:
    """Drop the database ``url`` names, whoever is still connected to it."""
    name = make_url(url).database
    connection = await asyncpg.connect(_plain(admin_url))
    try:
        await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await connection.close()


async def reset_postgres(url: str) -> None:
    """Empty the database at ``url`` of its schema: the next test starts from a bare one."""
    connection = await asyncpg.connect(_plain(url))
    try:
        await connection.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
    finally:
        await connection.close()


@cache
def head_revision() -> str:
    """The revision the migrations end at."""
    head = ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()
    assert head is not None
    return head


async def empty_postgres(url: str) -> None:
    """Leave the database at ``url`` migrated to the head and without rows.

    Deleting the rows of a few dozen small tables takes milliseconds, where migrating again
    takes seconds. A test that dropped or downgraded the schema gets it rebuilt.
    """
    connection = await asyncpg.connect(_plain(url))
    try:
        try:
            version = await connection.fetchval("SELECT version_num FROM alembic_version")
        except asyncpg.UndefinedTableError:
            version = None
        if version == head_revision():
            tables = await connection.fetch(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
                " AND tablename <> 'alembic_version'"
            )
            sequences = await connection.fetch(
                "SELECT sequencename FROM pg_sequences WHERE schemaname = 'public'"
            )
            statements = ["SET session_replication_role = replica"]
            statements += [f'DELETE FROM "{row[0]}"' for row in tables]
            statements += [f'ALTER SEQUENCE "{row[0]}" RESTART' for row in sequences]
            statements.append("SET session_replication_role = DEFAULT")
            await connection.execute(";".join(statements))
            return
    finally:
        await connection.close()
    await reset_postgres(url)
    await asyncio.to_thread(upgrade, url)


def _claims(url: str) -> Redis:
    """A client of index 0 of the server at ``url``, where the claims are kept."""
    return Redis.from_url(make_url(url).set(database="0").render_as_string(hide_password=False))


def _holder_gone(held: bytes | str | None) -> bool:
    """Whether the claim ``held`` (``run:worker@host:pid``) was left by a process of this
    machine that is no longer running: a run killed before it could give its index back."""
    if held is None:
        return True
    _, _, place = (held.decode() if isinstance(held, bytes) else held).rpartition("@")
    host, _, pid = place.partition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return False  # another machine's, or an older form: left to expire
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def claim_redis_index(base_url: str, owner: str) -> str:
    """The URL of a Redis database index no other run or worker holds, claimed for ``owner``.

    A claim names the process that made it, so one left by a killed run on this machine is
    taken over at once rather than after ``CLAIM_SECONDS``.
    """
    parsed = make_url(base_url)
    preferred = int(parsed.database or 0)
    candidates = [preferred] + [index for index in range(1, 16) if index != preferred]
    client = _claims(base_url)
    try:
        for index in candidates:
            if index and client.set(CLAIM_KEY.format(index), owner, nx=True, ex=CLAIM_SECONDS):
                return parsed.set(database=str(index)).render_as_string(hide_password=False)
        for index in candidates:
            key = CLAIM_KEY.format(index)
            held = client.get(key)
            # Taken over only if it still holds the dead claim read just now.
            if (
                index
                and held
                and _holder_gone(held)
                and client.set(key, owner, ex=CLAIM_SECONDS, get=True) == held
            ):
                return parsed.set(database=str(index)).render_as_string(hide_password=False)
    finally:
        client.close()
    raise RuntimeError(f"every Redis database index of {base_url} is claimed by another test run")


def release_redis_index(url: str, owner: str) -> None:
    """Give back the index ``url`` names, if ``owner`` still holds it."""
    index = make_url(url).database
    client = _claims(url)
    try:
        key = CLAIM_KEY.format(index)
        if client.get(key) == owner.encode():
            client.delete(key)
    finally:
        client.close()
