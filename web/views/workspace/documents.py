"""My documents on the site (those I kept with the bot), each sent to my Telegram on request;
and a client's documents on their card."""

from __future__ import annotations

from typing import Any

import aiohttp_jinja2
from aiohttp import web

from crm.telegram_html import escape
from crm.workspace.documents import (
    client_documents,
    delete_document,
    get_document,
    list_documents,
    send_to_chat,
    viewable_document,
)
from db.models import Client
from web.flash import flash
from web.i18n import words
from web.keys import db_session, employee, request_now
from web.views.auth import safe_next
from web.views.crud import delete_page, object_id


@aiohttp_jinja2.template("workspace/documents.html")
async def document_list(request: web.Request) -> dict[str, Any]:
    """My kept documents, the newest first."""
    return {"documents": await list_documents(db_session(request), actor=employee(request))}


async def send_document(request: web.Request) -> web.StreamResponse:
    """*Send to my Telegram*: the document comes to the viewer's chat with the bot."""
    session, viewer = db_session(request), employee(request)
    document_id = object_id(request)
    assert document_id is not None
    document = await viewable_document(session, viewer=viewer, document_id=document_id)
    sent = await send_to_chat(
        session, viewer, document, escape(document.title), request_now(request)
    )
    _ = words(request).gettext
    await flash(
        request,
        _("{title} is on its way to your Telegram.", title=document.title)
        if sent
        else _("The bot has no chat with you: start it in Telegram first."),
    )
    raise web.HTTPFound(safe_next(str((await request.post()).get("back") or "/documents")))


async def document_delete(request: web.Request) -> web.StreamResponse:
    """Delete one of my kept documents (Telegram keeps the file in the chat it came from)."""
    session, actor = db_session(request), employee(request)
    document_id = object_id(request)
    assert document_id is not None
    document = await get_document(session, actor=actor, document_id=document_id)
    _ = words(request).gettext

    async def delete() -> None:
        await delete_document(session, actor=actor, document_id=document_id)

    return await delete_page(
        request,
        what=_("the document {name}", name=document.title),
        delete=delete,
        done=_("Document deleted."),
        back="/documents",
        cancel="/documents",
    )


async def client_part(request: web.Request, client: Client | None) -> dict[str, Any] | None:
    """The documents a client kept, on their card (for whoever may open it)."""
    if client is None:
        return None
    documents = await client_documents(
        db_session(request), viewer=employee(request), client_id=client.id
    )
    return {"documents": documents}
