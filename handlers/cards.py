"""What every area's cards and buttons share in the bot: a long text sent in as many messages as
it needs, and a button press answered with the card's buttons brought up to date."""

from __future__ import annotations

from aiogram import Bot
from aiogram.types import CallbackQuery, InlineKeyboardMarkup

from crm.telegram_html import split_html


async def send_long(
    bot: Bot, chat_id: int, text: str, markup: InlineKeyboardMarkup | None = None
) -> None:
    """Send ``text`` in as many messages as it needs; the buttons go under the last one."""
    parts = split_html(text)
    for number, part in enumerate(parts):
        last = number == len(parts) - 1
        await bot.send_message(chat_id, part, reply_markup=markup if last else None)


async def answer_press(
    bot: Bot, query: CallbackQuery, chat_id: int, answer: str, markup: InlineKeyboardMarkup | None
) -> None:
    """After a button under a card (a ticket's or a contract's) did its work: the press is
    answered, the card's buttons become ``markup`` (what the record offers now), and ``answer``
    is said in the chat."""
    await query.answer(answer)
    if query.message is not None:
        await bot.edit_message_reply_markup(
            chat_id=chat_id, message_id=query.message.message_id, reply_markup=markup
        )
    await bot.send_message(chat_id, answer)
