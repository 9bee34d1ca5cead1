"""Sales in the bot: staff's /deals and /tasks, clients' /events."""

from __future__ import annotations

from aiogram import Router

from crm.i18n import N_
from crm.permissions import Audience
from handlers.areas import BotArea
from handlers.commands import BotCommandEntry
from handlers.sales import client_chats, tasks

_TASKS = BotCommandEntry("tasks", N_("my open tasks, overdue first; a button marks one done"))
_STAFF_TASKS = (_TASKS,)


def _routers() -> list[Router]:
    # The client chat logger sees every message no router before it took; it handles none.
    return [tasks.create_router(), client_chats.create_router()]


BOT = BotArea(
    routers=_routers,
    commands={
        Audience.OWNER: _STAFF_TASKS,
        Audience.ADMIN: _STAFF_TASKS,
        Audience.SPECIALIST: _STAFF_TASKS,
        Audience.HELPER: _STAFF_TASKS,
    },
)
