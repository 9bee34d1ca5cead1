"""Messages between people in the chat: ``/write <@username or number> <text>``; ``/write``
alone shows a client whom they may write to (a button each, then the text); a Telegram reply
to a relayed message goes back to its writer."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from aiogram import F, Router
from aiogram.dispatcher.event.bases import SkipHandler
from aiogram.filters import Command, CommandObject, StateFilter, or_f
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _
from sqlalchemy.ext.asyncio import AsyncSession

from crm.areas import Area, client_staff_sources
from crm.ids import looks_like_id, parse_id
from crm.notify import Notifier
from crm.permissions import Actor
from crm.subjects import subject_of_message
from crm.telegram_html import escape
from crm.workspace.messages import (
    Address,
    answer_message,
    find_recipient,
    nobody_called,
    send_message,
    staff_of_client,
)
from crm.workspace.owners import Person, person_of
from db.enums import SubjectKind
from db.models import Employee
from handlers.dialogs import end_dialog
from handlers.filters import IsClient, IsStaff, Matches
from handlers.replies import ReplyContext
from handlers.workspace.keyboards import WriteTo, button, markup

RECIPIENT_KEY = "write_to"


class Writing(StatesGroup):
    text = State()


def address_of(typed: str) -> Address:
    """``@anna`` (or ``anna``) as a username, ``12`` or ``#12`` as a number."""
    typed = typed.strip()
    if looks_like_id(typed.lstrip("#")):
        number = parse_id(typed.lstrip("#"))
        if number is None:
            raise nobody_called(typed)
        return Address(number=number)
    return Address(username=typed.lstrip("@"))


def _sent(recipient: Person) -> str:
    return _("✉️ Sent to {name}.").format(name=escape(recipient.full_name))


async def write(
    message: Message,
    command: CommandObject,
    actor: Actor,
    session: AsyncSession,
    state: FSMContext,
    notifier: Notifier,
    areas: Sequence[Area],
    now: datetime,
) -> None:
    """``/write <to> <text>``; without them, whom I may write to."""
    writer = person_of(actor)
    sources = client_staff_sources(areas)
    address, _space, text = (command.args or "").strip().partition(" ")
    if address and text.strip():
        recipient = await find_recipient(
            session, actor=actor, address=address_of(address), sources=sources
        )
        await send_message(
            session, notifier, actor=actor, recipient=recipient, text=text, now=now, sources=sources
        )
        await message.answer(_sent(recipient))
        return
    if isinstance(writer, Employee):
        await message.answer(
            _(
                "Write it in one line: /write @username text (a colleague, or a client by "
                "username), or /write 12 text for client #12."
            )
        )
        return
    people = await staff_of_client(session, writer, sources)
    if not people:
        await message.answer(_("There is nobody you work with to write to yet."))
        return
    rows = [
        [button(_name_and_position(person), WriteTo(employee_id=person.id))] for person in people
    ]
    await message.answer(_("Whom do you want to write to?"), reply_markup=markup(rows))


def _name_and_position(person: Employee) -> str:
    return f"{person.full_name} ({person.position})" if person.position else person.full_name


async def recipient_chosen(
    query: CallbackQuery,
    callback_data: WriteTo,
    actor: Actor,
    session: AsyncSession,
    state: FSMContext,
    areas: Sequence[Area],
) -> None:
    """A person pressed in the client's /write list: what to tell them?"""
    recipient = await find_recipient(
        session,
        actor=actor,
        address=Address(number=callback_data.employee_id),
        sources=client_staff_sources(areas),
    )
    await query.answer()
    await state.set_state(Writing.text)
    await state.update_data({RECIPIENT_KEY: recipient.id})
    if isinstance(query.message, Message):
        await query.message.answer(
            _("Your message to {name} (/cancel to stop):").format(name=escape(recipient.full_name))
        )


async def text_given(
    message: Message,
    actor: Actor,
    session: AsyncSession,
    state: FSMContext,
    notifier: Notifier,
    areas: Sequence[Area],
    now: datetime,
) -> None:
    """The message to the person chosen: relayed, and the dialog ends."""
    employee_id = await state.get_value(RECIPIENT_KEY)
    sources = client_staff_sources(areas)
    recipient = await find_recipient(
        session, actor=actor, address=Address(number=int(employee_id or 0)), sources=sources
    )
    await send_message(
        session,
        notifier,
        actor=actor,
        recipient=recipient,
        text=message.text or "",
        now=now,
        sources=sources,
    )
    await end_dialog(state)
    await message.answer(_sent(recipient))


async def reply_given(
    message: Message, actor: Actor, session: AsyncSession, notifier: Notifier, now: datetime
) -> None:
    """A reply to a relayed message goes back to whoever wrote it; any other reply goes on
    down the routers."""
    assert message.reply_to_message is not None  # the filter asks for one
    subject = await subject_of_message(
        session, chat_id=message.chat.id, message_id=message.reply_to_message.message_id
    )
    if subject is None or subject.kind is not SubjectKind.MESSAGE:
        raise SkipHandler
    context = ReplyContext(actor=actor, session=session, notifier=notifier, now=now)
    await answer_relayed(message, subject.id, context)


async def answer_relayed(message: Message, message_id: int, context: ReplyContext) -> bool:
    """Files a reply on a relayed message: it goes back to its writer (a ``ReplyFiler``)."""
    _answer, writer = await answer_message(
        context.session,
        context.notifier,
        actor=context.actor,
        message_id=message_id,
        text=message.text or message.caption or "",
        now=context.now,
    )
    await message.answer(_sent(writer))
    return True


def create_router() -> Router:
    router = Router(name=__name__)
    router.message.filter(or_f(IsClient(), IsStaff()))
    router.message.register(write, Command("write"))
    router.message.register(text_given, StateFilter(Writing.text), Matches(F.text))
    router.message.register(
        reply_given,
        StateFilter(None),
        Matches(F.reply_to_message & F.text & ~F.text.startswith("/")),
    )
    router.callback_query.register(recipient_chosen, WriteTo.filter())
    return router
