"""Staff and tickets: /queue, /my, /ticket, /assign, /take, /status, /reply, /note, and the
buttons under a ticket card (/digest: handlers/overview/digest.py). Clients and strangers get
a polite refusal."""

from __future__ import annotations

from datetime import datetime

from aiogram import Bot, Router
from aiogram.filters import Command, CommandObject
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from sqlalchemy.ext.asyncio import AsyncSession

from crm.errors import InvalidInput
from crm.i18n import N_
from crm.notify import Notifier
from crm.permissions import Actor
from crm.tickets.assignment import assign_ticket, take_ticket
from crm.tickets.files import ticket_with_files
from crm.tickets.notices import ticket_subject
from crm.tickets.queues import my_tickets, queue
from crm.tickets.rules import parse_status
from crm.tickets.tickets import add_note, change_status, reply_to_client, ticket_for
from db.models import Ticket
from handlers.cards import answer_press
from handlers.command_args import id_and_rest, staff_ref
from handlers.filters import IsStaff, StaffOnly
from handlers.replies import about
from handlers.tickets import keyboards as ticket_keyboards
from handlers.tickets import texts as ticket_texts
from handlers.tickets.cards import card_markup, send_card, send_files


def _parse(command: CommandObject, name: str, *, rest: bool) -> tuple[int, str]:
    """``<ticket id>`` and, when ``rest``, the text after it; InvalidInput shows the usage."""
    return id_and_rest(command, ticket_texts.usage(name), rest=rest)


def _open_buttons(tickets: list[Ticket]) -> InlineKeyboardMarkup | None:
    """A button per listed ticket that opens its card."""
    if not tickets:
        return None
    return ticket_keyboards.ticket_list([(t.id, ticket_texts.staff_label(t)) for t in tickets])


async def show_queue(message: Message, actor: Actor, session: AsyncSession) -> None:
    tickets = await queue(session, actor=actor)
    await message.answer(ticket_texts.queue(tickets), reply_markup=_open_buttons(tickets))


async def show_mine(message: Message, actor: Actor, session: AsyncSession) -> None:
    tickets = await my_tickets(session, actor=actor)
    await message.answer(ticket_texts.my_tickets(tickets), reply_markup=_open_buttons(tickets))


async def show_ticket(
    message: Message,
    command: CommandObject,
    actor: Actor,
    session: AsyncSession,
    bot: Bot,
    notifier: Notifier,
) -> None:
    ticket_id, _ = _parse(command, "ticket", rest=False)
    ticket = await ticket_for(session, actor=actor, ticket_id=ticket_id)
    await send_card(bot, message.chat.id, ticket, actor, notifier.zone)


async def assign(
    message: Message,
    command: CommandObject,
    actor: Actor,
    session: AsyncSession,
    notifier: Notifier,
    now: datetime,
) -> None:
    ticket_id, who = _parse(command, "assign", rest=True)
    ticket = await assign_ticket(
        session, notifier, actor=actor, ticket_id=ticket_id, assignee=staff_ref(who), now=now
    )
    await message.answer(ticket_texts.assigned(ticket))


async def take(
    message: Message,
    command: CommandObject,
    actor: Actor,
    session: AsyncSession,
    notifier: Notifier,
    now: datetime,
) -> None:
    ticket_id, _ = _parse(command, "take", rest=False)
    ticket = await take_ticket(session, notifier, actor=actor, ticket_id=ticket_id, now=now)
    await message.answer(ticket_texts.taken(ticket))


async def move(
    message: Message,
    command: CommandObject,
    actor: Actor,
    session: AsyncSession,
    notifier: Notifier,
    now: datetime,
) -> None:
    ticket_id, word = _parse(command, "status", rest=True)
    ticket = await change_status(
        session, notifier, actor=actor, ticket_id=ticket_id, status=parse_status(word), now=now
    )
    await message.answer(ticket_texts.moved(ticket))


async def reply(
    message: Message,
    command: CommandObject,
    actor: Actor,
    session: AsyncSession,
    notifier: Notifier,
    now: datetime,
) -> None:
    ticket_id, text = _parse(command, "reply", rest=True)
    ticket = await reply_to_client(
        session, notifier, actor=actor, ticket_id=ticket_id, text=text, now=now
    )
    await message.answer(ticket_texts.replied(ticket))


async def note(
    message: Message, command: CommandObject, actor: Actor, session: AsyncSession, now: datetime
) -> None:
    ticket_id, text = _parse(command, "note", rest=True)
    ticket = await add_note(session, actor=actor, ticket_id=ticket_id, text=text, now=now)
    await message.answer(ticket_texts.noted(ticket))


async def on_ticket_button(
    query: CallbackQuery,
    callback_data: ticket_keyboards.TicketAction,
    actor: Actor,
    session: AsyncSession,
    notifier: Notifier,
    bot: Bot,
    now: datetime,
) -> None:
    """A button under a card or a notification; the service checks the right to press it."""
    action, ticket_id = callback_data.action, callback_data.ticket_id
    chat_id = query.message.chat.id if query.message else query.from_user.id
    ticket: Ticket
    if action == "view":
        ticket = await ticket_for(session, actor=actor, ticket_id=ticket_id)
        await query.answer()
        with about(
            ticket_subject(ticket.id)
        ):  # a client's Telegram reply to their card is filed on it
            await send_card(bot, chat_id, ticket, actor, notifier.zone)
        return
    if action == "files":
        ticket = await ticket_with_files(session, actor=actor, ticket_id=ticket_id)
        await query.answer()
        if ticket.attachments:
            await send_files(bot, chat_id, ticket)
        else:
            await bot.send_message(chat_id, ticket_texts.no_files())
        return
    if action == "take":
        ticket = await take_ticket(session, notifier, actor=actor, ticket_id=ticket_id, now=now)
        answer = ticket_texts.taken(ticket)
    else:
        try:
            status = parse_status(action)
        except InvalidInput:
            raise InvalidInput(N_("That button is not valid any more.")) from None
        ticket = await change_status(
            session, notifier, actor=actor, ticket_id=ticket_id, status=status, now=now
        )
        answer = ticket_texts.moved(ticket)
    # The buttons under the card now match the ticket's new status.
    await answer_press(bot, query, chat_id, answer, card_markup(ticket, actor))


def create_router() -> Router:
    router = Router(name=__name__)
    router.message.middleware(StaffOnly())
    router.message.register(show_queue, Command("queue"))
    router.message.register(show_mine, Command("my"))
    router.message.register(show_ticket, Command("ticket"))
    router.message.register(assign, Command("assign"))
    router.message.register(take, Command("take"))
    router.message.register(move, Command("status"), IsStaff())
    router.message.register(reply, Command("reply"))
    router.message.register(note, Command("note"))
    router.callback_query.register(on_ticket_button, ticket_keyboards.TicketAction.filter())
    return router
