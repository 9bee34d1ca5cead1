"""The bot in the test's own process: the product's bot, dispatcher, polling loop and sender, with
aiogram's HTTP session swapped for one the fake Bot API answers directly.

aiogram's own tests do the same (``tests/mocked_bot.py``: a ``BaseSession`` whose requests never
leave the process). Here the session hands every call to the same ``FakeTelegram`` and the same
answering code the fake's HTTP server uses (``bot.sandbox.server.answer_call``), with the
parameters written as aiogram writes them into a form (``BaseSession.prepare_value``) and read
back as the server reads them, and the answer goes through aiogram's ``check_response``, so a
refusal raises the real ``Telegram*`` exception. Updates reach the dispatcher the product's way:
``bot.polling.poll`` fetches them with ``getUpdates`` and feeds each through
``Dispatcher.feed_update``; the dispatcher comes from ``bot.factory.create_dispatcher``, so the
one transaction per update, the answers kept until the commit and the outbox are the real ones.

What it leaves out is the web server, the site, the sandbox page, the scheduler and the
migrations at start (the test's database is a migrated copy already): a test of who may do
what in the chat needs none of them, and ``tests/support/e2e.Product`` still runs everything
over real HTTP for the journeys, the faults, the webhook, the restarts and the processes.
``tests/test_in_process_session.py`` checks that both ways send the fake the same calls.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from enum import Enum
from typing import Any, cast

from aiogram import Bot, Dispatcher
from aiogram.client.session.base import BaseSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.methods import TelegramMethod
from aiogram.methods.base import TelegramType
from aiogram.types import InputFile
from aiohttp import ClientResponseError, RequestInfo
from multidict import CIMultiDict, CIMultiDictProxy
from yarl import URL

from bot.factory import bot_on_session, create_dispatcher
from bot.lean_session import LeanAnswers
from bot.polling import poll
from bot.sandbox.chat import JSONDict, Upload
from bot.sandbox.server import answer_call, decode_field
from bot.sandbox.telegram import FakeTelegram
from crm.notify import Notifier
from crm.settings import Settings
from db.engine import Database
from handlers.i18n import CatalogI18n
from notifications.sender import OutboxSender, SenderConfig

# Never resolved: the address only names the fake in aiogram's URLs (file downloads).
FAKE_API_BASE = "http://fake-bot-api.invalid"
# What aiohttp's form gives an uploaded file with no type of its own, and so what the fake's
# server reads from a real upload.
UPLOAD_CONTENT_TYPE = "application/octet-stream"


class FakeAPISession(LeanAnswers, BaseSession):
    """An aiogram session whose requests the fake Bot API answers in this process, reading
    them as the product's HTTP session does (``bot.lean_session``)."""

    def __init__(self, fake: FakeTelegram) -> None:
        super().__init__(api=TelegramAPIServer.from_base(FAKE_API_BASE))
        self.fake = fake

    async def params(self, bot: Bot, method: TelegramMethod[Any]) -> JSONDict:
        """``method``'s fields as the fake's server reads them from aiogram's form.

        aiogram's HTTP session writes each field with ``prepare_value`` and leaves out the
        empty ones (``AiohttpSession.build_form_data``); the server reads JSON objects and
        lists back and keeps an uploaded file's name, type and size.
        """
        files: dict[str, InputFile] = {}
        params: JSONDict = {}
        for key, value in method.model_dump(warnings=False).items():
            prepared = self.prepare_value(value, bot=bot, files=files)
            if prepared:
                # A form field is text: an enum of strings (ParseMode.HTML) is sent as its value.
                params[key] = decode_field(
                    prepared.value if isinstance(prepared, Enum) else prepared
                )
        for key, upload in files.items():
            content = b"".join([chunk async for chunk in upload.read(bot)])
            params[key] = Upload(upload.filename or key, UPLOAD_CONTENT_TYPE, len(content))
        return params

    async def make_request(
        self, bot: Bot, method: TelegramMethod[TelegramType], timeout: int | None = None
    ) -> TelegramType:
        params = await self.params(bot, method)
        status, body = await answer_call(self.fake, bot.token, method.__api_method__, params)
        response = self.check_response(bot, method, status, self.json_dumps(body))
        return cast(TelegramType, response.result)

    async def stream_content(
        self,
        url: str,
        headers: dict[str, Any] | None = None,
        timeout: int = 30,
        chunk_size: int = 65536,
        raise_for_status: bool = True,
    ) -> AsyncGenerator[bytes, None]:
        """A file by the URL aiogram makes of ``getFile``'s path, as the fake's server serves
        it; a missing one is aiohttp's 404, as over HTTP."""
        prefix = self.api.file_url(self.fake.token, "")
        content = (
            self.fake.file_content(url.removeprefix(prefix)) if url.startswith(prefix) else None
        )
        if content is None:
            if raise_for_status:
                raise ClientResponseError(_request_info(url), (), status=404, message="Not Found")
            return
        for start in range(0, len(content), chunk_size):
            yield content[start : start + chunk_size]

    async def close(self) -> None:
        """Nothing to close: no connection was opened."""


def _request_info(url: str) -> RequestInfo:
    return RequestInfo(URL(url), "GET", CIMultiDictProxy(CIMultiDict()), URL(url))


@dataclass
class BotInProcess:
    """What a started in-process bot offers a test (the names of ``bot.runner.Running``)."""

    bot: Bot
    dispatcher: Dispatcher
    database: Database
    sender: OutboxSender


@asynccontextmanager
async def bot_in_process(
    settings: Settings, fake: FakeTelegram, sender_config: SenderConfig | None = None
) -> AsyncIterator[BotInProcess]:
    """The bot and its sender serving ``fake`` from this process until the block ends, started
    and stopped in ``bot.runner.serve``'s order, with the dialog state where ``serve`` keeps it
    without Redis (the database)."""
    database = Database(settings.database_url)
    bot = bot_on_session(settings.token, FakeAPISession(fake))
    i18n = CatalogI18n(default_locale=settings.default_language)
    notifier = Notifier(settings.default_language, settings.currency, settings.zone)
    sender = OutboxSender(database, bot, sender_config or SenderConfig())
    dispatcher = create_dispatcher(
        settings, database, i18n=i18n, notifier=notifier, after_commit=sender.wake
    )
    stop = asyncio.Event()
    sending = asyncio.create_task(sender.run(stop))
    polling: asyncio.Task[None] | None = None
    try:
        await dispatcher.emit_startup(bot=bot)
        await dispatcher["commands"].publish_default(bot, i18n)
        polling = asyncio.create_task(poll(bot, dispatcher, stop))
        yield BotInProcess(bot, dispatcher, database, sender)
    finally:
        stop.set()
        if polling is not None:
            await polling
        await sending
        await dispatcher.emit_shutdown(bot=bot)
        await dispatcher.storage.close()
        await bot.session.close()
        await database.dispose()
