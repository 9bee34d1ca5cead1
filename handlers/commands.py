"""The commands each audience has, for /help, greetings and the Telegram command menu."""

from __future__ import annotations

from aiogram import Bot
from aiogram.types import BotCommand, BotCommandScopeChat, BotCommandScopeDefault
from aiogram.utils.i18n import I18n

from crm.i18n import N_, SHIPPED_LANGUAGES
from crm.permissions import Audience

_START = ("start", N_("start over and see who I am for you"))
_HELP = ("help", N_("the commands you can use"))
_LANGUAGE = ("language", N_("choose the language of the bot"))
_CANCEL = ("cancel", N_("leave the current dialog"))

_NEW = ("new", N_("open a new request"))
_TICKETS = ("tickets", N_("my requests and their history"))
_MY_STATUS = ("status", N_("my open requests on one screen"))

_QUEUE = ("queue", N_("open tickets nobody is assigned to"))
_MY = ("my", N_("my open tickets"))
_TICKET = ("ticket", N_("a ticket's card: /ticket 12"))
_ASSIGN = ("assign", N_("assign: /assign 12 @username"))
_TAKE = ("take", N_("take a ticket: /take 12"))
_STATUS = ("status", N_("move a ticket: /status 12 in_progress"))
_REPLY = ("reply", N_("answer the client: /reply 12 text"))
_NOTE = ("note", N_("internal note: /note 12 text"))
_DIGEST = ("digest", N_("my digest now"))

_COMMON = [_HELP, _LANGUAGE, _CANCEL]
_WORK = [_QUEUE, _MY, _TICKET, _TAKE, _STATUS, _REPLY, _NOTE, _DIGEST]

# Each feature adds its commands here, so help, greetings and menus stay in step.
COMMANDS: dict[Audience, list[tuple[str, str]]] = {
    Audience.STRANGER: [_START, *_COMMON],
    Audience.CLIENT: [_START, _NEW, _TICKETS, _MY_STATUS, *_COMMON],
    Audience.OWNER: [_START, _ASSIGN, *_WORK, *_COMMON],
    Audience.ADMIN: [_START, _ASSIGN, *_WORK, *_COMMON],
    Audience.SPECIALIST: [_START, *_WORK, *_COMMON],
    Audience.HELPER: [_START, _QUEUE, _MY, _TICKET, _NOTE, _DIGEST, *_COMMON],
}


def command_menu(i18n: I18n, audience: Audience, language: str) -> list[BotCommand]:
    """The command menu of ``audience`` in ``language``."""
    return [
        BotCommand(command=command, description=i18n.gettext(description, locale=language))
        for command, description in COMMANDS[audience]
    ]


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
