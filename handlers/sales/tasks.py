"""``/tasks``: my open tasks, overdue first, with a *done* button each; the same button under a
task's reminder. The list is redrawn in place after a press; a second or stale press changes
nothing and is told so (``crm.sales.tasks.finish_task``)."""

from __future__ import annotations

from datetime import datetime

from aiogram import Bot, Router
from aiogram.filters import Command
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from sqlalchemy.ext.asyncio import AsyncSession

from crm.i18n import translator
from crm.permissions import Actor
from crm.sales.task_listing import my_open_tasks
from crm.sales.task_notices import task_line
from crm.sales.tasks import finish_task
from crm.settings import Settings
from db.models import Task
from handlers.areas import AgendaShown
from handlers.filters import StaffOnly
from handlers.sales.task_keyboards import TaskAction, done_buttons


async def _my_list(
    session: AsyncSession, actor: Actor, settings: Settings, locale: str, now: datetime
) -> tuple[str, InlineKeyboardMarkup | None]:
    mine = await my_open_tasks(session, actor=actor)
    tr = translator(locale)
    if not mine.shown:
        return tr.gettext("You have no open tasks."), None
    lines = [tr.gettext("Your open tasks, overdue first:")]
    lines += [task_line(tr, settings.zone, task, now) for task in mine.shown]
    if mine.more:
        lines.append(tr.gettext("… and {count} more", count=mine.more))
    return "\n".join(lines), done_buttons(tr, [task.id for task in mine.shown])


async def list_tasks(
    message: Message,
    actor: Actor,
    session: AsyncSession,
    settings: Settings,
    locale: str,
    now: datetime,
) -> None:
    """``/tasks``: the tasks assigned to me and not done."""
    text, markup = await _my_list(session, actor, settings, locale, now)
    await message.answer(text, reply_markup=markup)


async def on_done(
    query: CallbackQuery,
    callback_data: TaskAction,
    actor: Actor,
    session: AsyncSession,
    settings: Settings,
    bot: Bot,
    locale: str,
    now: datetime,
) -> None:
    """*Done* pressed: the task is marked done; the list it was pressed under is redrawn, or
    the reminder loses its button."""
    task = await finish_task(session, actor=actor, task_id=callback_data.task_id, now=now)
    tr = translator(locale)
    await query.answer(tr.gettext("Task #{number} is done.", number=task.id))
    if query.message is None:
        return
    chat_id, message_id = query.message.chat.id, query.message.message_id
    if callback_data.action == "listed":
        text, markup = await _my_list(session, actor, settings, locale, now)
        await bot.edit_message_text(
            text=text, chat_id=chat_id, message_id=message_id, reply_markup=markup
        )
    else:
        await bot.edit_message_reply_markup(chat_id=chat_id, message_id=message_id)


def create_router() -> Router:
    router = Router(name=__name__)
    router.message.middleware(StaffOnly())
    router.message.register(list_tasks, Command("tasks"))
    router.callback_query.register(on_done, TaskAction.filter())
    return router


def agenda_task(shown: AgendaShown, task: Task) -> str:
    """A task due, as a line of /agenda (handlers/overview/agenda.py)."""
    return task_line(translator(shown.locale), shown.zone, task, shown.now)
