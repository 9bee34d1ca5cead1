"""Sales in the bot: staff's /deals and /tasks, clients' /events."""

from __future__ import annotations

from aiogram import Router

from crm.i18n import N_
from crm.permissions import Audience
from handlers.areas import BotArea
from handlers.commands import BotCommandEntry
from handlers.sales import events

_EVENTS = BotCommandEntry("events", N_("upcoming events; a button joins or leaves"))
_STAFF_EVENTS = BotCommandEntry(
    "events", N_("upcoming events and how many go; who takes part: /events 3")
)


def _routers() -> list[Router]:
    return [events.create_router()]


BOT = BotArea(
    routers=_routers,
    commands={
        Audience.CLIENT: (_EVENTS,),
        Audience.OWNER: (_STAFF_EVENTS,),
        Audience.ADMIN: (_STAFF_EVENTS,),
        Audience.SPECIALIST: (_STAFF_EVENTS,),
        Audience.HELPER: (_STAFF_EVENTS,),
    },
)
