"""The buttons of the workspace in the chat, and the callback data they carry."""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from crm.i18n import Translator
from crm.workspace.plan_notices import PLAN_CALLBACK_PREFIX, plan_button


class PlanAction(CallbackData, prefix=PLAN_CALLBACK_PREFIX):
    """A button on a planned item: "delete" (from a reminder or /agenda). Built by
    ``crm.workspace.plan_notices.plan_button``; this class reads it."""

    action: str
    item_id: int


class ReminderChoice(CallbackData, prefix="wsr"):
    """When the reminder of the item being planned comes: minutes before, -1 for none."""

    minutes: int


class KeepChoice(CallbackData, prefix="wsk"):
    """What becomes of a file or a contact card the bot asked about: "file" keeps the file in
    my documents, "card" saves the card in my contacts, "drop" leaves it."""

    what: str


class SendBack(CallbackData, prefix="wsd"):
    """A kept document to send back."""

    document_id: int


class WriteTo(CallbackData, prefix="wsw"):
    """Someone to write to (an employee, for a client's /write)."""

    employee_id: int


def button(text: str, data: CallbackData) -> InlineKeyboardButton:
    """An inline button carrying ``data``."""
    return InlineKeyboardButton(text=text, callback_data=data.pack())


def markup(rows: list[list[InlineKeyboardButton]]) -> InlineKeyboardMarkup | None:
    """The rows as a keyboard; none when there are no rows."""
    return InlineKeyboardMarkup(inline_keyboard=rows) if rows else None


def without_button(keyboard: InlineKeyboardMarkup | None, data: str) -> InlineKeyboardMarkup | None:
    """``keyboard`` less the button that carries ``data`` (and any row left empty)."""
    if keyboard is None:
        return None
    rows = [
        [each for each in row if each.callback_data != data] for row in keyboard.inline_keyboard
    ]
    return markup([row for row in rows if row])


def delete_buttons(tr: Translator, item_ids: list[int]) -> list[list[InlineKeyboardButton]]:
    """A *delete* button per planned item, two to a row."""
    buttons = []
    for item_id in item_ids:
        made = plan_button(tr, "delete", item_id)
        buttons.append(InlineKeyboardButton(text=made["text"], callback_data=made["callback_data"]))
    return [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
