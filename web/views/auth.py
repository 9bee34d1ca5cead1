"""Signing in and out."""

from __future__ import annotations

import math
from typing import Any
from urllib.parse import urlsplit

import aiohttp_jinja2
from aiohttp import web
from aiohttp_session import get_session, new_session

from crm.demo.seed import DEMO_PASSWORD, demo_logins
from crm.people.sign_in import authenticate, sign_out_everywhere
from crm.people.staff import MAX_LOGIN_LENGTH
from web.forms import Reader
from web.i18n import words
from web.keys import SANDBOX_ENABLED, THROTTLE, db_session
from web.middlewares import CSRF_FIELD, EMPLOYEE_FIELD, GENERATION_FIELD, csrf_token


def safe_next(target: str) -> str:
    """Only a path on this site: never an address elsewhere, however it is spelled.

    Browsers drop tabs and line breaks from a URL and read ``\\`` as ``/``, so ``/<TAB>/evil``
    and ``/\\evil`` mean ``//evil``, another site: anything but visible ASCII is refused.
    """
    if not all("!" <= char <= "~" for char in target) or "\\" in target:
        return "/"
    parts = urlsplit(target)
    if not target.startswith("/") or target.startswith("//") or parts.scheme or parts.netloc:
        return "/"
    return target


async def _demo(request: web.Request) -> dict[str, Any]:
    """In sandbox mode only: the demo logins and their published password."""
    if not request.app[SANDBOX_ENABLED]:
        return {}
    return {"demo_logins": await demo_logins(db_session(request)), "demo_password": DEMO_PASSWORD}


@aiohttp_jinja2.template("sign_in.html")
async def sign_in_page(request: web.Request) -> dict[str, Any]:
    target = safe_next(request.query.get("next", "/"))
    return {"next": target, "error": "", "login": "", **await _demo(request)}


async def sign_in(request: web.Request) -> web.StreamResponse:
    form = Reader(await request.post())
    _ = words(request).gettext
    login = form.text("login").strip()
    password = form.text("password")
    target = safe_next(form.text("next") or "/")

    demo = await _demo(request)

    def again(error: str, status: int) -> web.Response:
        return aiohttp_jinja2.render_template(
            "sign_in.html",
            request,
            {"next": target, "error": error, "login": login[:MAX_LOGIN_LENGTH], **demo},
            status=status,
        )

    if len(login) > MAX_LOGIN_LENGTH:
        return again(_("A login is at most {length} characters.", length=MAX_LOGIN_LENGTH), 400)
    throttle = request.app[THROTTLE]
    # Counted before the password is checked: simultaneous guesses meet the limit too.
    attempt = await throttle.reserve(login, request.remote or "")
    if attempt.refused:
        if attempt.wait < 60:  # an address slowed down: seconds, not minutes
            seconds = max(1, math.ceil(attempt.wait))
            return again(
                _("Too many failed attempts. Try again in {seconds} s.", seconds=seconds), 429
            )
        minutes = max(1, round(attempt.wait / 60))
        return again(
            _("Too many failed attempts. Try again in {minutes} min.", minutes=minutes), 429
        )
    employee = await authenticate(db_session(request), login, password) if login else None
    if employee is None:
        return again(_("Wrong login or password."), 401)
    await throttle.succeeded(attempt)
    session = await new_session(request)  # a fresh session: no fixation across sign-in
    session[EMPLOYEE_FIELD] = employee.id
    session[GENERATION_FIELD] = employee.session_generation
    session.pop(CSRF_FIELD, None)
    await csrf_token(request)
    raise web.HTTPFound(target)


async def sign_out(request: web.Request) -> web.StreamResponse:
    session = await get_session(request)
    employee_id = session.get(EMPLOYEE_FIELD)
    if employee_id is not None:
        # A copy of the cookie kept from before must not open the site again.
        await sign_out_everywhere(db_session(request), int(employee_id))
    session.invalidate()
    raise web.HTTPFound("/sign-in")
