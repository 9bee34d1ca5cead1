"""A client's message while a deal of theirs is open. A text written outside any dialog goes to
the deal's owner and the client is told who has it, with no question asked
(``crm.sales.client_chats.relay_client_message``); a client with no open deal is left to the
areas after sales (the tickets area asks whether it is a new request). Any other message of
theirs (an answer in a dialog, a photo) is logged on the deal and handled exactly as before.

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

from datetime import datetime
from typing import Any

from aiogram import BaseMiddleware, F, Router, html
from aiogram.dispatcher.event.bases import SkipHandler
from aiogram.enums import ChatType
from aiogram.filters import StateFilter
from aiogram.types import Message, TelegramObject
from aiogram.utils.i18n import gettext as _
from sqlalchemy.ext.asyncio import AsyncSession

from crm.notify import Notifier
from crm.sales.client_chats import note_client_wrote, relay_client_message
from db.models import Client, Deal
from handlers.filters import Handler, IsClient, Matches


def _written_by_client(event: TelegramObject, actor: object) -> bool:
    """A client's own message in their private chat, not a command."""
    return (
        isinstance(event, Message)
        and isinstance(actor, Client)
        and event.chat.type == ChatType.PRIVATE
        and not (event.text or "").startswith("/")
    )


class LogClientChats(BaseMiddleware):
    """Logs the chat on the client's open deal and hands that deal to the handlers after it
    (``open_deal``), so that the relay does not look it up again."""

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        actor = data.get("actor")
        if _written_by_client(event, actor):
            assert isinstance(actor, Client)
            data["open_deal"] = await note_client_wrote(data["session"], actor, now=data["now"])
        return await handler(event, data)


async def client_writes(
    message: Message,
    actor: Client,
    session: AsyncSession,
    notifier: Notifier,
    now: datetime,
    open_deal: Deal | None = None,
) -> None:
    """The client's text goes to whoever works on their open deal; without one, on to the
    next area."""
    if open_deal is None:
        raise SkipHandler
    text = message.text or ""
    told = await relay_client_message(session, notifier, actor, open_deal, text, now=now)
    if not told:
        raise SkipHandler  # nobody on the deal to read the text: another area files it
    await message.answer(
        _("✉️ Passed on to {names}, who works on “{deal}” with you.").format(
            names=", ".join(html.quote(name) for name in told),
            deal=html.quote(open_deal.name),
        )
    )


def create_router() -> Router:
    router = Router(name=__name__)
    router.message.outer_middleware(LogClientChats())
    router.message.register(
        client_writes,
        IsClient(),
        StateFilter(None),
        Matches((F.chat.type == ChatType.PRIVATE) & F.text & ~F.text.startswith("/")),
    )
    return router
