"""What a person sees when handling their update failed: a refusal, or an apology."""

import logging
from typing import Any

from aiogram import Bot, Router
from aiogram.types import ErrorEvent
from aiogram.utils.i18n import I18n

from crm.errors import DomainError, database_unavailable
from crm.i18n import pick_language
from handlers import texts

log = logging.getLogger(__name__)


async def on_error(event: ErrorEvent, bot: Bot, i18n: I18n, **data: Any) -> None:
    """The update's transaction is already rolled back: nothing changed. Tell the person why,
    in their language (a refusal), or apologise (anything unforeseen)."""
    update = event.update
    query = update.callback_query
    user = query.from_user if query else (update.message.from_user if update.message else None)
    chat = update.message.chat if update.message else None
    if chat is None and query is not None and query.message is not None:
        chat = query.message.chat
    if not isinstance(event.exception, DomainError):
        log.error("update %s failed", update.update_id, exc_info=event.exception)
    locale = data.get("locale") or pick_language(
        user.language_code if user else None, i18n.default_locale
    )
    with i18n.context(), i18n.use_locale(locale):
        if isinstance(event.exception, DomainError):
            text = texts.refusal(event.exception)
        else:
            text = texts.something_went_wrong()
        if query is not None:
            await bot.answer_callback_query(query.id, text=text[:200], show_alert=True)
        elif chat is not None:
            await bot.send_message(chat_id=chat.id, text=text)


async def _answerable(event: ErrorEvent) -> bool:
    # The database being away is not the update's fault: no apology; the error goes up to the
    # polling loop (or the webhook), which leaves the update unconfirmed so it comes again.
    return not database_unavailable(event.exception)


def create_router() -> Router:
    router = Router(name=__name__)
    router.errors.register(on_error, _answerable)
    return router
