"""aiogram Routers: the shared ones, then each area's that is on, the catch-alls last."""

from collections.abc import Sequence

from aiogram import Router

from handlers import cancel, errors, fallback, help_menu, language, start
from handlers.areas import BotArea
from handlers.filters import InPrivateChat
from handlers.overview import agenda, digest, status
from handlers.replies import ReplyFilers


def create_routers(areas: Sequence[BotArea]) -> list[Router]:
    """Fresh routers for one dispatcher: /cancel first, catch-alls last."""
    routers = [
        errors.create_router(),
        cancel.create_router(),
        start.create_router(),
        help_menu.create_router(),
        language.create_router(),
        status.create_router(),
        digest.create_router(),
        *([agenda.create_router()] if any(area.agenda_for for area in areas) else []),
        *(router for area in areas for router in area.routers()),
        *(router for area in areas for router in area.late_routers()),
        fallback.create_router(),
    ]
    return routers


def private_chats_only(dispatcher: Router) -> None:
    """Messages are handled in private chats only: one check at the dispatcher, before any
    router is tried (a filter on each router cost one check per router and update)."""
    dispatcher.message.filter(InPrivateChat())


def reply_filers(areas: Sequence[BotArea]) -> ReplyFilers:
    """Who files a Telegram reply to a message about each kind of subject."""
    return {kind: filer for area in areas for kind, filer in area.reply_filers.items()}
