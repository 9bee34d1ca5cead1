"""The webhook endpoint: only Telegram's well-formed updates reach aiogram.

aiogram's ``SimpleRequestHandler`` applies whatever it is given: with no secret configured it
takes a post from anyone, a non-ASCII secret header makes its comparison raise, and a body
that is not an update is a 500 (which Telegram would retry forever). Here the secret is
compared as bytes and the body checked first; what is wrong is answered 401 or 400 before
aiogram sees it, and nothing is applied.
"""

from __future__ import annotations

import hmac
import json
import logging

from aiogram import Bot, Dispatcher
from aiogram.types import Update
from aiogram.webhook.aiohttp_server import SimpleRequestHandler
from aiohttp import web

from crm.settings import WEBHOOK_SECRET_CHARACTERS

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"  # noqa: S105 - a header name


def _refusal(status: int, reason: str) -> web.Response:
    return web.Response(status=status, text=reason)


def mount_webhook(
    app: web.Application, path: str, dispatcher: Dispatcher, bot: Bot, secret: str
) -> None:
    """Serve Telegram's updates at ``path`` (a sub-application of ``app``, outside the admin
    site's sign-in and forms), refusing any post without ``secret``."""
    expected = secret.encode()
    # Not in background: Telegram is answered only once the update is applied and committed,
    # so a crash mid-update means a redelivery rather than a loss.
    handler = SimpleRequestHandler(dispatcher, bot, secret_token=secret, handle_in_background=False)

    async def receive(request: web.Request) -> web.StreamResponse:
        given = request.headers.get(SECRET_HEADER)
        if given is None:
            return _refusal(401, "missing secret token")
        if not set(given) <= WEBHOOK_SECRET_CHARACTERS:
            return _refusal(400, "malformed secret token")
        if not hmac.compare_digest(given.encode(), expected):
            return _refusal(401, "wrong secret token")
        try:
            payload = json.loads(await request.read())
            Update.model_validate(payload, context={"bot": bot})
        # JSONDecodeError, UnicodeDecodeError, ValidationError; RecursionError: JSON nested
        # deeper than the interpreter's stack (50,000 levels), which is no update either.
        except (ValueError, RecursionError) as error:
            log.warning("webhook: refused a body that is not an update (%s)", type(error).__name__)
            return _refusal(400, "not a Telegram update")
        return await handler.handle(request)

    webhook = web.Application()
    webhook.router.add_post("", receive)
    app.add_subapp(path.rstrip("/"), webhook)
