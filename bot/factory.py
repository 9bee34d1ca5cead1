"""Bot and dispatcher factories. Nothing here touches the network or the database when called."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any

from aiogram import Bot, Dispatcher
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.base import BaseSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.enums import ParseMode
from aiogram.fsm.storage.base import BaseStorage
from aiogram.fsm.storage.memory import DisabledEventIsolation
from aiogram.methods import AnswerCallbackQuery, EditMessageText, GetUpdates, SendMessage
from aiogram.methods.base import Response

from bot.answers import AnswersAfterCommit
from bot.lean_session import LeanSession
from bot.middlewares import ActorMiddleware, DatabaseMiddleware, LocaleMiddleware
from bot.storage import create_storage
from crm.areas import areas_on
from crm.notify import Notifier
from crm.settings import Settings
from db.engine import Database
from handlers import create_routers, private_chats_only, reply_filers
from handlers.areas import bot_areas
from handlers.commands import Commands
from handlers.i18n import CatalogI18n
from handlers.menu import MenuButtons


@cache
def _response_types() -> list[Any]:
    """Keep alive the types aiogram parses the frequent answers with.

    aiogram reads each Bot API answer as ``Response[<the method's result type>]``, a pydantic
    generic class that pydantic caches only while something else refers to it. Unreferenced,
    the collector drops it soon and the next call builds it again, about 3 ms of schema work
    for every few sends.
    """
    methods = (GetUpdates, SendMessage, AnswerCallbackQuery, EditMessageText)
    return [Response[method.__returning__] for method in methods]  # type: ignore[name-defined]


def create_bot(token: str, api_url: str) -> Bot:
    """A Bot speaking HTML to the Bot API at ``api_url``: Telegram, a local server, the sandbox."""
    return bot_on_session(token, LeanSession(api=TelegramAPIServer.from_base(api_url.rstrip("/"))))


def bot_on_session(token: str, session: BaseSession) -> Bot:
    """The product's Bot on any aiogram session (over HTTP above; the tests' in-process one)."""
    _response_types()
    session.middleware(AnswersAfterCommit())  # a handler's answers wait for its commit
    return Bot(token, session=session, default=DefaultBotProperties(parse_mode=ParseMode.HTML))


def create_dispatcher(
    settings: Settings,
    database: Database,
    *,
    storage: BaseStorage | None = None,
    i18n: CatalogI18n | None = None,
    notifier: Notifier | None = None,
    after_commit: Callable[[], None] | None = None,
) -> Dispatcher:
    """The dispatcher with our middlewares and every feature's router."""
    i18n = i18n or CatalogI18n(default_locale=settings.default_language)
    # aiogram's FSM middleware is put in line below, after the transaction has begun.
    dispatcher = Dispatcher(storage=storage or create_storage(settings, database), disable_fsm=True)
    dispatcher["settings"] = settings
    dispatcher["database"] = database
    dispatcher["i18n"] = i18n
    dispatcher["notifier"] = notifier or Notifier(
        settings.default_language, settings.currency, settings.zone
    )
    # The areas this business runs: what the bot offers is composed from theirs alone.
    areas = areas_on(settings.area_names)
    bots = bot_areas(areas)
    dispatcher["areas"] = areas
    dispatcher["bot_areas"] = bots
    dispatcher["commands"] = Commands(
        [bot.commands for bot in bots],
        agenda_for=frozenset(audience for bot in bots for audience in bot.agenda_for),
    )
    dispatcher["reply_filers"] = reply_filers(bots)
    dispatcher["loose_offers"] = [offer for bot in bots if (offer := bot.loose_offer) is not None]
    # The site's own address; ``serve`` puts the one it is actually bound to here.
    dispatcher["web_url"] = f"http://{settings.web_host}:{settings.web_port}"
    # Order matters: the transaction first, then who is writing and the dialog state (both read
    # inside it, on the connection that holds the update, in one statement when the state is in
    # the database), then their language.
    dispatcher.update.outer_middleware(DatabaseMiddleware(database, after_commit))
    # ActorMiddleware reads the dialog state ahead of aiogram's FSM middleware, which would read
    # it only after taking its event-isolation lock: right only while there is no such lock, as
    # now (aiogram's default). A lock added later must move that read back behind it.
    assert isinstance(dispatcher.fsm.events_isolation, DisabledEventIsolation)
    dispatcher.update.outer_middleware(ActorMiddleware(dispatcher.fsm))
    dispatcher.update.outer_middleware(dispatcher.fsm)
    dispatcher.update.outer_middleware(LocaleMiddleware(i18n))
    dispatcher.message.outer_middleware(MenuButtons())  # a main-menu button is its command
    private_chats_only(dispatcher)
    dispatcher.include_routers(*create_routers(bots))
    for bot in bots:
        if bot.on_dispatcher is not None:
            bot.on_dispatcher(dispatcher)
    return dispatcher
