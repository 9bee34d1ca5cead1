"""Showing a ticket: its card, its action buttons, its files; long cards split in parts."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from aiogram import Bot
from aiogram.types import CallbackQuery, InlineKeyboardMarkup

from crm.permissions import Actor
from crm.telegram_html import split_html
from crm.ticket_rules import next_actions
from db.enums import AttachmentKind
from db.models import Employee, Ticket
from handlers import keyboards, ticket_texts


def card_markup(ticket: Ticket, actor: Actor) -> InlineKeyboardMarkup | None:
    """The buttons ``actor`` gets under the card."""
    if not isinstance(actor, Employee):
        return None
    actions = next_actions(actor, ticket)
    if ticket.attachments:
        actions.append("files")
    return keyboards.ticket_actions(
        [(ticket_texts.action_label(action), action) for action in actions], ticket.id
    )


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


async def send_card(bot: Bot, chat_id: int, ticket: Ticket, actor: Actor, zone: ZoneInfo) -> None:
    """The card as new messages in the chat, moments in the business time zone ``zone``."""
    text = ticket_texts.card(ticket, for_staff=isinstance(actor, Employee), zone=zone)
    await send_long(bot, chat_id, text, card_markup(ticket, actor))


async def send_files(bot: Bot, chat_id: int, ticket: Ticket) -> None:
    """Every file of the ticket, sent again by Telegram file_id."""
    for attachment in ticket.attachments:
        caption = f"#{ticket.id}"
        if attachment.kind is AttachmentKind.PHOTO:
            await bot.send_photo(chat_id, attachment.file_id, caption=caption)
        else:
            await bot.send_document(chat_id, attachment.file_id, caption=caption)
