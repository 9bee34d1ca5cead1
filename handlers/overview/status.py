"""A client's ``/status``: their open requests, running contracts and next session on one
screen."""

from __future__ import annotations

from datetime import datetime

from aiogram import Router
from aiogram.filters import Command
from aiogram.types import Message
from sqlalchemy.ext.asyncio import AsyncSession

from crm.coaching.sessions import upcoming_sessions
from crm.notify import Notifier
from crm.school.contracts import contracts_of
from crm.settings import Settings
from crm.tickets.queues import client_tickets
from db.models import Client
from handlers.coaching import agenda_texts
from handlers.coaching.sessions import shown_in
from handlers.filters import IsClient
from handlers.school import texts as contract_texts
from handlers.tickets import texts as ticket_texts
from handlers.written import money_in


async def status_screen(
    message: Message,
    actor: Client,
    session: AsyncSession,
    notifier: Notifier,
    settings: Settings,
    locale: str,
    now: datetime,
) -> None:
    """``/status`` for a client: their open requests, running contracts and next session on
    one screen."""
    coming = await upcoming_sessions(session, actor=actor, now=now, limit=1)
    parts = [
        ticket_texts.client_status(await client_tickets(session, actor, open_only=True)),
        contract_texts.status_contracts(
            await contracts_of(session, actor=actor, open_only=True), money_in(notifier, locale)
        ),
        agenda_texts.next_session(coming[0] if coming else None, shown_in(settings.zone)),
    ]
    await message.answer("\n\n".join(part for part in parts if part))


def create_router() -> Router:
    router = Router(name=__name__)
    router.message.filter(IsClient())
    router.message.register(status_screen, Command("status"))
    return router
