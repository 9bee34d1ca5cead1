"""My calendar: the signed-in employee's private iCalendar URL of their sessions, made (anew)
or ended with a button; the URL is shown once, when it is made (only its hash is kept)."""

from __future__ import annotations

from typing import Any

import aiohttp_jinja2
from aiohttp import web

from crm.coaching.calendar_feeds import issue_feed, revoke_feeds
from web.keys import db_session, employee, request_now

# Where the feeds are served (web.views.coaching.calendar, mounted at /calendar).
FEEDS = "/calendar"


@aiohttp_jinja2.template("my_calendar.html")
async def calendar_page(request: web.Request) -> dict[str, Any]:
    return {"feed_url": None, "ended": None}


async def calendar_action(request: web.Request) -> web.StreamResponse:
    """``issue``: a new URL, shown on the page (the old one stops working); ``revoke``: none."""
    session, actor, now = db_session(request), employee(request), request_now(request)
    context: dict[str, Any] = {"feed_url": None, "ended": None}
    if request.match_info["action"] == "issue":
        token = await issue_feed(session, actor=actor, now=now)
        context["feed_url"] = f"{request.url.origin()}{FEEDS}/{token}.ics"
    else:
        context["ended"] = await revoke_feeds(session, actor=actor, now=now)
    response = aiohttp_jinja2.render_template("my_calendar.html", request, context)
    # The URL is a key: no cache keeps the page that shows it.
    response.headers["Cache-Control"] = "no-store"
    return response
