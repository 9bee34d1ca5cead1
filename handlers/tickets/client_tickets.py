"""Clients and their requests: /new, /tickets, and messages that are never lost (a client's
/status: handlers/overview/status.py)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from aiogram import F, Router
from aiogram.filters import Command, CommandObject, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession

from crm.errors import DomainError
from crm.notify import Notifier
from crm.tickets.notices import ticket_subject
from crm.tickets.queues import client_tickets
from crm.tickets.tickets import AttachmentDraft, add_client_message, departments, open_ticket
from db.enums import AttachmentKind
from db.models import Client, Ticket
from handlers.dialogs import end_dialog
from handlers.filters import IsClient, Matches
from handlers.loose import PENDING_KEY, LooseMessage, LooseOffer, offers_for, pending_of
from handlers.replies import ReplyContext, ReplyFilers, about, file_reply
from handlers.tickets import keyboards as ticket_keyboards
from handlers.tickets import texts as ticket_texts

CONTENT = Matches(F.text | F.photo | F.document)


class NewTicket(StatesGroup):
    description = State()
    department = State()


def _draft(data: dict[str, Any] | None) -> AttachmentDraft | None:
    if not data:
        return None
    return AttachmentDraft(**{**data, "kind": AttachmentKind(data["kind"])})


async def _confirm_opened(message: Message, session: AsyncSession, ticket: Ticket) -> None:
    with about(ticket_subject(ticket.id)):
        await message.answer(ticket_texts.ticket_opened(ticket))


async def _open_or_ask_department(
    message: Message,
    session: AsyncSession,
    state: FSMContext,
    client: Client,
    pending: dict[str, Any],
    now: datetime,
) -> None:
    choices = await departments(session)
    if choices:
        await state.set_state(NewTicket.department)
        await state.update_data({PENDING_KEY: pending})
        await message.answer(
            ticket_texts.choose_department(),
            reply_markup=ticket_keyboards.departments(
                [(department.id, department.name) for department in choices],
                ticket_texts.unknown_department(),
            ),
        )
        return
    ticket = await open_ticket(
        session,
        actor=client,
        client=client,
        description=pending["text"],
        attachment=_draft(pending["attachment"]),
        now=now,
    )
    await end_dialog(state)
    await _confirm_opened(message, session, ticket)


async def new_ticket(
    message: Message,
    command: CommandObject,
    actor: Client,
    session: AsyncSession,
    state: FSMContext,
    now: datetime,
) -> None:
    """``/new [text]``: open a request, asking for a description when none is given."""
    text = (command.args or "").strip()
    if not text:
        await state.set_state(NewTicket.description)
        await message.answer(ticket_texts.ask_description())
        return
    await _open_or_ask_department(
        message, session, state, actor, {"text": text, "attachment": None}, now
    )


async def description_given(
    message: Message, actor: Client, session: AsyncSession, state: FSMContext, now: datetime
) -> None:
    await _open_or_ask_department(message, session, state, actor, pending_of(message), now)


async def description_missing(message: Message) -> None:
    await message.answer(ticket_texts.need_description())


async def department_chosen(
    query: CallbackQuery,
    callback_data: ticket_keyboards.DepartmentChoice,
    actor: Client,
    session: AsyncSession,
    state: FSMContext,
    now: datetime,
) -> None:
    pending = await state.get_value(PENDING_KEY)
    await query.answer()
    if not isinstance(query.message, Message):
        return
    if not pending or await state.get_state() != NewTicket.department.state:
        await query.message.answer(ticket_texts.nothing_pending())
        return
    ticket = await open_ticket(
        session,
        actor=actor,
        client=actor,
        description=pending["text"],
        department_id=callback_data.department_id or None,
        attachment=_draft(pending["attachment"]),
        now=now,
    )
    await end_dialog(state)
    await query.message.edit_reply_markup(reply_markup=None)
    await _confirm_opened(query.message, session, ticket)


async def list_tickets(message: Message, actor: Client, session: AsyncSession) -> None:
    """``/tickets``: my requests, a button each to open its card and history."""
    tickets = await client_tickets(session, actor)
    markup = ticket_keyboards.ticket_list([(t.id, ticket_texts.label(t)) for t in tickets])
    await message.answer(ticket_texts.client_tickets(tickets), reply_markup=markup)


async def _file_on(
    message: Message,
    session: AsyncSession,
    notifier: Notifier,
    client: Client,
    ticket_id: int,
    pending: dict[str, Any],
    now: datetime,
) -> None:
    ticket, reopened = await add_client_message(
        session,
        notifier,
        client=client,
        ticket_id=ticket_id,
        text=pending["text"],
        attachment=_draft(pending["attachment"]),
        now=now,
    )
    with about(ticket_subject(ticket.id)):
        await message.answer(ticket_texts.filed(ticket, reopened=reopened))


async def file_reply_on_ticket(message: Message, ticket_id: int, context: ReplyContext) -> bool:
    """A client's Telegram reply to a message about their ticket: filed on it, unless it is
    closed or not theirs (then they are asked like for any other message)."""
    if not isinstance(context.actor, Client):
        return False
    try:
        await _file_on(
            message,
            context.session,
            context.notifier,
            context.actor,
            ticket_id,
            pending_of(message),
            context.now,
        )
    except DomainError:
        return False
    return True


async def loose_message(
    message: Message,
    actor: Client,
    session: AsyncSession,
    state: FSMContext,
    notifier: Notifier,
    now: datetime,
    reply_filers: ReplyFilers,
    loose_offers: Sequence[LooseOffer] = (),
) -> None:
    """A message outside any dialog: a reply goes to its subject; otherwise ask where it goes
    (a new request, one of the open ones, or what the other areas offer)."""
    context = ReplyContext(actor=actor, session=session, notifier=notifier, now=now)
    if await file_reply(message, reply_filers, context):
        return
    pending = pending_of(message)
    open_tickets = await client_tickets(session, actor, open_only=True)
    choices = [(0, ticket_texts.new_request_button())]
    choices += [(ticket.id, ticket_texts.label(ticket)) for ticket in open_tickets[:8]]
    await state.set_state(LooseMessage.choose)
    await state.update_data({PENDING_KEY: pending})
    await message.answer(
        ticket_texts.new_or_existing(bool(open_tickets)),
        reply_markup=ticket_keyboards.file_message(
            choices, offers_for(loose_offers, pending), (-1, ticket_texts.drop_button())
        ),
    )


async def loose_message_filed(
    query: CallbackQuery,
    callback_data: ticket_keyboards.FileMessage,
    actor: Client,
    session: AsyncSession,
    state: FSMContext,
    notifier: Notifier,
    now: datetime,
) -> None:
    """The client said where their message goes."""
    pending = await state.get_value(PENDING_KEY)
    await query.answer()
    if not isinstance(query.message, Message):
        return
    if not pending or await state.get_state() != LooseMessage.choose.state:
        await query.message.answer(ticket_texts.nothing_pending())
        return
    await query.message.edit_reply_markup(reply_markup=None)
    if callback_data.target < 0:
        await end_dialog(state)
        await query.message.answer(ticket_texts.dropped())
        return
    if callback_data.target == 0:
        await end_dialog(state)
        await _open_or_ask_department(query.message, session, state, actor, pending, now)
        return
    await _file_on(query.message, session, notifier, actor, callback_data.target, pending, now)
    await end_dialog(state)


def create_router() -> Router:
    router = Router(name=__name__)
    router.message.filter(IsClient())
    router.callback_query.filter(IsClient())
    router.message.register(new_ticket, Command("new"))
    router.message.register(list_tickets, Command("tickets"))
    router.message.register(description_given, StateFilter(NewTicket.description), CONTENT)
    router.message.register(description_missing, StateFilter(NewTicket.description))
    router.callback_query.register(department_chosen, ticket_keyboards.DepartmentChoice.filter())
    router.callback_query.register(loose_message_filed, ticket_keyboards.FileMessage.filter())
    # Anything else a client writes (not a command) is filed, never dropped.
    router.message.register(loose_message, CONTENT, Matches(~F.text.startswith("/")))
    return router
