"""A deal's card in the bot: its text and the buttons ``crm.sales.rules`` allows the reader,
sent anew, or brought up to date in place after a press or a dialog."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from aiogram import Bot
from aiogram.methods import SendMessage
from aiogram.types import InlineKeyboardMarkup

from crm.money import format_money
from crm.permissions import Actor
from crm.sales.rules import actions, moves_for
from crm.telegram_html import split_html
from db.models import Deal
from handlers.cards import send_long
from handlers.replies import unless_refused
from handlers.sales import keyboards as deal_keyboards
from handlers.sales import texts as deal_texts
from handlers.sales.texts import DealMoney

# The card's work buttons and the action of ``crm.sales.rules.actions`` each stands for.
WORK = (("call", "log"), ("meeting", "log"), ("task", "task"))


def deal_money(locale: str) -> DealMoney:
    """A deal's amounts in its own currency, as ``locale`` writes money."""
    return lambda value, currency: format_money(value, currency, locale)


def card_markup(deal: Deal, actor: Actor) -> InlineKeyboardMarkup | None:
    """The moves ``moves_for`` gives ``actor`` and the work ``actions`` allows them (the site's
    page reads the same)."""
    allowed = actions(actor, deal)
    return deal_keyboards.card_buttons(
        deal.id,
        deal.stage.value,
        [(to.value, deal_texts.move_button(to)) for to in moves_for(actor, deal)],
        [(button, deal_texts.work_button(button)) for button, action in WORK if action in allowed],
    )


async def send_card(
    bot: Bot, chat_id: int, deal: Deal, actor: Actor, money: DealMoney, zone: ZoneInfo
) -> None:
    """The card as new messages, the buttons under the last."""
    await send_long(bot, chat_id, deal_texts.card(deal, money, zone), card_markup(deal, actor))


async def refresh_card(
    bot: Bot,
    chat_id: int,
    message_id: int | None,
    deal: Deal,
    actor: Actor,
    money: DealMoney,
    zone: ZoneInfo,
) -> None:
    """The card in message ``message_id`` shows the deal as it is now, edited in place; one
    Telegram will not edit (too old, gone) or too long for one message is sent anew."""
    text, markup = deal_texts.card(deal, money, zone), card_markup(deal, actor)
    parts = split_html(text)
    if message_id is None or len(parts) > 1:
        if message_id is not None:  # a refused edit is dropped: the new card follows
            await bot.edit_message_reply_markup(
                chat_id=chat_id, message_id=message_id, reply_markup=None
            )
        await send_long(bot, chat_id, text, markup)
        return
    with unless_refused(SendMessage(chat_id=chat_id, text=text, reply_markup=markup)):
        await bot.edit_message_text(
            text, chat_id=chat_id, message_id=message_id, reply_markup=markup
        )
