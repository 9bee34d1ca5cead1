"""Keyboards and callback data. Pure functions; every callback is checked again on arrival."""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData
from aiogram.types import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
)
from aiogram.utils.i18n import gettext as _

from crm.i18n import LANGUAGE_NAMES
from crm.permissions import Audience
from handlers import texts
from handlers.commands import Commands


class LanguageChoice(CallbackData, prefix="lang"):
    code: str


def share_phone() -> ReplyKeyboardMarkup:
    """One button that shares the user's own phone number."""
    return ReplyKeyboardMarkup(
        keyboard=[[KeyboardButton(text=texts.share_phone_button(), request_contact=True)]],
        resize_keyboard=True,
        one_time_keyboard=True,
    )


def main_menu(commands: Commands, audience: Audience) -> ReplyKeyboardMarkup | ReplyKeyboardRemove:
    """The main commands of ``audience`` as buttons, two per row (none for strangers)."""
    labels = [KeyboardButton(text=_(label)) for _command, label in commands.buttons(audience)]
    if not labels:
        return ReplyKeyboardRemove()
    return ReplyKeyboardMarkup(
        keyboard=[labels[i : i + 2] for i in range(0, len(labels), 2)],
        resize_keyboard=True,
        is_persistent=True,
    )


def languages() -> InlineKeyboardMarkup:
    """A button per shipped language, named in that language."""
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [
                InlineKeyboardButton(text=name, callback_data=LanguageChoice(code=code).pack())
                for code, name in LANGUAGE_NAMES.items()
            ]
        ]
    )
