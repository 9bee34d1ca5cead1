"""/status for a client: one screen with each area's part (open requests, running contracts,
the next session)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from aiogram import Router
from aiogram.filters import Command
from aiogram.types import Message
from aiogram.utils.i18n import gettext as _
from sqlalchemy.ext.asyncio import AsyncSession

from crm.notify import Notifier
from crm.settings import Settings
from db.models import Client
from handlers.areas import BotArea, StatusAsk
from handlers.filters import IsClient


async def status_screen(
    message: Message,
    actor: Client,
    session: AsyncSession,
    notifier: Notifier,
    settings: Settings,
    locale: str,
    now: datetime,
    bot_areas: Sequence[BotArea],
) -> None:
    """``/status`` for a client: every area's part on one screen."""
    ask = StatusAsk(session, actor, notifier, settings, locale, now)
    parts = [await area.status(ask) for area in bot_areas if area.status is not None]
    text = "\n\n".join(part for part in parts if part)
    await message.answer(text or _("Nothing is open for you right now."))


def create_router() -> Router:
    router = Router(name=__name__)
    router.message.register(status_screen, Command("status"), IsClient())
    return router
