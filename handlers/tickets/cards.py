"""Showing a ticket: its card, its action buttons, its files (long cards are split by
``handlers.cards.send_long``)."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from aiogram import Bot
from aiogram.types import InlineKeyboardMarkup

from crm.permissions import Actor
from crm.tickets.rules import next_actions
from crm.visibility import ticket_history
from db.enums import AttachmentKind
from db.models import Employee, Ticket
from handlers.cards import send_long
from handlers.tickets import keyboards as ticket_keyboards
from handlers.tickets import texts as ticket_texts


def card_markup(ticket: Ticket, actor: Actor) -> InlineKeyboardMarkup | None:
    """The buttons ``actor`` gets under the card."""
    if not isinstance(actor, Employee):
        return None
    actions = next_actions(actor, ticket)
    if ticket.attachments:
        actions.append("files")
    return ticket_keyboards.ticket_actions(
        [(ticket_texts.action_label(action), action) for action in actions], ticket.id
    )


async def send_card(bot: Bot, chat_id: int, ticket: Ticket, actor: Actor, zone: ZoneInfo) -> None:
    """The card as new messages in the chat, moments in the business time zone ``zone``."""
    history = ticket_history(actor, ticket)
    text = ticket_texts.card(ticket, history, for_staff=isinstance(actor, Employee), zone=zone)
    await send_long(bot, chat_id, text, card_markup(ticket, actor))


async def send_files(bot: Bot, chat_id: int, ticket: Ticket) -> None:
    """Every file of the ticket, sent again by Telegram file_id."""
    for attachment in ticket.attachments:
        caption = f"#{ticket.id}"
        if attachment.kind is AttachmentKind.PHOTO:
            await bot.send_photo(chat_id, attachment.file_id, caption=caption)
        else:
            await bot.send_document(chat_id, attachment.file_id, caption=caption)
