"""Coaching sessions in the bot: /plan, /session (the card, with done / no-show / cancel for
whoever may run it), /sessions (upcoming ones, a button each). Every press is authorised again
by the service it calls; moments are typed and shown in the business time zone."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from zoneinfo import ZoneInfo

from aiogram import Bot, Router
from aiogram.filters import Command, CommandObject, or_f
from aiogram.fsm.context import FSMContext
from aiogram.methods import SendMessage
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from sqlalchemy.ext.asyncio import AsyncSession

from crm.coaching.notices import session_subject
from crm.coaching.recordings import listed_recordings
from crm.coaching.rules import ENDING_ACTIONS, actions, has_started
from crm.coaching.sessions import (
    SessionDraft,
    end_session,
    plan_session,
    session_for,
    upcoming_sessions,
)
from crm.coaching.stage_moves import movable_enrolments
from crm.errors import InvalidInput
from crm.i18n import N_
from crm.ids import looks_like_id, parse_id
from crm.moments import parse_moment
from crm.notify import Notifier
from crm.people.clients import clients_named
from crm.permissions import Actor
from crm.settings import Settings
from crm.telegram_html import split_html
from db.models import Client, CoachingSession
from handlers import written
from handlers.cards import send_long
from handlers.coaching import calendar_texts, session_texts
from handlers.coaching import keyboards as coaching_keyboards
from handlers.coaching.coach_reports import begin_coach_report
from handlers.coaching.meeting_reports import begin_report
from handlers.coaching.session_texts import When
from handlers.coaching.stage_moves import begin_stage_move
from handlers.command_args import id_and_rest
from handlers.filters import IsClient, IsStaff, StaffOnly
from handlers.replies import about, unless_refused

# The card's buttons that start a dialog, by action.
DIALOGS = {"report": begin_report, "coachreport": begin_coach_report, "stage": begin_stage_move}


def shown_in(zone: ZoneInfo) -> When:
    """Moments as the reader's language writes them (as the site does), in the business's time
    zone."""
    return lambda moment: written.moment(moment, zone)


def named_clients(words: list[str]) -> list[int | str]:
    """The clients ``/plan`` names, the session's client first: card numbers (``6``, ``#6``) and
    @usernames, apart or joined by commas (``6,7`` or ``@maria @bob``)."""
    named: list[int | str] = []
    for typed in ",".join(words).split(","):
        typed = typed.strip()
        if not typed:
            continue
        if looks_like_id(typed.lstrip("#")):
            client_id = parse_id(typed.lstrip("#"))
            named.append(0 if client_id is None else client_id)  # past any id: nobody
        else:
            named.append(typed.lstrip("@"))
    return named


async def plan(
    message: Message,
    command: CommandObject,
    actor: Actor,
    session: AsyncSession,
    notifier: Notifier,
    settings: Settings,
    now: datetime,
) -> None:
    """``/plan <clients> <YYYY-MM-DD HH:MM> [minutes] [online]``: the sender coaches it; the
    first client named is the session's, the others take part."""
    words = (command.args or "").split()
    online = bool(words) and words[-1].lower() == "online"
    if online:
        words.pop()
    # Minutes are digits (a time has a colon); their bounds are the service's to say.
    minutes = None
    if words and looks_like_id(words[-1]):
        typed = words.pop()
        minutes = int(typed) if len(typed) <= 6 else 10**6  # past any bound either way
    if len(words) < 3:
        raise InvalidInput(session_texts.usage("plan"))
    clock, date = words.pop(), words.pop()
    named = named_clients(words)
    if not named:
        raise InvalidInput(session_texts.usage("plan"))
    starts_at = parse_moment(f"{date} {clock}", settings.zone, now)
    [client, *others] = await clients_named(session, actor=actor, named=named)
    draft = SessionDraft(
        client.id, starts_at, online=online, participant_ids=[other.id for other in others]
    )
    if minutes is not None:
        draft = replace(draft, minutes=minutes)
    meeting = await plan_session(session, notifier, actor=actor, draft=draft, now=now)
    when = shown_in(settings.zone)
    if not has_started(meeting, now):
        await message.answer(session_texts.planned(meeting, when))
        return
    # One that already happened: recorded, and its card's buttons to say how it went.
    with about(session_subject(meeting.id)):
        await message.answer(
            session_texts.recorded(meeting, when),
            reply_markup=await card_markup(session, meeting, actor, now),
        )


async def card_markup(
    session: AsyncSession, meeting: CoachingSession, actor: Actor, now: datetime
) -> InlineKeyboardMarkup | None:
    """Under the card, what ``crm.coaching.rules.actions`` lets ``actor`` do at ``now`` (the site's
    card reads the same): done / no-show once the session has begun, cancel while it is
    planned; once it is done, the meeting report, and the coach's own report for its coach;
    the client's next programme stage whenever they are in a programme with a stage ahead."""
    allowed = actions(actor, meeting, now)
    endings = [
        (session_texts.action_label(action), action)
        for action in ENDING_ACTIONS
        if action in allowed
    ]
    reports: list[tuple[str, str]] = [
        (session_texts.action_label(action), action)
        for action in ("report", "coachreport")
        if action in allowed
    ]
    stages: list[tuple[str, str]] = []
    if await movable_enrolments(session, actor=actor, meeting=meeting):
        stages.append((session_texts.action_label("stage"), "stage"))
    return coaching_keyboards.session_action_rows([endings, reports, stages], meeting.id)


