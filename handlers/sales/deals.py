"""Deals in the bot: /deals (the open ones by stage, a button each), /deals <id> (the card), and
the card's buttons — a move, or the start of a dialog (why it was lost, a call or meeting's
note, a task). Every press is authorised again by the service it calls."""

from __future__ import annotations

from datetime import datetime

from aiogram import Bot, Router
from aiogram.filters import Command, CommandObject
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession

from crm.errors import InvalidInput
from crm.i18n import N_
from crm.ids import parse_id
from crm.permissions import Actor, is_manager
from crm.sales.deals import load_deal, move_deal
from crm.sales.pipeline import open_columns
from crm.settings import Settings
from db.enums import DealStage
from handlers.filters import StaffOnly
from handlers.sales import deal_dialogs
from handlers.sales import keyboards as deal_keyboards
from handlers.sales import texts as deal_texts
from handlers.sales.cards import deal_money, refresh_card, send_card

STALE = N_("That button is not valid any more.")


async def deals(
    message: Message,
    command: CommandObject,
    actor: Actor,
    session: AsyncSession,
    settings: Settings,
    bot: Bot,
    locale: str,
) -> None:
    """``/deals``: the open deals the person may see (their own; a manager's: everyone's) by
    stage, a button each; ``/deals 5``: that deal's card."""
    money = deal_money(locale)
    typed = (command.args or "").strip()
    if typed:
        deal_id = parse_id(typed.lstrip("#"))
        if deal_id is None:
            raise InvalidInput(deal_texts.usage())
        deal = await load_deal(session, deal_id, visible_to=actor)
        await send_card(bot, message.chat.id, deal, actor, money, settings.zone)
        return
    columns = await open_columns(session, actor)
    shown = [deal for column in columns for deal in column.deals]
    await message.answer(
        deal_texts.overview(columns, money, everyone=is_manager(actor)),
        reply_markup=deal_keyboards.deal_list(
            [(deal.id, deal_texts.deal_button(deal, money)) for deal in shown]
        ),
    )


async def on_deal_button(
    query: CallbackQuery,
    callback_data: deal_keyboards.DealAction,
    actor: Actor,
    session: AsyncSession,
    settings: Settings,
    bot: Bot,
    locale: str,
    state: FSMContext,
) -> None:
    """A deal's button in /deals (its card), or a card's call, meeting or task (a dialog)."""
    action, deal_id = callback_data.action, callback_data.deal_id
    chat_id = query.message.chat.id if query.message else query.from_user.id
    if action == "view":
        deal = await load_deal(session, deal_id, visible_to=actor)
        await query.answer()
        await send_card(bot, chat_id, deal, actor, deal_money(locale), settings.zone)
        return
    if action not in deal_keyboards.DIALOG_ACTIONS:
        raise InvalidInput(STALE)
    card = query.message.message_id if isinstance(query.message, Message) else None
    await deal_dialogs.begin(
        bot, chat_id, card, action, deal_id, actor=actor, session=session, state=state
    )
    await query.answer()


def _stage(typed: str) -> DealStage:
    try:
        return DealStage(typed)
    except ValueError:
        raise InvalidInput(STALE) from None


async def on_move_button(
    query: CallbackQuery,
    callback_data: deal_keyboards.DealMovePress,
    actor: Actor,
    session: AsyncSession,
    settings: Settings,
    bot: Bot,
    locale: str,
    state: FSMContext,
    now: datetime,
) -> None:
    """A move on a card: done at once, the card edited in place; lost asks why first."""
    to, seen = _stage(callback_data.to), _stage(callback_data.seen)
    chat_id = query.message.chat.id if query.message else query.from_user.id
    card = query.message.message_id if isinstance(query.message, Message) else None
    if to is DealStage.LOST:
        await deal_dialogs.begin_lost(
            bot, chat_id, card, callback_data.deal_id, seen,
            actor=actor, session=session, state=state,
        )  # fmt: skip
        await query.answer()
        return
    deal = await move_deal(
        session, actor=actor, deal_id=callback_data.deal_id, to=to, now=now, seen_at=seen
    )
    deal = await load_deal(session, deal.id, visible_to=actor)
    answer = deal_texts.moved(deal)
    await query.answer(answer)
    await refresh_card(bot, chat_id, card, deal, actor, deal_money(locale), settings.zone)


def create_router() -> Router:
    """/deals for staff; the buttons for whoever presses them (the services decide)."""
    router = Router(name=__name__)
    router.message.middleware(StaffOnly())
    router.message.register(deals, Command("deals"))
    router.callback_query.register(on_deal_button, deal_keyboards.DealAction.filter())
    router.callback_query.register(on_move_button, deal_keyboards.DealMovePress.filter())
    return router
