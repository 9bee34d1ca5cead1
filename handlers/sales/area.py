"""Sales in the bot: staff's /deals (and, from the other sales parts, /tasks and clients'
/events)."""

from __future__ import annotations

from aiogram import Router

from crm.i18n import N_
from crm.permissions import Audience
from handlers.areas import BotArea
from handlers.commands import BotCommandEntry
from handlers.sales import deal_dialogs, deals

_ALL_DEALS = BotCommandEntry("deals", N_("open deals by stage; a card: /deals 5"))
_MY_DEALS = BotCommandEntry("deals", N_("my open deals by stage; a card: /deals 5"))
_HELPED_DEALS = BotCommandEntry(
    "deals", N_("the open deals of the clients I help; a card: /deals 5")
)


def _routers() -> list[Router]:
    return [deal_dialogs.create_router(), deals.create_router()]


BOT = BotArea(
    routers=_routers,
    commands={
        Audience.OWNER: (_ALL_DEALS,),
        Audience.ADMIN: (_ALL_DEALS,),
        Audience.SPECIALIST: (_MY_DEALS,),
        Audience.HELPER: (_HELPED_DEALS,),
    },
)
