"""``/calendar/<token>.ics``: a private calendar feed, read by calendar apps without signing in
(the secret token in the URL is the key). Served by its own sub-application, outside the admin
site's sign-in, sessions and CSRF."""

from __future__ import annotations

from aiohttp import web

from crm.coaching.calendar_feeds import feed_ics
from db.base import utcnow
from web.keys import DATABASE


async def calendar_feed(request: web.Request) -> web.Response:
    async with request.config_dict[DATABASE].reader() as session:
        document = await feed_ics(session, request.match_info["token"], now=utcnow())
    if document is None:
        raise web.HTTPNotFound(text="no such calendar")
    return web.Response(
        body=document,
        content_type="text/calendar",
        charset="utf-8",
        headers={"Cache-Control": "private, max-age=300"},
    )


def calendar_app() -> web.Application:
    """The feeds' sub-application, mounted at ``/calendar``."""
    app = web.Application()
    app.router.add_get("/{token:[A-Za-z0-9_-]{20,100}}.ics", calendar_feed)
    return app
