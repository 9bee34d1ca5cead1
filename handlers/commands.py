"""The commands each audience has, for /help, greetings, main-menu buttons and the Telegram
command menu."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
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

_MY_STATUS = BotCommandEntry("status", N_("everything open for me on one screen"), N_("📊 Status"))
_AGENDA = BotCommandEntry("agenda", N_("what is coming for me"))
_DIGEST = BotCommandEntry("digest", N_("my digest now"), N_("📰 Digest"))
_COMMON = (_HELP, _LANGUAGE, _CANCEL)
_STAFF = (Audience.OWNER, Audience.ADMIN, Audience.SPECIALIST, Audience.HELPER)


class Commands:
    """The commands each audience has in this business: ``/start``, then each area's that is on
    (``handlers/<area>/area.py``), then the shared ones. One table drives help, greetings,
    command menus and main-menu buttons, so they stay in step."""

    def __init__(
        self,
        areas: Sequence[Mapping[Audience, Sequence[BotCommandEntry]]],
        agenda_for: frozenset[Audience] = frozenset(),
    ) -> None:
        self._of: dict[Audience, list[BotCommandEntry]] = {}
        for audience in Audience:
            entries = [_START]
            for commands in areas:
                entries += [entry for entry in commands.get(audience, ()) if entry not in entries]
            if audience in agenda_for:  # /agenda: handlers/overview/agenda.py
                entries.append(_AGENDA)
            if audience is Audience.CLIENT:
                entries.append(_MY_STATUS)
            elif audience in _STAFF:
                entries.append(_DIGEST)
            self._of[audience] = [*entries, *_COMMON]

    def of(self, audience: Audience) -> list[BotCommandEntry]:
        """The commands of ``audience``, in the order help lists them."""
        return self._of[audience]

    def menu(self, i18n: I18n, audience: Audience, language: str) -> list[BotCommand]:
        """The command menu of ``audience`` in ``language``."""
        return [
            BotCommand(command=command, description=i18n.gettext(description, locale=language))
            for command, description, _button in self._of[audience]
        ]

    def buttons(self, audience: Audience) -> list[tuple[str, str]]:
        """The main-menu buttons of ``audience`` as (command, label msgid); strangers have none."""
        if audience is Audience.STRANGER:
            return []  # their only keyboard is the one that shares their phone number
        return [
            (entry.command, entry.button)
            for entry in self._of[audience]
            if entry.button is not None
        ]

    def of_button(self, i18n: I18n, audience: Audience, text: str) -> str | None:
        """The command whose main-menu button of ``audience`` reads ``text`` in any shipped
        language (a keyboard sent before a change of language still works)."""
        for command, label in self.buttons(audience):
            if any(i18n.gettext(label, locale=lang) == text for lang in SHIPPED_LANGUAGES):
                return command
        return None

    async def publish_default(self, bot: Bot, i18n: I18n) -> None:
        """The menu everyone sees before the bot knows them, in every shipped language."""
        default = i18n.default_locale
        await bot.set_my_commands(
            self.menu(i18n, Audience.STRANGER, default), scope=BotCommandScopeDefault()
        )
        for language in SHIPPED_LANGUAGES:
            await bot.set_my_commands(
                self.menu(i18n, Audience.STRANGER, language),
                scope=BotCommandScopeDefault(),
                language_code=language,
            )

    async def publish_chat(
        self, bot: Bot, i18n: I18n, chat_id: int, audience: Audience, language: str
    ) -> None:
        """The menu of one person's private chat, for their role and language."""
        await bot.set_my_commands(
            self.menu(i18n, audience, language), scope=BotCommandScopeChat(chat_id=chat_id)
        )
