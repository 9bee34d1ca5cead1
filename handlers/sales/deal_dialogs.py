"""The short dialogs a deal's card starts: why it was lost, a call's or a meeting's note, a task's
title and due time. Each checks the right before its first question and again when it acts;
``/cancel`` leaves any of them with nothing kept, and the card is brought up to date at the end."""

from __future__ import annotations

from datetime import datetime

from aiogram import Bot, F, Router
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import Message
from sqlalchemy.ext.asyncio import AsyncSession

from crm.moments import example_moment, parse_moment
from crm.people.names import clean_name
from crm.permissions import Actor
from crm.sales.deals import deal_to_move, deal_to_work_on, load_deal, move_deal
from crm.sales.interactions import log_interaction
from crm.sales.tasks import MAX_TITLE, add_task
from crm.settings import Settings
from db.enums import DealStage, InteractionKind
from handlers import written
from handlers.dialogs import end_dialog
from handlers.filters import IsStaff, Matches
from handlers.sales import texts as deal_texts
from handlers.sales.cards import deal_money, refresh_card

KINDS = {"call": InteractionKind.CALL, "meeting": InteractionKind.MEETING}


class DealDialog(StatesGroup):
    reason = State()
    note = State()
    task_title = State()
    task_due = State()


async def begin_lost(
    bot: Bot,
    chat_id: int,
    card: int | None,
    deal_id: int,
    seen: DealStage,
    *,
    actor: Actor,
    session: AsyncSession,
    state: FSMContext,
) -> None:
    """ "→ lost" pressed: once the move is the person's to make, ask why."""
    deal = await deal_to_move(
        session, actor=actor, deal_id=deal_id, to=DealStage.LOST, seen_at=seen
    )
    await state.set_state(DealDialog.reason)
    await state.set_data({"deal_id": deal.id, "seen": seen.value, "card": card})
    await bot.send_message(chat_id, deal_texts.ask_reason(deal))


async def begin(
    bot: Bot,
    chat_id: int,
    card: int | None,
    action: str,
    deal_id: int,
    *,
    actor: Actor,
    session: AsyncSession,
    state: FSMContext,
) -> None:
    """A call, a meeting or a task pressed on the card: the first question."""
    deal = await deal_to_work_on(
        session, actor=actor, deal_id=deal_id, action="task" if action == "task" else "log"
    )
    data = {"deal_id": deal.id, "card": card, "kind": action}
    if action == "task":
        await state.set_state(DealDialog.task_title)
        await state.set_data(data)
        await bot.send_message(chat_id, deal_texts.ask_task_title(deal))
        return
    await state.set_state(DealDialog.note)
    await state.set_data(data)
    await bot.send_message(chat_id, deal_texts.ask_note(deal, action))


async def _card_again(
    message: Message,
    bot: Bot,
    deal_id: int,
    card: int | None,
    actor: Actor,
    session: AsyncSession,
    settings: Settings,
    locale: str,
) -> None:
    deal = await load_deal(session, deal_id, visible_to=actor)
    await refresh_card(bot, message.chat.id, card, deal, actor, deal_money(locale), settings.zone)


async def reason_written(
    message: Message,
    actor: Actor,
    session: AsyncSession,
    state: FSMContext,
    settings: Settings,
    bot: Bot,
    locale: str,
    now: datetime,
) -> None:
    """The reason: the deal is lost (a refused reason leaves the question open)."""
    data = await state.get_data()
    deal = await move_deal(
        session,
        actor=actor,
        deal_id=int(data["deal_id"]),
        to=DealStage.LOST,
        now=now,
        reason=message.text or "",
        seen_at=DealStage(data["seen"]),
    )
    await end_dialog(state)
    await message.answer(deal_texts.moved(deal))
    await _card_again(message, bot, deal.id, data.get("card"), actor, session, settings, locale)


async def _log(
    message: Message,
    actor: Actor,
    session: AsyncSession,
    state: FSMContext,
    now: datetime,
    notes: str | None,
) -> None:
    data = await state.get_data()
    kind = str(data["kind"])
    await log_interaction(
        session,
        actor=actor,
        kind=KINDS[kind],
        now=now,
        deal_id=int(data["deal_id"]),
        notes=notes,
    )
    await end_dialog(state)
    await message.answer(deal_texts.logged(kind, int(data["deal_id"])))


async def note_written(
    message: Message, actor: Actor, session: AsyncSession, state: FSMContext, now: datetime
) -> None:
    await _log(message, actor, session, state, now, message.text or "")


async def note_skipped(
    message: Message, actor: Actor, session: AsyncSession, state: FSMContext, now: datetime
) -> None:
    await _log(message, actor, session, state, now, None)


async def title_written(
    message: Message,
    actor: Actor,
    session: AsyncSession,
    state: FSMContext,
    settings: Settings,
    locale: str,
    now: datetime,
) -> None:
    """The task's title, kept in the dialog until its due time is said."""
    data = await state.get_data()
    await deal_to_work_on(session, actor=actor, deal_id=int(data["deal_id"]), action="task")
    title = clean_name(message.text or "", "title", longest=MAX_TITLE)
    await state.update_data(title=title)
    await state.set_state(DealDialog.task_due)
    await message.answer(deal_texts.ask_task_due(example_moment(now, settings.zone, locale)))


async def _add_task(
    message: Message,
    actor: Actor,
    session: AsyncSession,
    state: FSMContext,
    settings: Settings,
    now: datetime,
    due_at: datetime | None,
) -> None:
    data = await state.get_data()
    task = await add_task(
        session,
        actor=actor,
        title=str(data.get("title", "")),
        now=now,
        due_at=due_at,
        deal_id=int(data["deal_id"]),
    )
    await end_dialog(state)
    due = None if due_at is None else written.moment(due_at, settings.zone)
    await message.answer(deal_texts.task_added(task.id, int(data["deal_id"]), due))


async def due_written(
    message: Message,
    actor: Actor,
    session: AsyncSession,
    state: FSMContext,
    settings: Settings,
    now: datetime,
) -> None:
    """The due time as people type it (``tomorrow 18:30``, ``15.12.2026 9:00``)."""
    due_at = parse_moment(message.text or "", settings.zone, now)
    await _add_task(message, actor, session, state, settings, now, due_at)


async def due_skipped(
    message: Message,
    actor: Actor,
    session: AsyncSession,
    state: FSMContext,
    settings: Settings,
    now: datetime,
) -> None:
    await _add_task(message, actor, session, state, settings, now, None)


def create_router() -> Router:
    router = Router(name=__name__)
    typed = Matches(F.text & ~F.text.startswith("/"))
    router.message.register(reason_written, StateFilter(DealDialog.reason), IsStaff(), typed)
    router.message.register(note_skipped, Command("skip"), StateFilter(DealDialog.note), IsStaff())
    router.message.register(note_written, StateFilter(DealDialog.note), IsStaff(), typed)
    router.message.register(title_written, StateFilter(DealDialog.task_title), IsStaff(), typed)
    router.message.register(
        due_skipped, Command("skip"), StateFilter(DealDialog.task_due), IsStaff()
    )
    router.message.register(due_written, StateFilter(DealDialog.task_due), IsStaff(), typed)
    return router
