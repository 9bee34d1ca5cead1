"""The commands each audience has, for /help, greetings and the Telegram command menu."""

from __future__ import annotations

from typing import NamedTuple

from aiogram import Bot
from aiogram.types import BotCommand, BotCommandScopeChat, BotCommandScopeDefault
from aiogram.utils.i18n import I18n

from crm.i18n import N_, SHIPPED_LANGUAGES
from crm.permissions import Audience


class BotCommandEntry(NamedTuple):
    """A command, what it does, and the label of its main-menu button (if it has one)."""

    command: str
    description: str
    button: str | None = None


_START = BotCommandEntry("start", N_("start over and see who I am for you"))
_HELP = BotCommandEntry("help", N_("the commands you can use"), N_("❓ Help"))
_LANGUAGE = BotCommandEntry("language", N_("choose the language of the bot"))
_CANCEL = BotCommandEntry("cancel", N_("leave the current dialog"))

_NEW = BotCommandEntry("new", N_("open a new request"), N_("🆕 New request"))
_TICKETS = BotCommandEntry("tickets", N_("my requests and their history"), N_("📋 My requests"))
_MY_STATUS = BotCommandEntry(
    "status", N_("my open requests and contract balances on one screen"), N_("📊 Status")
)
_CONTRACT = BotCommandEntry("contract", N_("sign a contract for lessons"))
_MY_CONTRACTS = BotCommandEntry("contracts", N_("my contracts, lessons left and balance"))
_LANGUAGES = BotCommandEntry("languages", N_("the languages we teach and their prices"))
_TEACHERS = BotCommandEntry("teachers", N_("our teachers"))

_QUEUE = BotCommandEntry("queue", N_("open tickets nobody is assigned to"), N_("📥 Queue"))
_MY = BotCommandEntry("my", N_("my open tickets"), N_("🗂 My tickets"))
_TICKET = BotCommandEntry("ticket", N_("a ticket's card: /ticket 12"))
_ASSIGN = BotCommandEntry("assign", N_("assign: /assign 12 @username"))
_TAKE = BotCommandEntry("take", N_("take a ticket: /take 12"))
_STATUS = BotCommandEntry("status", N_("move a ticket: /status 12 in_progress"))
_REPLY = BotCommandEntry("reply", N_("answer the client: /reply 12 text"))
_NOTE = BotCommandEntry("note", N_("internal note: /note 12 text"))
_DIGEST = BotCommandEntry("digest", N_("my digest now"), N_("📰 Digest"))

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

_MY_SESSIONS = BotCommandEntry(
    "sessions", N_("my upcoming sessions; a button gives my private calendar link")
)
_BOOK = BotCommandEntry("book", N_("ask a coach for a session"))
_AGENDA = BotCommandEntry("agenda", N_("what is coming for me"))
_PLAN = BotCommandEntry(
    "plan", N_("plan a session: /plan 7 tomorrow 18:30 [60] [online]; a group: /plan 7,8 …")
)
_SESSION = BotCommandEntry("session", N_("a session's card: /session 5"))
_SESSIONS = BotCommandEntry(
    "sessions", N_("upcoming sessions; a button gives my private calendar link")
)
_REQUESTS = BotCommandEntry("requests", N_("coaching requests waiting for an answer"))

_COMMON = [_HELP, _LANGUAGE, _CANCEL]
_WORK = [_QUEUE, _MY, _TICKET, _TAKE, _STATUS, _REPLY, _NOTE, _DIGEST]
_SCHOOL = [_ALL_CONTRACTS, _PAID, _TEACHER, _LESSON, _TERMINATE, _LANGUAGES, _TEACHERS]
_REPORT = BotCommandEntry("report", N_("a session's meeting report: /report 5"))
_COACH_REPORT = BotCommandEntry(
    "coachreport", N_("my coach report on a session or a period: /coachreport [5]")
)
_COACHING = [_AGENDA, _PLAN, _SESSION, _SESSIONS, _REQUESTS, _REPORT, _COACH_REPORT]

# Each feature adds its commands here, so help, greetings, menus and main-menu buttons stay
# in step.
COMMANDS: dict[Audience, list[BotCommandEntry]] = {
    Audience.STRANGER: [_START, *_COMMON],
    Audience.CLIENT: [
        _START,
        _NEW,
        _TICKETS,
        _MY_STATUS,
        _CONTRACT,
        _MY_CONTRACTS,
        _LANGUAGES,
        _TEACHERS,
        _MY_SESSIONS,
        _BOOK,
        _AGENDA,
        *_COMMON,
    ],
    Audience.OWNER: [_START, _ASSIGN, *_WORK, *_SCHOOL, *_COACHING, *_COMMON],
    Audience.ADMIN: [_START, _ASSIGN, *_WORK, *_SCHOOL, *_COACHING, *_COMMON],
    Audience.SPECIALIST: [
        _START,
        *_WORK,
        _TAUGHT,
        _LESSON,
        _LANGUAGES,
        _TEACHERS,
        *_COACHING,
        *_COMMON,
    ],
    # A helper follows their clients: their tickets (a note, no moves), contracts and sessions.
    Audience.HELPER: [
        _START,
        _QUEUE,
        _MY,
        _TICKET,
        _NOTE,
        _DIGEST,
        _HELPED_CONTRACTS,
        _LANGUAGES,
        _TEACHERS,
        _AGENDA,
        _SESSIONS,
        _SESSION,
        *_COMMON,
    ],
}


def command_menu(i18n: I18n, audience: Audience, language: str) -> list[BotCommand]:
    """The command menu of ``audience`` in ``language``."""
    return [
        BotCommand(command=command, description=i18n.gettext(description, locale=language))
        for command, description, _button in COMMANDS[audience]
    ]


def menu_buttons(audience: Audience) -> list[tuple[str, str]]:
    """The main-menu buttons of ``audience`` as (command, label msgid); strangers have none."""
    if audience is Audience.STRANGER:
        return []  # their only keyboard is the one that shares their phone number
    return [
        (entry.command, entry.button) for entry in COMMANDS[audience] if entry.button is not None
    ]


def command_of_button(i18n: I18n, audience: Audience, text: str) -> str | None:
    """The command whose main-menu button of ``audience`` reads ``text`` in any shipped language.

    Any language, so a keyboard sent before a change of language still works.
    """
    for command, label in menu_buttons(audience):
        if any(i18n.gettext(label, locale=language) == text for language in SHIPPED_LANGUAGES):
            return command
    return None


async def publish_default_commands(bot: Bot, i18n: I18n) -> None:
    """The menu everyone sees before the bot knows them, in every shipped language."""
    default = i18n.default_locale
    await bot.set_my_commands(
        command_menu(i18n, Audience.STRANGER, default), scope=BotCommandScopeDefault()
    )
    for language in SHIPPED_LANGUAGES:
        await bot.set_my_commands(
            command_menu(i18n, Audience.STRANGER, language),
            scope=BotCommandScopeDefault(),
            language_code=language,
        )


async def publish_chat_commands(
    bot: Bot, i18n: I18n, chat_id: int, audience: Audience, language: str
) -> None:
    """The menu of one person's private chat, for their role and language."""
    await bot.set_my_commands(
        command_menu(i18n, audience, language), scope=BotCommandScopeChat(chat_id=chat_id)
    )
