"""What the benchmarks share: percentiles, a free port, an empty, migrated database to fill,
and helper processes started, waited for and stopped."""

from __future__ import annotations

import asyncio
import math
import os
import signal
import socket
import subprocess
from pathlib import Path

import aiohttp
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from db.engine import Database
from db.migrate import upgrade


def percentile(samples: list[float], share: float) -> float:
    """The nearest-rank percentile: the smallest sample with ``share`` of them at or below it."""
    if not samples:
        return float("nan")
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def empty_database(url: str) -> Database:
    """The database at ``url`` emptied (a SQLite file removed, a PostgreSQL schema dropped)
    and migrated afresh."""
    if url.startswith("sqlite"):
        path = url.split("///", 1)[1]
        for suffix in ("", "-wal", "-shm"):
            await asyncio.to_thread(Path(f"{path}{suffix}").unlink, missing_ok=True)
    else:
        engine = create_async_engine(url)
        async with engine.begin() as connection:
            await connection.execute(text("DROP SCHEMA public CASCADE"))
            await connection.execute(text("CREATE SCHEMA public"))
        await engine.dispose()
    await asyncio.to_thread(upgrade, url)
    return Database(url)


def start(
    command: list[str], log: Path, env: dict[str, str] | None = None
) -> subprocess.Popen[bytes]:
    with log.open("wb") as out:
        return subprocess.Popen(
            command,
            stdout=out,
            stderr=subprocess.STDOUT,
            env={**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})},
        )


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


async def wait_for(http: aiohttp.ClientSession, url: str, process: subprocess.Popen[bytes]) -> None:
    for _ in range(600):
        if process.poll() is not None:
            raise SystemExit(f"{process.args!r} exited with {process.returncode}")
        try:
            async with http.get(url) as response:
                if response.status == 200:
                    return
        except aiohttp.ClientError:
            pass
        await asyncio.sleep(0.1)
    raise SystemExit(f"{url} did not answer")
