"""The service desk's buttons: a ticket's card and list, the department picker, filing a
loose message."""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData
from aiogram.types import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
)

from crm.tickets.notices import TICKET_CALLBACK_PREFIX, ticket_button_data


class TicketAction(CallbackData, prefix=TICKET_CALLBACK_PREFIX):
    """A button on a ticket: "view", "take", "files", or a status to move to.

    Its data is built by ``crm.tickets.notices.ticket_button_data``, for the bot's keyboards and
    the notifications alike; this class reads it.
    """

    action: str
    ticket_id: int


class DepartmentChoice(CallbackData, prefix="dep"):
    """Which department a new request is for; 0 means "don't know"."""

    department_id: int


class FileMessage(CallbackData, prefix="fm"):
    """Where a loose client message goes: a ticket id, 0 for a new request, -1 to drop it."""

    target: int


def ticket_button(text: str, action: str, ticket_id: int) -> InlineKeyboardButton:
    return InlineKeyboardButton(text=text, callback_data=ticket_button_data(action, ticket_id))


def ticket_list(tickets: list[tuple[int, str]]) -> InlineKeyboardMarkup:
    """A button per ticket (id, label) that opens its card."""
    return InlineKeyboardMarkup(
        inline_keyboard=[[ticket_button(label, "view", ticket_id)] for ticket_id, label in tickets]
    )


def departments(choices: list[tuple[int, str]], unknown: str) -> InlineKeyboardMarkup:
    """A button per department, and one for "don't know"."""
    rows = [
        [InlineKeyboardButton(text=name, callback_data=DepartmentChoice(department_id=dep).pack())]
        for dep, name in choices
    ]
    rows.append(
        [InlineKeyboardButton(text=unknown, callback_data=DepartmentChoice(department_id=0).pack())]
    )
    return InlineKeyboardMarkup(inline_keyboard=rows)


def file_message(
    choices: list[tuple[int, str]],
    offered: list[list[InlineKeyboardButton]],
    last: tuple[int, str],
) -> InlineKeyboardMarkup:
    """The "new request, or about #12?" picker: (target, label) pairs, one per row, then what
    the other areas offer, then ``last`` (drop it)."""
    rows = [
        [InlineKeyboardButton(text=label, callback_data=FileMessage(target=target).pack())]
        for target, label in [*choices]
    ]
    target, label = last
    rows += [
        *offered,
        [InlineKeyboardButton(text=label, callback_data=FileMessage(target=target).pack())],
    ]
    return InlineKeyboardMarkup(inline_keyboard=rows)


def ticket_actions(buttons: list[tuple[str, str]], ticket_id: int) -> InlineKeyboardMarkup | None:
    """Action buttons (label, action) under a ticket card, two per row."""
    if not buttons:
        return None
    row_buttons = [ticket_button(label, action, ticket_id) for label, action in buttons]
    return InlineKeyboardMarkup(
        inline_keyboard=[row_buttons[i : i + 2] for i in range(0, len(row_buttons), 2)]
    )
