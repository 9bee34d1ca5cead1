"""Planned items in the chat: ``/remind 2026-12-24 10:00 call the bank`` in one line, or
``/remind`` alone for a short dialog (what, when, which reminder); each item is a line of
/agenda, and a *delete* button (under /agenda and under its reminder) takes it away, reminder
and all."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from aiogram import Bot, F, Router
from aiogram.filters import Command, CommandObject, StateFilter, or_f
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardButton, Message
from aiogram.utils.i18n import gettext as _
from sqlalchemy.ext.asyncio import AsyncSession

from crm.areas import AgendaItem
from crm.i18n import translator
from crm.moments import example_moment, parse_moment
from crm.people.names import clean_title
from crm.permissions import Actor
from crm.settings import Settings
from crm.workspace.plan_notices import plan_line, reminder_words
from crm.workspace.plans import (
    REMINDER_CHOICES,
    TITLE_LENGTH,
    PlanDraft,
    check_when,
    delete_plan,
    read_remind_line,
    save_plan,
)
from db.models import PlannedItem
from handlers.areas import AgendaShown
from handlers.dialogs import end_dialog
from handlers.filters import IsClient, IsStaff, Matches
from handlers.workspace.keyboards import (
    PlanAction,
    ReminderChoice,
    button,
    delete_buttons,
    markup,
    without_button,
)


class Planning(StatesGroup):
    title = State()
    when = State()
    reminder = State()


def _saved(item: PlannedItem, settings: Settings, locale: str) -> str:
    tr = translator(locale)
    return "\n".join(
        [_("📝 Planned; you will find it in /agenda:"), plan_line(tr, settings.zone, item)]
    )


async def remind(
    message: Message,
    command: CommandObject,
    actor: Actor,
    session: AsyncSession,
    state: FSMContext,
    settings: Settings,
    locale: str,
    now: datetime,
) -> None:
    """``/remind <day> <time> <what>``: planned at once, reminded at its time; ``/remind``
    alone asks."""
    if not (command.args or "").strip():
        await state.set_state(Planning.title)
        await message.answer(_("What do you want to plan? A few words (/cancel to stop)."))
        return
    draft = read_remind_line(command.args or "", settings.zone, now)
    item = await save_plan(session, actor=actor, draft=draft, now=now)
    await message.answer(_saved(item, settings, locale))


async def title_given(
    message: Message, state: FSMContext, settings: Settings, locale: str, now: datetime
) -> None:
    """What it is: then when."""
    title = clean_title(message.text or "", longest=TITLE_LENGTH)
    await state.update_data({"title": title})
    await state.set_state(Planning.when)
    await message.answer(
        _("When? A date and a time, for example {example}.").format(
            example=example_moment(now, settings.zone, locale)
        )
    )


async def when_given(
    message: Message, state: FSMContext, settings: Settings, locale: str, now: datetime
) -> None:
    """When it is: a moment to come, then which reminder."""
    starts_at = check_when(parse_moment(message.text or "", settings.zone, now), now)
    await state.update_data({"starts_at": starts_at.isoformat()})
    await state.set_state(Planning.reminder)
    tr = translator(locale)
    rows = [
        [button(reminder_words(tr, minutes), ReminderChoice(minutes=minutes))]
        for minutes in REMINDER_CHOICES
    ]
    rows.append([button(reminder_words(tr, None), ReminderChoice(minutes=-1))])
    await message.answer(_("When shall I remind you?"), reply_markup=markup(rows))


async def reminder_chosen(
    query: CallbackQuery,
    callback_data: ReminderChoice,
    actor: Actor,
    session: AsyncSession,
    state: FSMContext,
    settings: Settings,
    locale: str,
    now: datetime,
) -> None:
    """Which reminder: the item is planned."""
    data = await state.get_data()
    await query.answer()
    if await state.get_state() != Planning.reminder.state or "starts_at" not in data:
        return
    draft = PlanDraft(
        title=str(data["title"]),
        starts_at=datetime.fromisoformat(str(data["starts_at"])),
        remind_before=None if callback_data.minutes < 0 else callback_data.minutes,
    )
    item = await save_plan(session, actor=actor, draft=draft, now=now)
    await end_dialog(state)
    if isinstance(query.message, Message):
        await query.message.edit_reply_markup(reply_markup=None)
        await query.message.answer(_saved(item, settings, locale))


async def delete_pressed(
    query: CallbackQuery,
    callback_data: PlanAction,
    actor: Actor,
    session: AsyncSession,
    bot: Bot,
) -> None:
    """*Delete* pressed on a planned item: gone, with its reminder if not yet sent; its button
    leaves the message it was pressed on (the others under /agenda stay)."""
    item = await delete_plan(session, actor=actor, plan_id=callback_data.item_id)
    await query.answer(_("Deleted: {title}").format(title=item.title)[:200])
    if isinstance(query.message, Message):
        chat_id, message_id = query.message.chat.id, query.message.message_id
        await bot.edit_message_reply_markup(
            chat_id=chat_id,
            message_id=message_id,
            reply_markup=without_button(query.message.reply_markup, query.data or ""),
        )


def create_router() -> Router:
    router = Router(name=__name__)
    router.message.filter(or_f(IsClient(), IsStaff()))
    router.message.register(remind, Command("remind"))
    router.message.register(title_given, StateFilter(Planning.title), Matches(F.text))
    router.message.register(when_given, StateFilter(Planning.when), Matches(F.text))
    router.callback_query.register(reminder_chosen, ReminderChoice.filter())
    router.callback_query.register(delete_pressed, PlanAction.filter())
    return router


def agenda_plan(shown: AgendaShown, item: PlannedItem) -> str:
    """A planned item as a line of /agenda (handlers/overview/agenda.py)."""
    return plan_line(translator(shown.locale), shown.zone, item)


def agenda_buttons(
    shown: AgendaShown, items: Sequence[AgendaItem]
) -> list[list[InlineKeyboardButton]]:
    """A *delete* button under /agenda for each planned item (the first eight)."""
    ids = [item.subject.id for item in items if item.kind == "workspace.plan"][:8]
    return delete_buttons(translator(shown.locale), ids)
