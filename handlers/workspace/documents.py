"""My documents in the chat: a file or photo sent outside a dialog can be kept there (offered
beside the service desk's choices for a client, ``BotArea.loose_offer``; asked on its own
otherwise), and ``/documents`` lists them with a button that sends one back."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from aiogram import F, Router
from aiogram.filters import Command, StateFilter, or_f
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardButton, Message
from aiogram.utils.i18n import gettext as _
from sqlalchemy.ext.asyncio import AsyncSession

from crm.moments import written_day
from crm.permissions import Actor
from crm.settings import Settings
from crm.telegram_html import escape
from crm.workspace.documents import (
    FileDraft,
    get_document,
    keep_document,
    list_documents,
    send_call,
)
from crm.workspace.owners import person_of
from db.models import PersonalDocument
from handlers.dialogs import end_dialog
from handlers.filters import IsClient, IsStaff, Matches
from handlers.loose import PENDING_KEY, LooseMessage, pending_of
from handlers.workspace.keyboards import KeepChoice, SendBack, button, markup


def keep_offer(pending: dict[str, Any]) -> list[InlineKeyboardButton]:
    """Beside the other areas' choices for a loose message: keep its file in my documents."""
    if not pending.get("attachment"):
        return []
    return [button(_("📁 Keep in my documents"), KeepChoice(what="file"))]


async def file_sent(message: Message, actor: Actor, state: FSMContext) -> None:
    """A file or photo outside a dialog that no area before asked about: keep it?"""
    person_of(actor)
    await state.set_state(LooseMessage.choose)
    await state.update_data({PENDING_KEY: pending_of(message)})
    rows = [
        [button(_("📁 Keep in my documents"), KeepChoice(what="file"))],
        [button(_("✖️ Leave it"), KeepChoice(what="drop"))],
    ]
    await message.answer(_("Shall I keep this file in your documents?"), reply_markup=markup(rows))


def _title(pending: dict[str, Any]) -> str:
    return str(pending.get("text") or "")


async def file_choice(
    query: CallbackQuery,
    callback_data: KeepChoice,
    actor: Actor,
    session: AsyncSession,
    state: FSMContext,
    settings: Settings,
    locale: str,
    now: datetime,
) -> None:
    """*Keep in my documents* (or *leave it*) pressed for the file the bot asked about."""
    pending = await state.get_value(PENDING_KEY)
    await query.answer()
    if not isinstance(query.message, Message):
        return
    attachment = (pending or {}).get("attachment")
    if not attachment:
        await query.message.answer(_("There is no file waiting; send it again."))
        return
    await query.message.edit_reply_markup(reply_markup=None)
    await end_dialog(state)
    if callback_data.what != "file":
        await query.message.answer(_("Left as it was."))
        return
    draft = FileDraft(
        file_id=str(attachment["file_id"]),
        file_unique_id=attachment.get("file_unique_id"),
        file_name=attachment.get("file_name"),
        mime_type=attachment.get("mime_type"),
        size=attachment.get("file_size"),
        media="photo" if attachment.get("kind") == "photo" else "document",
    )
    kept = await keep_document(
        session, actor=actor, draft=draft, title=_title(pending or {}), now=now
    )
    await query.message.answer(
        _("📁 Kept in your documents: {title} ({kind}). /documents lists them.").format(
            title=escape(kept.title), kind=kept.kind
        )
    )


def document_label(document: PersonalDocument, locale: str, settings: Settings) -> str:
    """A document's button: ``📄 title · PDF · 6 Dec 2026``, cut to fit."""
    day = written_day(document.uploaded_at, locale, settings.zone)
    return f"📄 {document.title} · {document.kind} · {day}"[:60]


async def show_documents(
    message: Message, actor: Actor, session: AsyncSession, settings: Settings, locale: str
) -> None:
    """``/documents``: my kept documents, the newest first, a button each to have it back."""
    documents = await list_documents(session, actor=actor)
    if not documents:
        await message.answer(_("You keep no documents yet. Send me a file and choose to keep it."))
        return
    rows = [
        [button(document_label(document, locale, settings), SendBack(document_id=document.id))]
        for document in documents
    ]
    await message.answer(
        _("Your documents, the newest first; a button sends one back:"), reply_markup=markup(rows)
    )


async def send_back(
    query: CallbackQuery,
    callback_data: SendBack,
    actor: Actor,
    session: AsyncSession,
) -> None:
    """A document's button: the file comes back into the chat."""
    document = await get_document(session, actor=actor, document_id=callback_data.document_id)
    await query.answer()
    if not isinstance(query.message, Message):
        return
    method, payload = send_call(document, escape(document.title))
    if method == "sendPhoto":
        await query.message.answer_photo(str(payload["photo"]), caption=str(payload["caption"]))
    else:
        await query.message.answer_document(
            str(payload["document"]), caption=str(payload["caption"])
        )


def create_router() -> Router:
    router = Router(name=__name__)
    router.message.filter(or_f(IsClient(), IsStaff()))
    router.message.register(show_documents, Command("documents"))
    router.callback_query.register(
        file_choice,
        StateFilter(LooseMessage.choose),
        KeepChoice.filter(F.what.in_({"file", "drop"})),
    )
    router.callback_query.register(send_back, SendBack.filter())
    return router


def create_late_router() -> Router:
    """After every area's commands and the desk's own question: a file nobody asked about."""
    router = Router(name=f"{__name__}.late")
    router.message.filter(or_f(IsClient(), IsStaff()))
    router.message.register(file_sent, StateFilter(None), Matches(F.photo | F.document))
    return router
