"""What a person sees when handling their update failed: a refusal, or an apology."""

import logging
from typing import Any

from aiogram import Bot, Router
from aiogram.exceptions import TelegramAPIError
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
        try:
            if query is not None:
                await bot.answer_callback_query(query.id, text=text[:200], show_alert=True)
            elif chat is not None:
                await bot.send_message(chat_id=chat.id, text=text)
        except Exception as error:
            # The update is over either way: a refusal or apology Telegram would not take
            # (flood limit, blocked, query too old) is not worth holding the update back for.
            log.warning("could not tell update %s's sender why (%s)", update.update_id, error)


def comes_again(error: BaseException) -> bool:
    """Whether an update that failed with ``error`` is left for Telegram to deliver again.

    Only when the database was away: the update is not at fault and was not applied. A
    Telegram error (whose cause may be a network ``OSError``) never makes an update repeat.
    """
    return database_unavailable(error) and not isinstance(error, TelegramAPIError)


async def _answerable(event: ErrorEvent) -> bool:
    # Such an update gets no apology; the error goes up to the polling loop (or the webhook),
    # which leaves the update unconfirmed so it comes again.
    return not comes_again(event.exception)


def create_router() -> Router:
    router = Router(name=__name__)
    router.errors.register(on_error, _answerable)
    return router
