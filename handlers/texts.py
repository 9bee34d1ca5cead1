"""What the bot says. Pure functions of their arguments; user text is always escaped."""

from __future__ import annotations

from collections.abc import Sequence

from aiogram import html
from aiogram.utils.i18n import get_i18n
from aiogram.utils.i18n import gettext as _

from crm.errors import DomainError
from crm.i18n import LANGUAGE_NAMES, N_, refusal_text
from crm.permissions import ROLE_NAMES, Audience
from db.models import Client, Employee
from handlers.commands import BotCommandEntry

AUDIENCE_NAMES = {
    Audience.STRANGER: N_("guest"),
    Audience.CLIENT: N_("client"),
    **{Audience(role.value): name for role, name in ROLE_NAMES.items()},
}


def share_phone_button() -> str:
    return _("📱 Share my phone number")


def command_list(commands: Sequence[BotCommandEntry]) -> str:
    """One line per command: ``/name — what it does``."""
    return "\n".join(f"/{command} — {_(description)}" for command, description, _button in commands)


def ask_phone() -> str:
    return _(
        "Welcome! To reach us here, share your phone number with the button below: "
        "we will open your client card."
    )


def remind_phone() -> str:
    return _("Please press “{button}” below to share your phone number, or send /cancel.").format(
        button=share_phone_button()
    )


def registered(client: Client, created: bool, commands: Sequence[BotCommandEntry]) -> str:
    if created:
        intro = _("Thank you, {name}! Your client card is ready.")
    else:
        intro = _("Thank you, {name}! We found your client card and linked it to this chat.")
    return (
        intro.format(name=html.quote(client.full_name))
        + "\n\n"
        + _("What you can do:")
        + "\n"
        + command_list(commands)
    )


def already_registered() -> str:
    return _("You are already registered. /help lists what you can do.")


def staff_need_no_card() -> str:
    return _("You are on the staff: you need no client card. /help lists your commands.")


def greet_client(client: Client, commands: Sequence[BotCommandEntry]) -> str:
    return (
        _("Hello, {name}!").format(name=html.quote(client.full_name))
        + "\n\n"
        + command_list(commands)
    )


def greet_employee(
    employee: Employee, audience: Audience, commands: Sequence[BotCommandEntry]
) -> str:
    return (
        _("Hello, {name}! You are signed in as {role}.").format(
            name=html.quote(employee.full_name), role=_(AUDIENCE_NAMES[audience])
        )
        + "\n\n"
        + _("Your commands:")
        + "\n"
        + command_list(commands)
    )


def help_text(audience: Audience, commands: Sequence[BotCommandEntry]) -> str:
    return _("Commands for you ({role}):").format(role=_(AUDIENCE_NAMES[audience])) + (
        "\n" + command_list(commands)
    )


def stranger_hint() -> str:
    return _("We have not met yet. Send /start to register.")


def not_understood() -> str:
    return _("I did not understand that. /help lists what I can do.")


def cancelled() -> str:
    return _("Cancelled.")


def nothing_to_cancel() -> str:
    return _("There is nothing to cancel.")


def choose_language() -> str:
    return _("Choose the language of the bot:")


def language_set(code: str) -> str:
    return _("Language: {language}.").format(language=LANGUAGE_NAMES[code])


def refusal(error: DomainError) -> str:
    """A domain refusal in the reader's language, as a sentence, its values escaped."""
    return refusal_text(error, get_i18n().current_locale, html.quote)


def something_went_wrong() -> str:
    return _("Sorry, something went wrong on our side. Please try again in a minute.")
