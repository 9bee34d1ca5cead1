"""What a task says in Telegram: its line (in /tasks, the digest and the reminder), the
reminder itself and its *done* button. Rendered in the reader's language and the business's
time zone; the bot's /tasks list and the outbox's reminders share these words."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from crm.i18n import N_, Translator
from crm.moments import written_moment
from crm.notify import Button, button_data
from crm.telegram_html import escape
from db.models import Task

# Callback data of task buttons: "tsk:<action>:<task id>", read by the bot's
# handlers.sales.task_keyboards.TaskAction. "done" from a reminder, "listed" from /tasks.
TASK_CALLBACK_PREFIX = "tsk"
DONE_BUTTON = N_("✅ Done #{number}")


def task_button(tr: Translator, action: str, task_id: int) -> Button:
    """The *done* button of a task, as a notification carries it."""
    return {
        "text": tr.gettext(DONE_BUTTON, number=task_id),
        "callback_data": button_data(TASK_CALLBACK_PREFIX, action, task_id),
    }


def about(tr: Translator, task: Task) -> str:
    """What the task is about: its deal (and the deal's client), or its client; loaded."""
    if task.deal is not None:
        return tr.gettext("deal “{name}”", name=escape(task.deal.name))
    if task.client is not None:
        return escape(task.client.full_name)
    return ""


def task_line(
    tr: Translator, zone: ZoneInfo, task: Task, now: datetime, *, state: bool = True
) -> str:
    """``Task #5 · Call back · deal “Website” · due 15 Dec, 18:30 · overdue`` (with ``state``,
    whether it is overdue or done)."""
    parts = [tr.gettext("Task #{number}", number=task.id), escape(task.title)]
    if subject := about(tr, task):
        parts.append(subject)
    if task.due_at is not None:
        due = written_moment(task.due_at, tr.language, zone)
        parts.append(tr.gettext("due {moment}", moment=due))
    if not state:
        pass
    elif task.is_overdue(now):
        parts.append(tr.gettext("⚠️ overdue"))
    elif task.done_at is not None:
        parts.append(tr.gettext("marked done"))
    return " · ".join(parts)


def reminder_text(tr: Translator, zone: ZoneInfo, task: Task, now: datetime) -> str:
    """The reminder an assignee gets when their task falls due."""
    return tr.gettext("⏰ A task is due now:") + "\n" + task_line(tr, zone, task, now, state=False)
