"""My conversations on the site: the people I exchanged messages with through the bot (the
latest first, with how many of theirs I have not read), one conversation's messages both ways
with whether each reached its reader, and a box to write (relayed by the bot)."""

from __future__ import annotations

from typing import Any

import aiohttp_jinja2
from aiohttp import web

from crm.areas import client_staff_sources
from crm.errors import DomainError
from crm.workspace.messages import (
    conversation,
    conversations,
    counterpart,
    deliveries,
    mark_read,
    party_key,
    send_message,
)
from db.models import Client
from web.flash import flash
from web.i18n import words
from web.keys import AREAS, NOTIFIER, db_session, employee, noted, request_now


@aiohttp_jinja2.template("workspace/conversations.html")
async def conversation_list(request: web.Request) -> dict[str, Any]:
    rows = await conversations(db_session(request), actor=employee(request))
    return {"rows": [(row, party_key(row.other)) for row in rows], "is_client": _is_client}


def _is_client(person: object) -> bool:
    return isinstance(person, Client)


async def conversation_page(request: web.Request) -> web.StreamResponse:
    """GET: the messages both ways; POST: write one (``text``)."""
    session, viewer, now = db_session(request), employee(request), request_now(request)
    other = await counterpart(session, actor=viewer, key=request.match_info["key"])
    error, areas = "", request.app[AREAS]
    if request.method == "POST":
        text = str((await request.post()).get("text") or "")
        try:
            async with session.begin_nested():
                await send_message(
                    session,
                    request.app[NOTIFIER],
                    actor=viewer,
                    recipient=other,
                    text=text,
                    now=now,
                    sources=client_staff_sources(areas),
                )
        except DomainError as refused:
            error = words(request).error(refused)
        else:
            await flash(request, words(request).gettext("Sent."))
            raise web.HTTPFound(f"/conversations/{party_key(other)}")
    messages = await conversation(session, actor=viewer, other=other)
    if any(
        message.read_at is None and message.sender_employee_id != viewer.id for message in messages
    ):
        await noted(request, lambda writer: mark_read(writer, actor=viewer, other=other, now=now))
    context = {
        "other": other,
        "other_is_client": isinstance(other, Client),
        "messages": messages,
        "states": await deliveries(session, messages),
        "viewer": viewer,
        "error": error,
    }
    return aiohttp_jinja2.render_template(
        "workspace/conversation.html", request, context, status=400 if error else 200
    )
