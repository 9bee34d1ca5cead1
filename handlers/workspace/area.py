"""The workspace in the bot: /remind and planned items in /agenda, /contacts, /documents and
/write for clients and staff alike."""

from __future__ import annotations

from aiogram import Router

from crm.i18n import N_
from crm.permissions import Audience
from db.enums import SubjectKind
from handlers.areas import BotArea
from handlers.commands import BotCommandEntry
from handlers.workspace import contacts, documents, messages, plans, seen

_REMIND = BotCommandEntry(
    "remind", N_("plan something with a reminder: /remind 2026-12-24 10:00 call the bank")
)
_CONTACTS = BotCommandEntry("contacts", N_("my own contacts; search: /contacts anna"))
_DOCUMENTS = BotCommandEntry("documents", N_("my kept documents; a button sends one back"))
_CLIENT_WRITE = BotCommandEntry("write", N_("write to the people I work with here"))
_STAFF_WRITE = BotCommandEntry(
    "write", N_("write to a colleague or a client: /write @username text")
)
_CLIENT = (_REMIND, _CONTACTS, _DOCUMENTS, _CLIENT_WRITE)
_STAFF = (_REMIND, _CONTACTS, _DOCUMENTS, _STAFF_WRITE)


def _routers() -> list[Router]:
    return [
        messages.create_router(),
        plans.create_router(),
        contacts.create_router(),
        documents.create_router(),
    ]


BOT = BotArea(
    routers=_routers,
    late_routers=lambda: [documents.create_late_router()],
    commands={
        Audience.CLIENT: _CLIENT,
        Audience.OWNER: _STAFF,
        Audience.ADMIN: _STAFF,
        Audience.SPECIALIST: _STAFF,
        Audience.HELPER: _STAFF,
    },
    reply_filers={SubjectKind.MESSAGE: messages.answer_relayed},
    agenda_lines={"workspace.plan": plans.agenda_plan},
    agenda_buttons=plans.agenda_buttons,
    agenda_for=frozenset(Audience) - {Audience.STRANGER},
    loose_offer=documents.keep_offer,
    on_dispatcher=seen.hang_on,
)
