"""Sales in the bot: staff's /deals and /tasks, clients' /events."""

from __future__ import annotations

from aiogram import Router

from handlers.areas import BotArea


def _routers() -> list[Router]:
    return []


BOT = BotArea(routers=_routers)
