"""The service desk in the bot: clients open and follow requests; staff work the queue."""

from __future__ import annotations

from aiogram import Router

from crm.i18n import N_
from crm.permissions import Audience
from crm.tickets.queues import client_tickets
from db.enums import SubjectKind
from handlers.areas import BotArea, StatusAsk
from handlers.commands import BotCommandEntry
from handlers.tickets import client_tickets as client_commands
from handlers.tickets import staff_tickets
from handlers.tickets import texts as ticket_texts

_NEW = BotCommandEntry("new", N_("open a new request"), N_("🆕 New request"))
_TICKETS = BotCommandEntry("tickets", N_("my requests and their history"), N_("📋 My requests"))
_QUEUE = BotCommandEntry("queue", N_("open tickets nobody is assigned to"), N_("📥 Queue"))
_MY = BotCommandEntry("my", N_("my open tickets"), N_("🗂 My tickets"))
_TICKET = BotCommandEntry("ticket", N_("a ticket's card: /ticket 12"))
_ASSIGN = BotCommandEntry("assign", N_("assign: /assign 12 @username"))
_TAKE = BotCommandEntry("take", N_("take a ticket: /take 12"))
_STATUS = BotCommandEntry("status", N_("move a ticket: /status 12 in_progress"))
_REPLY = BotCommandEntry("reply", N_("answer the client: /reply 12 text"))
_NOTE = BotCommandEntry("note", N_("internal note: /note 12 text"))
_WORK = (_QUEUE, _MY, _TICKET, _TAKE, _STATUS, _REPLY, _NOTE)


async def _status(ask: StatusAsk) -> str:
    return ticket_texts.client_status(await client_tickets(ask.session, ask.client, open_only=True))


def _routers() -> list[Router]:
    return [staff_tickets.create_router()]


def _late_routers() -> list[Router]:
    # A client's loose message is asked about here: after every command of every area.
    return [client_commands.create_router()]


BOT = BotArea(
    routers=_routers,
    late_routers=_late_routers,
    commands={
        Audience.CLIENT: (_NEW, _TICKETS),
        Audience.OWNER: (_ASSIGN, *_WORK),
        Audience.ADMIN: (_ASSIGN, *_WORK),
        Audience.SPECIALIST: _WORK,
        # A helper follows their clients' tickets: a note, no moves.
        Audience.HELPER: (_QUEUE, _MY, _TICKET, _NOTE),
    },
    reply_filers={SubjectKind.TICKET: client_commands.file_reply_on_ticket},
    status=_status,
)
