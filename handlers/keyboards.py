"""Keyboards and callback data. Pure functions; every callback is checked again on arrival."""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData
from aiogram.types import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
)

from handlers import texts


class LanguageChoice(CallbackData, prefix="lang"):
    code: str


def share_phone() -> ReplyKeyboardMarkup:
    """One button that shares the user's own phone number."""
    return ReplyKeyboardMarkup(
        keyboard=[[KeyboardButton(text=texts.share_phone_button(), request_contact=True)]],
        resize_keyboard=True,
        one_time_keyboard=True,
    )


def languages() -> InlineKeyboardMarkup:
    """A button per shipped language, named in that language."""
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [
                InlineKeyboardButton(text=name, callback_data=LanguageChoice(code=code).pack())
                for code, name in texts.LANGUAGE_NAMES.items()
            ]
        ]
    )
