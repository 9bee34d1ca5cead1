"""Update middlewares: one transaction per update, applied once; who is writing; their language."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.dispatcher.event.bases import UNHANDLED
from aiogram.fsm.context import FSMContext
from aiogram.fsm.middleware import FSMContextMiddleware
from aiogram.types import TelegramObject, Update, User
from aiogram.utils.i18n import I18n, I18nMiddleware

from bot.answers import deliver, keep_answers, stop_keeping
from bot.storage import DatabaseStorage, update_session
from crm.i18n import pick_language
from crm.people.identity import identify, note_telegram_language
from crm.people.telegram_clients import mark_reachable
from crm.permissions import Stranger
from db.base import utcnow
from db.engine import Database
from db.models import Client
from db.outbox import was_written
from db.telegram_state import claim_update
from handlers.filters import Handler
from handlers.i18n import STRANGER_LANGUAGE_KEY

log = logging.getLogger(__name__)


class DatabaseMiddleware(BaseMiddleware):
    """Opens the update's transaction, records its ``update_id``, commits, then answers.

    A repeated ``update_id`` is skipped. A handler that raises rolls everything back,
    the record of the update included, so a redelivery can apply it, and its answers are
    dropped. The answers of a committed update go out after the commit (``bot.answers``):
    whatever Telegram does with them, the change stays. ``after_commit`` runs once the
    update's changes are committed, if they queued a notification (it wakes the sender).
    """

    def __init__(self, database: Database, after_commit: Callable[[], None] | None = None) -> None:
        self.database = database
        self.after_commit = after_commit

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        assert isinstance(event, Update)
        answers, keeping = keep_answers()
        try:
            async with self.database.writer() as session, session.begin():
                if not await claim_update(session, event.update_id):
                    log.info("update %s was already applied; skipped", event.update_id)
                    return UNHANDLED
                token = update_session.set(session)
                try:
                    data["session"] = session
                    # The update's moment: services take it rather than read the clock.
                    data["now"] = utcnow()
                    result = await handler(event, data)
                finally:
                    update_session.reset(token)
        finally:
            stop_keeping(keeping)
        if self.after_commit is not None and was_written(session):
            self.after_commit()
        if answers:
            await deliver(data["bot"], self.database, answers, wake_sender=self.after_commit)
        return result


class ActorMiddleware(BaseMiddleware):
    """Puts ``actor`` in the handler data: an employee, a client or a stranger.

    It runs before aiogram's dialog-state middleware (``fsm``), which reads the update's dialog
    state at once: when that state is kept in the database, it is read here in the same
    statement as the person, and the storage then finds it known.
    """

    def __init__(self, fsm: FSMContextMiddleware) -> None:
        self.fsm = fsm

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        user: User | None = data.get("event_from_user")
        if user is None or user.is_bot:
            return UNHANDLED  # channel posts and the like: nothing of ours to answer
        storage, dialog_key = self.fsm.storage, None
        if isinstance(storage, DatabaseStorage):
            dialog = self.fsm.resolve_event_context(data["bot"], data)
            dialog_key = storage.record_key(dialog.key) if dialog is not None else None
        actor = await identify(data["session"], user.id, dialog_key=dialog_key)
        note_telegram_language(actor, user.language_code)
        if isinstance(actor, Client) and actor.unreachable:
            await mark_reachable(data["session"], actor)  # they wrote: the chat works again
        data["actor"] = actor
        return await handler(event, data)


class LocaleMiddleware(I18nMiddleware):
    """The reader's language: the one they chose, else Telegram's, else the default."""

    def __init__(self, i18n: I18n) -> None:
        super().__init__(i18n)

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        # Kept in the data so the error handler can answer in the same language.
        data["locale"] = await self.get_locale(event, data)
        return await super().__call__(handler, event, data)

    async def get_locale(self, event: TelegramObject, data: dict[str, Any]) -> str:
        if "locale" in data:
            return str(data["locale"])
        actor = data.get("actor")
        chosen = getattr(actor, "language", None)
        if chosen:
            return str(chosen)
        state: FSMContext | None = data.get("state")
        if isinstance(actor, Stranger) and state is not None:
            stored = await state.get_value(STRANGER_LANGUAGE_KEY)
            if stored:
                return str(stored)
        user: User | None = data.get("event_from_user")
        return pick_language(user.language_code if user else None, self.i18n.default_locale)
