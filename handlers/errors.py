"""What a person sees when handling their update failed: a refusal, or an apology."""

import logging

from aiogram import Bot, Router
from aiogram.types import ErrorEvent
from aiogram.utils.i18n import I18n

from crm.errors import DomainError
from crm.i18n import pick_language
from handlers import texts

log = logging.getLogger(__name__)


async def on_error(event: ErrorEvent, bot: Bot, i18n: I18n) -> None:
    """The update's transaction is already rolled back here; tell the person, in their language."""
    update = event.update
    source = update.message or (update.callback_query.message if update.callback_query else None)
    user = update.message.from_user if update.message else None
    if update.callback_query:
        user = update.callback_query.from_user
    if not isinstance(event.exception, DomainError):
        log.exception("update %s failed", update.update_id, exc_info=event.exception)
    if source is None:
        return
    locale = pick_language(user.language_code if user else None, i18n.default_locale)
    with i18n.context(), i18n.use_locale(locale):
        if isinstance(event.exception, DomainError):
            text = texts.refusal(event.exception)
        else:
            text = texts.something_went_wrong()
        await bot.send_message(chat_id=source.chat.id, text=text)


def create_router() -> Router:
    router = Router(name=__name__)
    router.errors.register(on_error)
    return router
