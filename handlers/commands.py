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

_COMMON = [_START, _HELP, _LANGUAGE, _CANCEL]

# Each later feature adds its commands here, so help, greetings and menus stay in step.
COMMANDS: dict[Audience, list[tuple[str, str]]] = {
    Audience.STRANGER: [_START, _HELP, _LANGUAGE, _CANCEL],
    Audience.CLIENT: list(_COMMON),
    Audience.OWNER: list(_COMMON),
    Audience.ADMIN: list(_COMMON),
    Audience.SPECIALIST: list(_COMMON),
    Audience.HELPER: list(_COMMON),
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
