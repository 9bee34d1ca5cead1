"""Signing in and out."""

from __future__ import annotations

from typing import Any

import aiohttp_jinja2
from aiohttp import web
from aiohttp_session import get_session, new_session

from crm.employees import authenticate
from web.keys import THROTTLE, db_session
from web.middlewares import CSRF_FIELD, csrf_token


def _safe_next(target: str) -> str:
    # Only paths on this site: never an address elsewhere.
    return target if target.startswith("/") and not target.startswith("//") else "/"


@aiohttp_jinja2.template("sign_in.html")
async def sign_in_page(request: web.Request) -> dict[str, Any]:
    return {"next": _safe_next(request.query.get("next", "/")), "error": "", "login": ""}


async def sign_in(request: web.Request) -> web.StreamResponse:
    form = await request.post()
    login = str(form.get("login", "")).strip()
    password = str(form.get("password", ""))
    target = _safe_next(str(form.get("next", "/")))
    throttle = request.app[THROTTLE]
    keys = (f"login:{login.lower()}", f"address:{request.remote}")

    def again(error: str, status: int) -> web.Response:
        return aiohttp_jinja2.render_template(
            "sign_in.html",
            request,
            {"next": target, "error": error, "login": login},
            status=status,
        )

    wait = await throttle.wait_seconds(*keys)
    if wait > 0:
        minutes = max(1, round(wait / 60))
        return again(f"Too many failed attempts. Try again in {minutes} min.", 429)
    employee = await authenticate(db_session(request), login, password) if login else None
    if employee is None:
        await throttle.failed(*keys)
        return again("Wrong login or password.", 401)
    await throttle.succeeded(*keys)
    session = await new_session(request)  # a fresh session: no fixation across sign-in
    session["employee_id"] = employee.id
    session.pop(CSRF_FIELD, None)
    await csrf_token(request)
    raise web.HTTPFound(target)


async def sign_out(request: web.Request) -> web.StreamResponse:
    session = await get_session(request)
    session.invalidate()
    raise web.HTTPFound("/sign-in")