async def _card(
    session: AsyncSession, meeting: CoachingSession, actor: Actor, settings: Settings, now: datetime
) -> tuple[str, InlineKeyboardMarkup | None]:
    recordings = await listed_recordings(session, actor=actor, meeting=meeting)
    text = session_texts.card(meeting, shown_in(settings.zone), recordings, viewer=actor)
    return text, await card_markup(session, meeting, actor, now)


async def send_card(
    bot: Bot,
    chat_id: int,
    meeting: CoachingSession,
    actor: Actor,
    settings: Settings,
    session: AsyncSession,
    now: datetime,
) -> None:
    """The card, about the session: a reply to it (a recording) is filed on the session."""
    text, markup = await _card(session, meeting, actor, settings, now)
    with about(session_subject(meeting.id)):
        await send_long(bot, chat_id, text, markup)


async def refresh_card(
    bot: Bot,
    query: CallbackQuery,
    chat_id: int,
    meeting: CoachingSession,
    actor: Actor,
    settings: Settings,
    session: AsyncSession,
    now: datetime,
) -> None:
    """The card a button was pressed on shows the session as it is now, status and buttons,
    edited in place; a card Telegram will not edit (too old, gone) is sent anew instead, and
    so is one too long for a single message (the old one loses its buttons)."""
    text, markup = await _card(session, meeting, actor, settings, now)
    parts = split_html(text)
    anew = [
        SendMessage(
            chat_id=chat_id, text=part, reply_markup=markup if number == len(parts) - 1 else None
        )
        for number, part in enumerate(parts)
    ]
    pressed = query.message if isinstance(query.message, Message) else None
    with about(session_subject(meeting.id)):
        if pressed is not None and len(parts) == 1:
            with unless_refused(*anew):
                await bot.edit_message_text(
                    text, chat_id=chat_id, message_id=pressed.message_id, reply_markup=markup
                )
            return
        if pressed is not None:
            await bot.edit_message_reply_markup(
                chat_id=chat_id, message_id=pressed.message_id, reply_markup=None
            )
        for method in anew:
            await bot(method)


async def show_session(
    message: Message,
    command: CommandObject,
    actor: Actor,
    session: AsyncSession,
    settings: Settings,
    bot: Bot,
    now: datetime,
) -> None:
    """``/session <id>``: the card."""
    session_id, _ = id_and_rest(command, session_texts.usage("session"), rest=False)
    meeting = await session_for(session, actor=actor, session_id=session_id)
    await send_card(bot, message.chat.id, meeting, actor, settings, session, now)


async def list_sessions(
    message: Message, actor: Actor, session: AsyncSession, settings: Settings, now: datetime
) -> None:
    """``/sessions``: the upcoming sessions the person takes part in, coaches, or manages, and
    the button that hands out their private calendar link."""
    meetings = await upcoming_sessions(session, actor=actor, now=now)
    for_client = isinstance(actor, Client)
    when = shown_in(settings.zone)
    labels = [(m.id, session_texts.session_label(m, when, for_client=for_client)) for m in meetings]
    await message.answer(
        session_texts.upcoming(meetings, for_client=for_client),
        reply_markup=coaching_keyboards.with_calendar_link(
            coaching_keyboards.session_list(labels), calendar_texts.button()
        ),
    )


async def on_session_button(
    query: CallbackQuery,
    callback_data: coaching_keyboards.SessionAction,
    actor: Actor,
    session: AsyncSession,
    notifier: Notifier,
    settings: Settings,
    bot: Bot,
    now: datetime,
    state: FSMContext,
) -> None:
    """A button under a listing or a card; the service each calls decides whether the press
    counts."""
    action, session_id = callback_data.action, callback_data.session_id
    chat_id = query.message.chat.id if query.message else query.from_user.id
    if action == "view":
        meeting = await session_for(session, actor=actor, session_id=session_id)
        await query.answer()
        await send_card(bot, chat_id, meeting, actor, settings, session, now)
        return
    if action in DIALOGS:
        if not isinstance(query.message, Message):
            raise InvalidInput(N_("That button is not valid any more."))
        begin_dialog = DIALOGS[action]
        await begin_dialog(query.message, actor, session, state, session_id)
        await query.answer()
        return
    to = ENDING_ACTIONS.get(action)
    if to is None:
        raise InvalidInput(N_("That button is not valid any more."))
    meeting = await end_session(
        session, notifier, actor=actor, session_id=session_id, to=to, now=now
    )
    answer = session_texts.ended(meeting)
    await query.answer(answer)
    await refresh_card(bot, query, chat_id, meeting, actor, settings, session, now)
    await bot.send_message(chat_id, answer)


def create_router() -> Router:
    """/sessions and the buttons, for clients and staff."""
    router = Router(name=__name__)
    router.message.register(list_sessions, Command("sessions"), or_f(IsClient(), IsStaff()))
    router.callback_query.register(on_session_button, coaching_keyboards.SessionAction.filter())
    return router


def create_staff_router() -> Router:
    """/plan and /session: staff only."""
    router = Router(name=f"{__name__}.staff")
    router.message.middleware(StaffOnly())
    router.message.register(plan, Command("plan"))
    router.message.register(show_session, Command("session"))
    return router
