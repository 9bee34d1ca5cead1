"""A person's kept documents (seed 003's ``Documents_Utilisateurs``): a title, a type (PDF,
DOC...), when it was kept, and the Telegram file itself (Telegram keeps the bytes; we keep the
file's id and send it back by that id). A client's documents are shown to the staff who may
open the client's card."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import PurePosixPath

from sqlalchemy import false, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from crm.errors import NotFound
from crm.i18n import N_
from crm.notify import queue_raw
from crm.people.clients import visible_client
from crm.people.names import clean_title
from crm.permissions import Actor, is_staff
from crm.text_limits import require_fits
from crm.visibility import visible_clients
from crm.workspace.owners import Person, owned_by, owner_values, person_of
from db.models import Client, PersonalDocument

# How many documents one list shows.
SHOWN = 50
TITLE_LENGTH = 300
# What a file's type is called when its name says nothing.
_KINDS_BY_MIME = {
    "application/pdf": "PDF",
    "application/msword": "DOC",
    "image/jpeg": "JPG",
    "image/png": "PNG",
    "text/plain": "TXT",
}


@dataclass(frozen=True)
class FileDraft:
    """A file as Telegram sent it: ``media`` is ``photo`` or ``document``."""

    file_id: str
    file_unique_id: str | None
    file_name: str | None
    mime_type: str | None
    size: int | None
    media: str = "document"


def kind_of(file_name: str | None, mime_type: str | None) -> str:
    """The file's type as people say it: its extension (PDF, DOCX), else what its MIME type
    names, else FILE."""
    suffix = PurePosixPath(file_name or "").suffix.lstrip(".")
    if suffix and suffix.isalnum() and len(suffix) <= 8:
        return suffix.upper()
    return _KINDS_BY_MIME.get((mime_type or "").lower(), "FILE")


async def keep_document(
    session: AsyncSession, *, actor: Actor, draft: FileDraft, title: str, now: datetime
) -> PersonalDocument:
    """Keep a file in ``actor``'s documents, titled ``title`` (else its file name, else its
    type and day)."""
    person = person_of(actor)
    kind = kind_of(draft.file_name, draft.mime_type)
    wanted = title.strip() or (draft.file_name or "").strip() or f"{kind} {now:%Y-%m-%d}"
    document = PersonalDocument(
        **owner_values(person),
        title=clean_title(wanted[:TITLE_LENGTH], longest=TITLE_LENGTH),
        kind=kind,
        media=draft.media,
        file_id=draft.file_id,
        file_unique_id=draft.file_unique_id,
        file_name=draft.file_name,
        mime_type=draft.mime_type,
        size=draft.size,
        uploaded_at=now,
    )
    require_fits(document)
    session.add(document)
    await session.flush()
    return document


async def get_document(
    session: AsyncSession, *, actor: Actor, document_id: int
) -> PersonalDocument:
    """One of ``actor``'s own documents."""
    document = await session.scalar(
        select(PersonalDocument).where(
            PersonalDocument.id == document_id, owned_by(PersonalDocument, actor)
        )
    )
    if document is None:
        raise NotFound(N_("document #{number} does not exist"), number=document_id)
    return document


async def delete_document(session: AsyncSession, *, actor: Actor, document_id: int) -> None:
    """Forget one of ``actor``'s kept documents (the file stays in their chat)."""
    await session.delete(await get_document(session, actor=actor, document_id=document_id))
    await session.flush()


async def list_documents(
    session: AsyncSession, *, actor: Actor, limit: int = SHOWN
) -> list[PersonalDocument]:
    """``actor``'s documents, the newest first."""
    return list(
        await session.scalars(
            select(PersonalDocument)
            .where(owned_by(PersonalDocument, actor))
            .order_by(PersonalDocument.uploaded_at.desc(), PersonalDocument.id.desc())
            .limit(limit)
        )
    )


async def client_documents(
    session: AsyncSession, *, viewer: Actor, client_id: int, limit: int = SHOWN
) -> list[PersonalDocument]:
    """The documents a client kept, for the staff who may open the client's card."""
    client = await visible_client(session, viewer, client_id)
    return list(
        await session.scalars(
            select(PersonalDocument)
            .where(PersonalDocument.client_id == client.id)
            .order_by(PersonalDocument.uploaded_at.desc(), PersonalDocument.id.desc())
            .limit(limit)
        )
    )


async def viewable_document(
    session: AsyncSession, *, viewer: Actor, document_id: int
) -> PersonalDocument:
    """A document ``viewer`` may have sent to them: their own, or one a client kept whose card
    they may open (staff)."""
    document = await session.scalar(
        select(PersonalDocument).where(
            PersonalDocument.id == document_id,
            or_(
                owned_by(PersonalDocument, viewer),
                PersonalDocument.client_id.in_(select(Client.id).where(visible_clients(viewer)))
                if is_staff(viewer)
                else false(),
            ),
        )
    )
    if document is None:
        raise NotFound(N_("document #{number} does not exist"), number=document_id)
    return document


def send_call(document: PersonalDocument, caption: str) -> tuple[str, dict[str, object]]:
    """The Bot API call that sends ``document`` back by its file id: a photo or a file."""
    if document.media == "photo":
        return "sendPhoto", {"photo": document.file_id, "caption": caption}
    return "sendDocument", {"document": document.file_id, "caption": caption}


async def send_to_chat(
    session: AsyncSession, person: Person, document: PersonalDocument, caption: str, now: datetime
) -> bool:
    """Queue ``document`` for ``person``'s Telegram chat; False when the bot cannot reach
    them there."""
    chat_id = person.telegram_id
    if chat_id is None:
        return False
    method, payload = send_call(document, caption)
    await queue_raw(session, [(chat_id, method, {**payload, "parse_mode": "HTML"}, None)], now=now)
    return True
