"""/agenda: what is coming for me — for a client, their upcoming sessions and requests still
waiting; for a coach, their sessions from today on, requests to answer and reports overdue
(``crm.coaching.agenda`` gathers them)."""

from __future__ import annotations

from datetime import datetime

from aiogram import Router
from aiogram.filters import Command, or_f
from aiogram.types import Message
from sqlalchemy.ext.asyncio import AsyncSession

from crm.coaching.agenda import agenda
from crm.permissions import Actor
from crm.settings import Settings
from db.models import Client
from handlers.coaching import agenda_texts
from handlers.coaching.sessions import shown_in
from handlers.filters import IsClient, IsStaff


async def show_agenda(
    message: Message, actor: Actor, session: AsyncSession, settings: Settings, now: datetime
) -> None:
    parts = await agenda(session, actor=actor, now=now, zone=settings.zone)
    await message.answer(
        agenda_texts.agenda(parts, shown_in(settings.zone), for_client=isinstance(actor, Client))
    )


def create_router() -> Router:
    router = Router(name=__name__)
    router.message.register(show_agenda, Command("agenda"), or_f(IsClient(), IsStaff()))
    return router
