"""Sales in the bot: staff's /deals and /tasks, clients' /events."""

from __future__ import annotations

from aiogram import Router

from crm.i18n import N_
from crm.permissions import Audience
from handlers.areas import BotArea
from handlers.commands import BotCommandEntry
from handlers.sales import client_chats, deal_dialogs, deals, event_texts, events, tasks

_ALL_DEALS = BotCommandEntry("deals", N_("open deals by stage; a card: /deals 5"))
_MY_DEALS = BotCommandEntry("deals", N_("my open deals by stage; a card: /deals 5"))
_HELPED_DEALS = BotCommandEntry(
    "deals", N_("the open deals of the clients I help; a card: /deals 5")
)

_TASKS = BotCommandEntry("tasks", N_("my open tasks, overdue first; a button marks one done"))
_EVENTS = BotCommandEntry("events", N_("upcoming events; a button joins or leaves"))
_STAFF_EVENTS = BotCommandEntry(
    "events", N_("upcoming events and how many go; who takes part: /events 3")
)
_STAFF = (_TASKS, _STAFF_EVENTS)


def _routers() -> list[Router]:
    # The client chat logger sees every message no router before it took; it handles none.
    return [
        deal_dialogs.create_router(),
        deals.create_router(),
        tasks.create_router(),
        events.create_router(),
        client_chats.create_router(),
    ]


BOT = BotArea(
    routers=_routers,
    commands={
        Audience.CLIENT: (_EVENTS,),
        Audience.OWNER: (_ALL_DEALS, *_STAFF),
        Audience.ADMIN: (_ALL_DEALS, *_STAFF),
        Audience.SPECIALIST: (_MY_DEALS, *_STAFF),
        Audience.HELPER: (_HELPED_DEALS, *_STAFF),
    },
    agenda_lines={"sales.event": event_texts.agenda_event, "sales.task": tasks.agenda_task},
    agenda_for=frozenset(Audience),
)
