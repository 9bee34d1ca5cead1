"""A client's message while a deal of theirs is open is logged on that deal
(``crm.sales.client_chats``), and then handled exactly as before: the tickets area still asks
whether it is a new request, a dialog still takes its answer.

It is an outer middleware on a router with no handlers of its own. aiogram runs a router's
outer middlewares when an update reaches that router (``Router.propagate_event`` wraps the
router's own handlers and sub-routers in them) and, when nothing there handles it, goes on to
the next router; so this sees every message that no router before sales took, writes in the
update's transaction (``data["session"]``, opened by ``bot.middlewares.DatabaseMiddleware``)
and passes the message on untouched. The routers before it (shared commands, the other areas'
commands and dialogs) take commands and answers to their own questions, which are not the
client writing to the business; ticket messages and loose texts are handled after it
(``BotArea.late_routers``). A rollback of the update takes the logged chat with it.
"""

from __future__ import annotations

from typing import Any

from aiogram import BaseMiddleware, Router
from aiogram.enums import ChatType
from aiogram.types import Message, TelegramObject

from crm.sales.client_chats import note_client_wrote
from db.models import Client
from handlers.filters import Handler


def _written_by_client(event: TelegramObject, actor: object) -> bool:
    """A client's own message in their private chat, not a command."""
    return (
        isinstance(event, Message)
        and isinstance(actor, Client)
        and event.chat.type == ChatType.PRIVATE
        and not (event.text or "").startswith("/")
    )


class LogClientChats(BaseMiddleware):
    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        actor = data.get("actor")
        if _written_by_client(event, actor):
            assert isinstance(actor, Client)
            await note_client_wrote(data["session"], actor, now=data["now"])
        return await handler(event, data)


def create_router() -> Router:
    router = Router(name=__name__)
    router.message.outer_middleware(LogClientChats())
    return router
