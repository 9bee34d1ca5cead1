"""The service desk's parts of the dashboard and of a client's card."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from crm.tickets.assignment import works_the_desk
from crm.tickets.dashboard import ticket_figures
from crm.tickets.listing import TicketFilter, list_tickets
from db.models import Client
from web.i18n import words
from web.keys import SETTINGS, db_session, employee, request_now
from web.views.overview.dashboard import chart


async def ticket_part(request: web.Request, _subject: None) -> dict[str, Any] | None:
    """Open tickets by status and by assignee, the last 30 days, what needs a look; nothing for
    those whose work is elsewhere (a teacher, a coach)."""
    if not await works_the_desk(db_session(request), actor=employee(request)):
        return None
    numbers = await ticket_figures(
        db_session(request),
        actor=employee(request),
        zone=request.app[SETTINGS].zone,
        now=request_now(request),
    )
    return {"numbers": numbers, "chart": chart(numbers.per_day, words(request))}


async def client_tickets_part(request: web.Request, client: Client) -> dict[str, Any]:
    """The tickets of a client's card the viewer may see."""
    found = await list_tickets(
        db_session(request),
        employee(request),
        TicketFilter(client_id=client.id, zone=request.app[SETTINGS].zone),
    )
    return {"tickets": found.tickets}
