"""The main-menu keyboard: a press arrives as the button's text and is handled as its command."""

from __future__ import annotations

from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import Message, TelegramObject
from aiogram.utils.i18n import I18n

from crm.permissions import Stranger, audience_of
from handlers.commands import Commands
from handlers.filters import Handler


class MenuButtons(BaseMiddleware):
    """Turns the text of a main-menu button back into the command it stands for, so the button
    does exactly what the command does (the table in handlers/commands.py maps the two)."""

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        actor = data.get("actor")
        i18n = data.get("i18n")
        commands = data.get("commands")
        if (
            isinstance(event, Message)
            and event.text
            and not event.text.startswith("/")
            and isinstance(i18n, I18n)
            and isinstance(commands, Commands)
            and actor is not None
            and not isinstance(actor, Stranger)
        ):
            command = commands.of_button(i18n, audience_of(actor), event.text)
            if command is not None:
                event = event.model_copy(update={"text": f"/{command}", "entities": None})
        return await handler(event, data)
