"""A ticket's files, fetched from Telegram for staff who may see the ticket."""

from __future__ import annotations

import logging
from urllib.parse import quote

import aiohttp_jinja2
from aiohttp import web

from crm.i18n import N_
from crm.tickets.files import attachment_for, content_type, file_name
from web.i18n import words
from web.keys import READ_TELEGRAM_FILE, TelegramFileUnavailable, db_session, employee
from web.views.crud import object_id

log = logging.getLogger(__name__)
# What the browser may do with a file a client sent: show it, run nothing, load nothing.
FILE_POLICY = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox"


def content_disposition(name: str) -> str:
    """``attachment`` with ``name``: an ASCII stand-in for old browsers, the exact name in
    RFC 5987 form; quotes, backslashes and line breaks never reach the header as themselves."""
    fallback = "".join(
        char if char.isascii() and char.isprintable() and char not in '"\\' else "_"
        for char in name
    )
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"


async def ticket_file(request: web.Request) -> web.StreamResponse:
    """The file's bytes with its type and name; a file Telegram no longer gives is a page."""
    ticket_id = object_id(request, "ticket_id")
    attachment_id = object_id(request, "attachment_id")
    assert ticket_id is not None and attachment_id is not None  # both are in the route
    attachment = await attachment_for(
        db_session(request),
        actor=employee(request),
        ticket_id=ticket_id,
        attachment_id=attachment_id,
    )
    read = request.app.get(READ_TELEGRAM_FILE)
    if read is None:
        return _unavailable(request, 503, N_("Files cannot be read from Telegram here."))
    try:
        content = await read(attachment.file_id)
    except TelegramFileUnavailable as error:
        log.warning("file %s of ticket #%s: %s", attachment.id, ticket_id, error)
        if error.gone:
            return _unavailable(request, 404, N_("Telegram no longer has this file."))
        return _unavailable(
            request,
            502,
            N_("Telegram could not be reached for this file; try again later."),
        )
    return web.Response(
        body=content,
        headers={
            "Content-Type": content_type(attachment),
            "Content-Disposition": content_disposition(file_name(attachment)),
            "Content-Security-Policy": FILE_POLICY,
            "Cache-Control": "private, no-store",
        },
    )


def _unavailable(request: web.Request, status: int, message: str) -> web.Response:
    return aiohttp_jinja2.render_template(
        "error.html",
        request,
        {"status": status, "message": words(request).gettext(message)},
        status=status,
    )
