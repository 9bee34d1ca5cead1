"""Sales on the admin site: deals (a board and a list), companies, tasks, events, reports."""

from __future__ import annotations

from aiohttp import web

from web.views.areas import SiteArea


def _routes(app: web.Application) -> None:
    pass


SITE = SiteArea(routes=_routes)
