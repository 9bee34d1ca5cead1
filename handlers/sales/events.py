"""/events: a client sees the upcoming events with a button under each to join or leave (the
button says what a press does; a second press on an old one changes nothing); staff see them
with how many go, and the organiser and the managers who takes part (``/events 3``)."""

from __future__ import annotations

from datetime import datetime
from functools import partial

from aiogram import Bot, Router
from aiogram.filters import Command, CommandObject
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from sqlalchemy.ext.asyncio import AsyncSession

from crm.errors import InvalidInput
from crm.i18n import N_
from crm.notify import Notifier
from crm.permissions import Actor, require_staff
from crm.sales.event_participants import events_joined, join_event, leave_event, participants
from crm.sales.events import get_event, going_counts, upcoming_events
from crm.settings import Settings
from db.models import Event
from handlers.cards import send_long
from handlers.command_args import id_and_rest
from handlers.filters import IsClient, IsStaff
from handlers.sales import event_texts
from handlers.sales.event_keyboards import EventPress, event_buttons
from handlers.written import moment


async def _client_list(
    session: AsyncSession, actor: Actor, now: datetime
) -> tuple[list[Event], set[int], InlineKeyboardMarkup | None]:
    events = await upcoming_events(session, actor=actor, now=now)
    going = await events_joined(session, actor=actor, event_ids=[event.id for event in events])
    markup = event_buttons(
        [
            (
                event_texts.button(event, event.id in going),
                "leave" if event.id in going else "join",
                event.id,
            )
            for event in events
        ]
    )
    return events, going, markup


async def client_events(
    message: Message, actor: Actor, session: AsyncSession, settings: Settings, now: datetime
) -> None:
    events, going, markup = await _client_list(session, actor, now)
    when = partial(moment, zone=settings.zone)
    await message.answer(event_texts.upcoming(events, going, when), reply_markup=markup)


async def on_press(
    query: CallbackQuery,
    callback_data: EventPress,
    actor: Actor,
    session: AsyncSession,
    notifier: Notifier,
    settings: Settings,
    bot: Bot,
    now: datetime,
) -> None:
    """Join or leave; the list is redrawn in place (which events one goes to, and the buttons
    saying what the next press would do), and the answer is said in the chat."""
    if callback_data.action == "join":
        done = await join_event(
            session, notifier, actor=actor, event_id=callback_data.event_id, now=now
        )
        answer = event_texts.joined(done.event, done.changed)
    elif callback_data.action == "leave":
        done = await leave_event(
            session, notifier, actor=actor, event_id=callback_data.event_id, now=now
        )
        answer = event_texts.left(done.event, done.changed)
    else:
        raise InvalidInput(N_("That button is not valid any more."))
    chat_id = query.message.chat.id if query.message else query.from_user.id
    events, going, markup = await _client_list(session, actor, now)
    await query.answer(answer)
    if query.message is not None:
        # An edit Telegram refuses (nothing changed on a stale list, a message too old) is
        # dropped by bot.answers.deliver; the answer below is said all the same.
        text = event_texts.upcoming(events, going, partial(moment, zone=settings.zone))
        await bot.edit_message_text(
            text=text, chat_id=chat_id, message_id=query.message.message_id, reply_markup=markup
        )
    await bot.send_message(chat_id, answer)


async def staff_events(
    message: Message,
    command: CommandObject,
    actor: Actor,
    session: AsyncSession,
    settings: Settings,
    bot: Bot,
    now: datetime,
) -> None:
    """``/events``: what is coming with how many go; ``/events 3``: who takes part in one."""
    require_staff(actor)
    when = partial(moment, zone=settings.zone)
    if not (command.args or "").strip():
        events = await upcoming_events(session, actor=actor, now=now, limit=30)
        going = await going_counts(session, [event.id for event in events])
        await message.answer(event_texts.staff_upcoming(events, going, when))
        return
    event_id, _rest = id_and_rest(command, event_texts.usage(), rest=False)
    event = await get_event(session, actor=actor, event_id=event_id)
    people = await participants(session, actor=actor, event=event)
    await send_long(bot, message.chat.id, event_texts.event_card(event, people, when))


def create_router() -> Router:
    router = Router(name=__name__)
    router.message.register(client_events, Command("events"), IsClient())
    router.message.register(staff_events, Command("events"), IsStaff())
    router.callback_query.register(on_press, EventPress.filter())
    return router
