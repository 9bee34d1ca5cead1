"""The fake Bot API over HTTP: ``/bot<token>/<method>``, answered by a ``FakeTelegram``."""

from __future__ import annotations

import json
from typing import Any

from aiohttp import web

from bot.sandbox.chat import BotAPIError, JSONDict, Upload
from bot.sandbox.telegram import FakeTelegram


def decode_field(value: str) -> Any:
    """A form field's value as the Bot API reads it: JSON for objects and lists, else text."""
    try:
        return json.loads(value) if value[:1] in "{[" else value
    except json.JSONDecodeError:
        return value


async def answer_call(
    fake: FakeTelegram, token: str, method: str, params: JSONDict
) -> tuple[int, JSONDict]:
    """The Bot API's answer to ``method`` called with ``params``: the HTTP status and the body.

    The one place a call is answered, whether it came over HTTP or from a session in the same
    process (the tests' in-process bot).
    """
    if token != fake.token:
        return 401, {"ok": False, "error_code": 401, "description": "Unauthorized"}
    try:
        if method.lower() == "getupdates":
            fake.calls.append((method, params))
            fake.check_fault(method, params)
            result = await fake.get_updates(params)
        else:
            result = fake.call(method, params)
    except BotAPIError as error:
        return error.status, error.payload()
    return 200, {"ok": True, "result": result}


async def _read_params(request: web.Request) -> JSONDict:
    if request.content_type == "application/json":
        body = await request.json()
        return dict(body) if isinstance(body, dict) else {}
    form = await request.post() if request.can_read_body else request.query
    params: JSONDict = {}
    for key, value in {**request.query, **form}.items():
        if isinstance(value, web.FileField):
            size = len(value.file.read())
            params[key] = Upload(value.filename, value.content_type, size)
            continue
        if isinstance(value, str):
            params[key] = decode_field(value)
    return params


def create_app(fake: FakeTelegram) -> web.Application:
    """The Bot API over HTTP: ``/bot<token>/<method>``, answered from ``fake``."""

    async def handle(request: web.Request) -> web.Response:
        token = request.match_info["token"]
        params = await _read_params(request) if token == fake.token else {}
        status, body = await answer_call(fake, token, request.match_info["method"], params)
        return web.json_response(body, status=status)

    async def download(request: web.Request) -> web.Response:
        """A file by the path ``getFile`` gave, as Telegram serves it."""
        content = None
        if request.match_info["token"] == fake.token:
            content = fake.file_content(request.match_info["file_path"])
        if content is None:
            return web.json_response(
                {"ok": False, "error_code": 404, "description": "Not Found"}, status=404
            )
        return web.Response(body=content, content_type="application/octet-stream")

    app = web.Application()
    app.router.add_get("/file/bot{token}/{file_path:.+}", download)
    app.router.add_route("*", "/bot{token}/{method}", handle)
    return app
