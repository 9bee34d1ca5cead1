"""The files clients sent with their tickets, as staff open them: who may, under what name and
type (the bytes stay in Telegram and are fetched by whoever serves them)."""

from __future__ import annotations

import re

from sqlalchemy.ext.asyncio import AsyncSession

from crm.errors import NotFound
from crm.i18n import N_
from crm.permissions import Actor, require_staff
from crm.tickets.tickets import ticket_for
from db.enums import AttachmentKind
from db.models import Ticket, TicketAttachment

# A media type as RFC 6838 spells it; anything else a client's app claimed is served as bytes.
_MEDIA_TYPE = re.compile(r"[a-z0-9][a-z0-9!#$&^_.+-]{0,63}/[a-z0-9][a-z0-9!#$&^_.+-]{0,126}")
ANY_BYTES = "application/octet-stream"
ATTACHMENT_KIND_NAMES = {AttachmentKind.PHOTO: N_("photo"), AttachmentKind.DOCUMENT: N_("document")}


async def attachment_for(
    session: AsyncSession, *, actor: Actor, ticket_id: int, attachment_id: int
) -> TicketAttachment:
    """A file of a ticket ``actor`` may see (the ticket page's rule); others do not exist."""
    ticket = await ticket_for(session, actor=actor, ticket_id=ticket_id)
    for attachment in ticket.attachments:
        if attachment.id == attachment_id:
            return attachment
    raise NotFound(N_("that file does not exist"))


async def ticket_with_files(session: AsyncSession, *, actor: Actor, ticket_id: int) -> Ticket:
    """A ticket whose files staff who may see it ask for (the client sent them)."""
    return await ticket_for(session, actor=require_staff(actor), ticket_id=ticket_id)


def content_type(attachment: TicketAttachment) -> str:
    """What the file is: Telegram keeps photos as JPEG; a document says its own type."""
    if attachment.kind is AttachmentKind.PHOTO:
        return "image/jpeg"
    claimed = (attachment.mime_type or "").strip().lower()
    return claimed if _MEDIA_TYPE.fullmatch(claimed) else ANY_BYTES


def file_name(attachment: TicketAttachment) -> str:
    """The name to save the file under: the client's, else one made from the ticket."""
    if attachment.file_name and attachment.file_name.strip():
        return attachment.file_name.strip()
    extension = ".jpg" if attachment.kind is AttachmentKind.PHOTO else ""
    return f"ticket-{attachment.ticket_id}-file-{attachment.id}{extension}"
