"""The admin site's aiohttp application (sign-in and the admin pages build on this)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path

import aiohttp_jinja2
import jinja2
from aiohttp import web

from crm.health import database_answers
from crm.settings import Settings
from db.engine import Database

SETTINGS = web.AppKey("settings", Settings)
DATABASE = web.AppKey("database", Database)
SANDBOX_ENABLED = web.AppKey("sandbox_enabled", bool)
TEMPLATES = Path(__file__).parent / "templates"


async def healthz(request: web.Request) -> web.Response:
    """200 when the database answers, 503 otherwise."""
    async with request.app[DATABASE].reader() as session:
        healthy = await database_answers(session)
    return web.json_response(
        {"status": "ok" if healthy else "unavailable", "database": healthy},
        status=200 if healthy else 503,
    )


@aiohttp_jinja2.template("home.html")
async def home(request: web.Request) -> dict[str, object]:
    return {"sandbox": request.app[SANDBOX_ENABLED]}


@web.middleware
async def security_headers(
    request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
) -> web.StreamResponse:
    response = await handler(request)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault(
        "Content-Security-Policy",
        "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'",
    )
    return response


def create_app(settings: Settings, database: Database, *, sandbox: bool = False) -> web.Application:
    """The admin site; the composition root may mount more (the webhook, the sandbox) on it."""
    app = web.Application(middlewares=[security_headers])
    app[SETTINGS] = settings
    app[DATABASE] = database
    app[SANDBOX_ENABLED] = sandbox
    aiohttp_jinja2.setup(
        app,
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=jinja2.select_autoescape(default=True),
    )
    app.router.add_get("/", home, name="home")
    app.router.add_get("/healthz", healthz, name="healthz")
    return app
