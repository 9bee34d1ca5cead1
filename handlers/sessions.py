"""Coaching sessions in the bot: /plan, /session (the card, with done / no-show / cancel for
whoever may run it), /sessions (upcoming ones, a button each). Every press is authorised again
by the service it calls; moments are typed and shown in the business time zone."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from aiogram import Bot, Router
from aiogram.filters import Command, CommandObject, or_f
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from sqlalchemy.ext.asyncio import AsyncSession

from crm.clients import list_clients
from crm.coaching_notices import session_subject
from crm.coaching_reports import writes_coach_report
from crm.coaching_rules import may_run
from crm.coaching_sessions import (
    SessionDraft,
    end_session,
    plan_session,
    session_for,
    upcoming_sessions,
)
from crm.errors import InvalidInput, NotFound
from crm.i18n import N_
from crm.ids import looks_like_id, parse_id
from crm.moments import parse_moment
from crm.notify import Notifier
from crm.permissions import Actor
from crm.recordings import listed_recordings
from crm.settings import Settings
from crm.stage_moves import movable_enrolments
from db.enums import SessionStatus
from db.models import Client, CoachingSession
from handlers import calendar_texts, keyboards, session_texts, written
from handlers.coach_reports import begin_coach_report
from handlers.command_args import id_and_rest
from handlers.filters import IsClient, IsStaff, StaffOnly
from handlers.meeting_reports import begin_report
from handlers.replies import about
from handlers.session_texts import When
from handlers.stage_moves import begin_stage_move
from handlers.ticket_cards import answer_press, send_long

# The card's buttons that start a dialog, by action.
DIALOGS = {"report": begin_report, "coachreport": begin_coach_report, "stage": begin_stage_move}


def shown_in(zone: ZoneInfo) -> When:
    """Moments as the reader's language writes them (as the site does), in the business's time
    zone."""
    return lambda moment: written.moment(moment, zone)


async def find_client(session: AsyncSession, actor: Actor, typed: str) -> int:
    """The client ``/plan`` names: a client id, or the @username of a client ``actor`` sees."""
    if looks_like_id(typed):
        client_id = parse_id(typed)
        if client_id is None:
            raise NotFound(N_("that client does not exist"))
        return client_id
    username = typed.lstrip("@").lower()
    found, _more = await list_clients(session, actor=actor, search=username)
    for client in found:
        if (client.username or "").lower() == username:
            return client.id
    raise NotFound(N_("no client @{username}"), username=username)


async def plan(
    message: Message,
    command: CommandObject,
    actor: Actor,
    session: AsyncSession,
    notifier: Notifier,
    settings: Settings,
    now: datetime,
) -> None:
    """``/plan <client id or @username> <YYYY-MM-DD HH:MM> [minutes] [online]``: the sender
    coaches it."""
    words = (command.args or "").split()
    online = bool(words) and words[-1].lower() == "online"
    if online:
        words.pop()
    if len(words) not in (3, 4) or (len(words) == 4 and parse_id(words[3]) is None):
        raise InvalidInput(session_texts.usage("plan"))
    starts_at = parse_moment(f"{words[1]} {words[2]}", settings.zone, now)
    minutes = int(words[3]) if len(words) == 4 else None
    client_id = await find_client(session, actor, words[0])
    draft = SessionDraft(client_id, starts_at, online=online)
    if minutes is not None:
        draft = SessionDraft(client_id, starts_at, minutes, online)
    meeting = await plan_session(session, notifier, actor=actor, draft=draft, now=now)
    await message.answer(session_texts.planned(meeting, shown_in(settings.zone)))


async def card_markup(
    session: AsyncSession, meeting: CoachingSession, actor: Actor
) -> InlineKeyboardMarkup | None:
    """Under the card, for whoever may run the session: done / no-show / cancel while it is
    planned; once it is done, the meeting report, and the coach's own report for its coach;
    the client's next programme stage whenever they are in a programme with a stage ahead."""
    runs = may_run(actor, meeting)
    endings: list[tuple[str, str]] = []
    if runs and meeting.status is SessionStatus.PLANNED:
        endings = [(session_texts.action_label(action), action) for action in session_texts.ENDINGS]
    reports: list[tuple[str, str]] = []
    if runs and meeting.status is SessionStatus.DONE:
        reports.append((session_texts.action_label("report"), "report"))
        if writes_coach_report(actor, meeting):
            reports.append((session_texts.action_label("coachreport"), "coachreport"))
    stages: list[tuple[str, str]] = []
    if await movable_enrolments(session, actor=actor, meeting=meeting):
        stages.append((session_texts.action_label("stage"), "stage"))
    return keyboards.session_action_rows([endings, reports, stages], meeting.id)


async def send_card(
    bot: Bot,
    chat_id: int,
    meeting: CoachingSession,
    actor: Actor,
    settings: Settings,
    session: AsyncSession,
) -> None:
    """The card, about the session: a reply to it (a recording) is filed on the session."""
    recordings = await listed_recordings(session, actor=actor, meeting=meeting)
    text = session_texts.card(meeting, shown_in(settings.zone), recordings)
    with about(session_subject(meeting.id)):
        await send_long(bot, chat_id, text, await card_markup(session, meeting, actor))


async def show_session(
    message: Message,
    command: CommandObject,
    actor: Actor,
    session: AsyncSession,
    settings: Settings,
    bot: Bot,
) -> None:
    """``/session <id>``: the card."""
    session_id, _ = id_and_rest(command, session_texts.usage("session"), rest=False)
    meeting = await session_for(session, actor=actor, session_id=session_id)
    await send_card(bot, message.chat.id, meeting, actor, settings, session)


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
        reply_markup=keyboards.with_calendar_link(
            keyboards.session_list(labels), calendar_texts.button()
        ),
    )


async def on_session_button(
    query: CallbackQuery,
    callback_data: keyboards.SessionAction,
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
        await send_card(bot, chat_id, meeting, actor, settings, session)
        return
    if action in DIALOGS:
        if not isinstance(query.message, Message):
            raise InvalidInput(N_("That button is not valid any more."))
        begin_dialog = DIALOGS[action]
        await begin_dialog(query.message, actor, session, state, session_id)
        await query.answer()
        return
    to = session_texts.ENDINGS.get(action)
    if to is None:
        raise InvalidInput(N_("That button is not valid any more."))
    meeting = await end_session(
        session, notifier, actor=actor, session_id=session_id, to=to, now=now
    )
    markup = await card_markup(session, meeting, actor)
    await answer_press(bot, query, chat_id, session_texts.ended(meeting), markup)


def create_router() -> Router:
    """/sessions and the buttons, for clients and staff."""
    router = Router(name=__name__)
    router.message.register(list_sessions, Command("sessions"), or_f(IsClient(), IsStaff()))
    router.callback_query.register(on_session_button, keyboards.SessionAction.filter())
    return router


def create_staff_router() -> Router:
    """/plan and /session: staff only."""
    router = Router(name=f"{__name__}.staff")
    router.message.middleware(StaffOnly())
    router.message.register(plan, Command("plan"))
    router.message.register(show_session, Command("session"))
    return router
