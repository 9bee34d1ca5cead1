"""API tokens: the signed-in employee's keys for integrations, made with a name and an optional
last day, listed (never shown again after they are made: only their first characters), and
revoked with a button."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import aiohttp_jinja2
from aiohttp import web

from crm.errors import DomainError
from crm.i18n import N_
from crm.people.api_tokens import create_api_token, my_api_tokens, revoke_api_token
from web.flash import flash
from web.forms import Reader
from web.i18n import words
from web.keys import SETTINGS, db_session, employee, request_now
from web.views.crud import object_id, refusals_by_field


async def _page(
    request: web.Request,
    *,
    made: str | None = None,
    errors: dict[str, str] | None = None,
    typed: dict[str, str] | None = None,
) -> web.StreamResponse:
    tokens = await my_api_tokens(db_session(request), actor=employee(request))
    context = {
        "tokens": tokens,
        "made": made,
        "errors": errors or {},
        "now": request_now(request),
        "form": typed or {},
    }
    response = aiohttp_jinja2.render_template(
        "api_tokens.html", request, context, status=400 if errors else 200
    )
    # A new token is a key: no cache keeps the page that shows it.
    response.headers["Cache-Control"] = "no-store"
    return response


async def token_page(request: web.Request) -> web.StreamResponse:
    """My tokens, and the form to make one."""
    return await _page(request)


async def token_new(request: web.Request) -> web.StreamResponse:
    """Make a token: shown on the page this once; refusals next to their fields."""
    session, actor, now = db_session(request), employee(request), request_now(request)
    form = await request.post()
    reader = Reader(form, words(request).gettext)
    name = reader.text("name")
    last_day = reader.day("expires_on", N_("Last day"))
    typed = {"name": name, "expires_on": reader.text("expires_on")}
    if reader.errors:
        return await _page(request, errors=reader.errors, typed=typed)
    zone = request.app[SETTINGS].zone
    ends = None
    if last_day is not None:
        ends = datetime.combine(last_day + timedelta(days=1), time(), zone)
    try:
        async with session.begin_nested():
            _made, token = await create_api_token(
                session, actor=actor, name=name, expires_at=ends, now=now
            )
    except DomainError as refused:
        return await _page(request, errors=refusals_by_field(words(request), refused), typed=typed)
    return await _page(request, made=token)


async def token_revoke(request: web.Request) -> web.StreamResponse:
    """Revoke one of my tokens: it stops working at once."""
    token_id = object_id(request)
    assert token_id is not None
    revoked = await revoke_api_token(
        db_session(request), actor=employee(request), token_id=token_id, now=request_now(request)
    )
    await flash(request, words(request).gettext("Token “{name}” revoked.", name=revoked.name))
    raise web.HTTPFound("/api-tokens")
