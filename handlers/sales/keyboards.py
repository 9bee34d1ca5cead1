"""The deals' buttons: a deal in /deals, and the card's moves, calls, meetings and tasks."""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

# The card's buttons that start a dialog, besides a move to lost.
DIALOG_ACTIONS = ("call", "meeting", "task")


class DealAction(CallbackData, prefix="dl"):
    """A button on a deal: "view" (its card), "call" or "meeting" (log one), "task" (add one)."""

    action: str
    deal_id: int


class DealMovePress(CallbackData, prefix="dm"):
    """A move pressed on a deal's card: from the stage the card showed (``seen``) to ``to``; a
    deal that moved meanwhile is not moved from a stale card."""

    deal_id: int
    seen: str
    to: str


def deal_list(deals: list[tuple[int, str]]) -> InlineKeyboardMarkup | None:
    """A button per deal (id, label) that opens its card."""
    if not deals:
        return None
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [
                InlineKeyboardButton(
                    text=label, callback_data=DealAction(action="view", deal_id=deal_id).pack()
                )
            ]
            for deal_id, label in deals
        ]
    )


def card_buttons(
    deal_id: int, seen: str, moves: list[tuple[str, str]], work: list[tuple[str, str]]
) -> InlineKeyboardMarkup | None:
    """Under a card: the moves (stage, label) two a row, then the work (action, label)."""
    move_buttons = [
        InlineKeyboardButton(
            text=label, callback_data=DealMovePress(deal_id=deal_id, seen=seen, to=to).pack()
        )
        for to, label in moves
    ]
    work_buttons = [
        InlineKeyboardButton(
            text=label, callback_data=DealAction(action=action, deal_id=deal_id).pack()
        )
        for action, label in work
    ]
    rows = [move_buttons[i : i + 2] for i in range(0, len(move_buttons), 2)]
    rows += [work_buttons[i : i + 2] for i in range(0, len(work_buttons), 2)]
    return InlineKeyboardMarkup(inline_keyboard=rows) if rows else None
