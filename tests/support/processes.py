"""The product as separate ``crm run`` processes, and Telegram's webhook side for them.

``CrmProcess`` starts ``python -m bot.cli run`` with its own environment and log file.
``RoundRobinProxy`` is the reverse proxy in front of several processes, ``WebhookPusher`` is
Telegram pushing updates to the webhook address: it takes them from the fake Bot API and
confirms them only once the address answered 200, retrying otherwise, as Telegram does.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import os
import signal
import socket
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web

from bot.sandbox.telegram import FakeTelegram
from tests.support.e2e import eventually_async


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class CrmProcess:
    """One ``crm run`` in a child process, serving on ``port``."""

    def __init__(self, name: str, workdir: Path, env: dict[str, str], port: int) -> None:
        self.name = name
        self.workdir = workdir
        self.port = port
        self.env = {**os.environ, **env, "CRM_WEB_PORT": str(port), "PYTHONUNBUFFERED": "1"}
        self.log_path = workdir / f"{name}.log"
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "bot.cli", "run"],
                cwd=self.workdir,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    async def health(self) -> dict[str, Any] | None:
        """``/healthz`` as JSON, or None while the process does not answer."""
        try:
            async with (
                aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=2)) as http,
                http.get(f"{self.url}/healthz") as response,
            ):
                return dict(await response.json())
        except (aiohttp.ClientError, TimeoutError):
            return None

    async def ready(self, timeout: float = 60.0) -> None:
        async def answers() -> bool:
            if self.process is not None and self.process.poll() is not None:
                raise AssertionError(f"{self.name} exited early:\n{self.log()}")
            health = await self.health()
            return health is not None and health["status"] == "ok"

        await eventually_async(answers, timeout=timeout, what=f"{self.name} to answer /healthz")

    async def stop(self, sig: int = signal.SIGTERM, timeout: float = 30.0) -> int:
        """Send ``sig`` and wait for the exit status."""
        assert self.process is not None
        if self.process.poll() is None:
            self.process.send_signal(sig)
        code = await asyncio.to_thread(self.process.wait, timeout)
        self.process = None
        return code

    def kill_now(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        self.process = None


class RoundRobinProxy:
    """A reverse proxy spreading requests over ``backends`` in turn, skipping one that is down."""

    def __init__(self, backends: list[str]) -> None:
        self.backends = backends
        self.served: Counter[str] = Counter()
        self._turn = itertools.count()
        self._http: aiohttp.ClientSession | None = None
        self._runner: web.AppRunner | None = None
        self.url = ""

    async def _forward(self, request: web.Request) -> web.Response:
        assert self._http is not None
        body = await request.read()
        headers = {k: v for k, v in request.headers.items() if k.lower() != "host"}
        start = next(self._turn)
        for attempt in range(len(self.backends)):
            backend = self.backends[(start + attempt) % len(self.backends)]
            try:
                async with self._http.request(
                    request.method, backend + request.path_qs, data=body, headers=headers
                ) as answer:
                    payload = await answer.read()
                    self.served[backend] += 1
                    return web.Response(
                        status=answer.status, body=payload, content_type=answer.content_type
                    )
            except aiohttp.ClientConnectionError:
                continue
        return web.Response(status=502, text="no backend answered")

    async def start(self, port: int) -> None:
        self._http = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=60))
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._forward)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", port).start()
        self.url = f"http://127.0.0.1:{port}"

    async def close(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
        if self._http is not None:
            await self._http.close()


class WebhookPusher:
    """Telegram's side of a webhook: every update is POSTed until the address answers 200.

    Every ``duplicate_every``-th update is sent twice at once, as Telegram does when it gave
    up waiting on the first attempt: the product must apply and answer it once.
    """

    def __init__(self, fake: FakeTelegram, *, duplicate_every: int = 0) -> None:
        self.fake = fake
        self.duplicate_every = duplicate_every
        self.pushed = 0
        self.duplicated = 0
        self.refused = 0
        self._task: asyncio.Task[None] | None = None
        self._http: aiohttp.ClientSession | None = None

    async def _post(self, update: dict[str, Any]) -> None:
        assert self._http is not None
        while True:
            webhook = self.fake.webhook or {}
            if webhook.get("url"):
                headers = {}
                if webhook.get("secret_token"):
                    headers["X-Telegram-Bot-Api-Secret-Token"] = str(webhook["secret_token"])
                try:
                    async with self._http.post(
                        str(webhook["url"]), json=update, headers=headers
                    ) as answer:
                        if answer.status == 200:
                            return
                        self.refused += 1
                except (aiohttp.ClientError, TimeoutError):
                    self.refused += 1
            await asyncio.sleep(0.2)

    async def _deliver(self, update: dict[str, Any]) -> None:
        self.pushed += 1
        if self.duplicate_every and self.pushed % self.duplicate_every == 0:
            self.duplicated += 1
            await asyncio.gather(self._post(update), self._post(update))
        else:
            await self._post(update)

    async def _run(self) -> None:
        offset = 0
        while not self.fake.closed:
            updates = await self.fake.get_updates({"offset": offset, "timeout": 0.5})
            if updates:
                # Telegram keeps one chat's updates in order; here a chat has one at a time.
                await asyncio.gather(*(self._deliver(update) for update in updates))
                offset = int(updates[-1]["update_id"]) + 1  # confirmed by the next call

    async def start(self) -> None:
        self._http = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=60))
        self._task = asyncio.create_task(self._run())

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        if self._http is not None:
            await self._http.close()
