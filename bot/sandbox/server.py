"""The fake Bot API over HTTP: ``/bot<token>/<method>``, answered by a ``FakeTelegram``."""

from __future__ import annotations

import json

from aiohttp import web

from bot.sandbox.chat import BotAPIError, JSONDict, Upload
from bot.sandbox.telegram import FakeTelegram


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
        if not isinstance(value, str):
            continue
        try:
            params[key] = json.loads(value) if value[:1] in "{[" else value
        except json.JSONDecodeError:
            params[key] = value
    return params


def create_app(fake: FakeTelegram) -> web.Application:
    """The Bot API over HTTP: ``/bot<token>/<method>``, answered from ``fake``."""

    async def handle(request: web.Request) -> web.Response:
        if request.match_info["token"] != fake.token:
            return web.json_response(
                {"ok": False, "error_code": 401, "description": "Unauthorized"}, status=401
            )
        method = request.match_info["method"]
        params = await _read_params(request)
        try:
            if method.lower() == "getupdates":
                fake.calls.append((method, params))
                fake.check_fault(method, params)
                result = await fake.get_updates(params)
            else:
                result = fake.call(method, params)
        except BotAPIError as error:
            return web.json_response(error.payload(), status=error.status)
        return web.json_response({"ok": True, "result": result})

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
