"""/agenda: what is coming for me, from each area that is on (``crm.areas.Area.agenda``): the
dated items merged by time, each line as its area writes it, then what waits undated."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from aiogram import Router
from aiogram.filters import Command, or_f
from aiogram.types import InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _
from sqlalchemy.ext.asyncio import AsyncSession

from crm.areas import AGENDA_HORIZON, AgendaAsk, AgendaItem, Area, agenda_sources
from crm.permissions import Actor
from crm.settings import Settings
from db.models import Client
from handlers import written
from handlers.areas import AgendaShown, BotArea
from handlers.filters import IsClient, IsStaff


def agenda_text(
    items: Sequence[AgendaItem], bot_areas: Sequence[BotArea], shown: AgendaShown
) -> str:
    lines = {kind: line for area in bot_areas for kind, line in area.agenda_lines.items()}
    groups = {kind: group for area in bot_areas for kind, group in area.agenda_groups.items()}
    dated = sorted(
        (item for item in items if item.at is not None and item.kind in lines),
        key=lambda item: item.at or shown.now,
    )
    blocks = []
    if dated:
        head = _("📅 Coming for you:") if shown.for_client else _("📅 Your agenda from today on:")
        blocks.append("\n".join([head, *(lines[item.kind](shown, item.subject) for item in dated)]))
    undated: dict[str, list[object]] = {}
    for item in items:
        if item.at is None and item.kind in groups:
            undated.setdefault(item.kind, []).append(item.subject)
    blocks += [groups[kind](shown, subjects) for kind, subjects in undated.items()]
    return "\n\n".join(blocks) or _("Nothing is on your agenda.")


async def show_agenda(
    message: Message,
    actor: Actor,
    session: AsyncSession,
    settings: Settings,
    locale: str,
    now: datetime,
    areas: Sequence[Area],
    bot_areas: Sequence[BotArea],
) -> None:
    ask = AgendaAsk(actor, now, settings.zone, now + AGENDA_HORIZON)
    items = [item for source in agenda_sources(areas) for item in await source(session, ask)]
    shown = AgendaShown(
        lambda moment: written.moment(moment, settings.zone),
        locale,
        settings.zone,
        now,
        isinstance(actor, Client),
    )
    rows = [
        row
        for area in bot_areas
        if area.agenda_buttons is not None
        for row in area.agenda_buttons(shown, items)
    ]
    markup = InlineKeyboardMarkup(inline_keyboard=rows) if rows else None
    await message.answer(agenda_text(items, bot_areas, shown), reply_markup=markup)


def create_router() -> Router:
    router = Router(name=__name__)
    router.message.register(show_agenda, Command("agenda"), or_f(IsClient(), IsStaff()))
    return router
