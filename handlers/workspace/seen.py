"""A button pressed on a notification in Telegram counts as having seen it (the site's
notification centre, ``crm.workspace.notifications``)."""

from __future__ import annotations

from typing import Any

from aiogram import BaseMiddleware, Dispatcher
from aiogram.types import CallbackQuery, TelegramObject

from crm.workspace.notifications import seen_in_chat
from handlers.filters import Handler


class SeenWhenPressed(BaseMiddleware):
    """On every button press, whichever area handles it: the message pressed on, if it was a
    notification, is seen, in the update's own transaction (a press refused rolls it back)."""

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        result = await handler(event, data)
        if isinstance(event, CallbackQuery) and event.message is not None:
            await seen_in_chat(
                data["session"],
                actor=data["actor"],
                chat_id=event.message.chat.id,
                message_id=event.message.message_id,
                now=data["now"],
            )
        return result


def hang_on(dispatcher: Dispatcher) -> None:
    dispatcher.callback_query.outer_middleware(SeenWhenPressed())
