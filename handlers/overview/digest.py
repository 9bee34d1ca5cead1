"""``/digest`` for staff: their digest now (open tickets, today's sessions, reports overdue)."""

from __future__ import annotations

from datetime import datetime

from aiogram import Bot, Router
from aiogram.filters import Command
from aiogram.types import Message
from sqlalchemy.ext.asyncio import AsyncSession

from crm.notify import Notifier
from crm.overview.digest import digest_now
from crm.permissions import Actor
from handlers.cards import send_long
from handlers.filters import StaffOnly


async def digest(
    message: Message,
    actor: Actor,
    session: AsyncSession,
    notifier: Notifier,
    bot: Bot,
    now: datetime,
) -> None:
    text = await digest_now(session, notifier, actor=actor, now=now)
    await send_long(bot, message.chat.id, text)


def create_router() -> Router:
    router = Router(name=__name__)
    router.message.middleware(StaffOnly())
    router.message.register(digest, Command("digest"))
    return router
