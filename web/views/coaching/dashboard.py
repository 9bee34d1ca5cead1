"""The coaching practice's parts of the dashboard and of a client's card."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from crm.coaching.products import products_of
from crm.coaching.programs import enrolments_of
from crm.coaching.sessions import upcoming_sessions
from crm.coaching.track_rules import TRACK_STATUS_NAMES
from crm.coaching.tracks import tracks_of
from crm.permissions import is_staff
from db.models import Client
from web.i18n import words
from web.keys import db_session, employee, request_now

# The dashboard lists this many of the sessions to come.
COMING = 10


async def coaching_part(request: web.Request, _subject: None) -> dict[str, Any] | None:
    """The next sessions the viewer may see (nothing for who has no session listing)."""
    viewer = employee(request)
    if not is_staff(viewer):
        return None
    coming = await upcoming_sessions(
        db_session(request), actor=viewer, now=request_now(request), limit=COMING
    )
    return {"coming": coming}


async def client_coaching(request: web.Request, client: Client) -> dict[str, Any]:
    """A client's coach, tracks, products bought and programmes, as the viewer may see them."""
    session, viewer, said = db_session(request), employee(request), words(request)
    return {
        "bought": await products_of(session, actor=viewer, client_id=client.id),
        "enrolments": await enrolments_of(session, actor=viewer, client_id=client.id),
        "tracks": await tracks_of(session, actor=viewer, client_id=client.id),
        "track_status": lambda status: said.gettext(TRACK_STATUS_NAMES[status]),
    }
