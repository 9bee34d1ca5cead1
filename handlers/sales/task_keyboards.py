"""The buttons of tasks in the chat: *done* under each of ``/tasks`` and under a reminder."""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from crm.i18n import Translator
from crm.sales.task_notices import TASK_CALLBACK_PREFIX, task_button


class TaskAction(CallbackData, prefix=TASK_CALLBACK_PREFIX):
    """A button on a task: "listed" (done, from ``/tasks``: the list is redrawn in place) or
    "done" (done, from a reminder). Built by ``crm.sales.task_notices.task_button`` for the
    notifications and the keyboards alike; this class reads it."""

    action: str
    task_id: int


def done_buttons(tr: Translator, task_ids: list[int]) -> InlineKeyboardMarkup | None:
    """A *done* button per listed task."""
    if not task_ids:
        return None
    rows = []
    for task_id in task_ids:
        button = task_button(tr, "listed", task_id)
        rows.append(
            [InlineKeyboardButton(text=button["text"], callback_data=button["callback_data"])]
        )
    return InlineKeyboardMarkup(inline_keyboard=rows)
