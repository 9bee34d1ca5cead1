"""The language switch in every page's header."""

from __future__ import annotations

from aiohttp import web
from aiohttp_session import get_session

from crm.i18n import SHIPPED_LANGUAGES
from crm.people.identity import set_language
from web.forms import Reader
from web.i18n import SESSION_LANGUAGE
from web.keys import EMPLOYEE, db_session
from web.views.auth import safe_next


async def choose_language(request: web.Request) -> web.StreamResponse:
    """Remembered for the signed-in employee (the bot speaks it too), else in the session."""
    form = Reader(await request.post())
    language = form.text("language")
    if language not in SHIPPED_LANGUAGES:
        raise web.HTTPBadRequest(text=f"unknown language {language!r}")
    employee = request.get(EMPLOYEE)
    if employee is not None:
        await set_language(db_session(request), employee, language)
    else:
        (await get_session(request))[SESSION_LANGUAGE] = language
    raise web.HTTPFound(safe_next(form.text("back") or "/"))
