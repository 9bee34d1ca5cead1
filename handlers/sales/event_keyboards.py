"""The buttons under a client's /events: one per event, saying what a press does (join or
leave); the press is checked again by the service."""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup


class EventPress(CallbackData, prefix="ev"):
    """A client's press on an event: "join" or "leave"."""

    action: str
    event_id: int


def event_buttons(rows: list[tuple[str, str, int]]) -> InlineKeyboardMarkup | None:
    """A button (label, action, event id) a row."""
    if not rows:
        return None
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [
                InlineKeyboardButton(
                    text=label, callback_data=EventPress(action=action, event_id=event_id).pack()
                )
            ]
            for label, action, event_id in rows
        ]
    )
