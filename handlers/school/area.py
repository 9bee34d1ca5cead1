"""The language school in the bot: clients sign contracts and follow their lessons; staff
record payments, teachers and lessons."""

from __future__ import annotations

from aiogram import Router

from crm.i18n import N_
from crm.permissions import Audience
from crm.school.contracts import contracts_of
from db.enums import SubjectKind
from handlers.areas import BotArea, StatusAsk
from handlers.commands import BotCommandEntry
from handlers.school import cards, contracts, staff_contracts
from handlers.school import texts as contract_texts
from handlers.written import money_in

_CONTRACT = BotCommandEntry("contract", N_("sign a contract for lessons"))
_MY_CONTRACTS = BotCommandEntry("contracts", N_("my contracts, lessons left and balance"))
_LANGUAGES = BotCommandEntry("languages", N_("the languages we teach and their prices"))
_TEACHERS = BotCommandEntry("teachers", N_("our teachers"))
_TAUGHT = BotCommandEntry("contracts", N_("the contracts I teach; a card: /contracts 4"))
_ALL_CONTRACTS = BotCommandEntry(
    "contracts", N_("contracts, open ones first; a card: /contracts 4")
)
_HELPED_CONTRACTS = BotCommandEntry(
    "contracts", N_("the contracts of the clients I help; a card: /contracts 4")
)
_PAID = BotCommandEntry("paid", N_("a payment on a contract: /paid 4 [amount]"))
_TEACHER = BotCommandEntry("teacher", N_("a contract's teacher: /teacher 4 @username"))
_LESSON = BotCommandEntry("lesson", N_("one lesson given: /lesson 4"))
_TERMINATE = BotCommandEntry("terminate", N_("end a contract early: /terminate 4 reason"))
_MANAGE = (_ALL_CONTRACTS, _PAID, _TEACHER, _LESSON, _TERMINATE, _LANGUAGES, _TEACHERS)


async def _status(ask: StatusAsk) -> str:
    running = await contracts_of(ask.session, actor=ask.client, open_only=True)
    return contract_texts.status_contracts(running, money_in(ask.notifier, ask.locale))


def _routers() -> list[Router]:
    return [staff_contracts.create_router(), cards.create_router(), contracts.create_router()]


BOT = BotArea(
    routers=_routers,
    commands={
        Audience.CLIENT: (_CONTRACT, _MY_CONTRACTS, _LANGUAGES, _TEACHERS),
        Audience.OWNER: _MANAGE,
        Audience.ADMIN: _MANAGE,
        Audience.SPECIALIST: (_TAUGHT, _LESSON, _LANGUAGES, _TEACHERS),
        Audience.HELPER: (_HELPED_CONTRACTS, _LANGUAGES, _TEACHERS),
    },
    reply_filers={SubjectKind.CONTRACT: cards.file_reply_on_contract},
    status=_status,
)
