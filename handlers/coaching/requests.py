"""/requests: the coaching requests waiting for a coach, with Accept and Refuse buttons. Accept
plans the session at the client's preferred time; Refuse asks why in one step (``/cancel``
keeps the request waiting). The services check every press again."""

from __future__ import annotations

from datetime import datetime

from aiogram import Bot, F, Router
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from sqlalchemy.ext.asyncio import AsyncSession

from crm.coaching.requests import (
    accept_request,
    pending_requests,
    refuse_request,
    request_to_answer,
)
from crm.coaching.rules import REQUEST_ANSWERS, request_actions
from crm.errors import InvalidInput
from crm.i18n import N_
from crm.notify import Notifier
from crm.permissions import Actor
from crm.settings import Settings
from db.models import CoachingRequest
from handlers.cards import answer_press
from handlers.coaching import keyboards as coaching_keyboards
from handlers.coaching import session_texts
from handlers.coaching.sessions import shown_in
from handlers.dialogs import end_dialog
from handlers.filters import IsStaff, Matches, StaffOnly


class RefuseRequest(StatesGroup):
    reason = State()


def answers(requests: list[CoachingRequest], actor: Actor) -> InlineKeyboardMarkup | None:
    """Under each request, the answers ``crm.coaching.rules.request_actions`` lets ``actor``
    give (the site's page reads the same), in the order of ``REQUEST_ANSWERS``."""
    return coaching_keyboards.request_answers(
        [
            (
                request.id,
                [
                    (session_texts.answer_button(action, request.id), action)
                    for action in REQUEST_ANSWERS
                    if action in request_actions(actor, request)
                ],
            )
            for request in requests
        ]
    )


async def list_requests(
    message: Message, actor: Actor, session: AsyncSession, settings: Settings
) -> None:
    """``/requests``: what waits for the coach's answer, oldest first."""
    requests = await pending_requests(session, actor=actor)
    await message.answer(
        session_texts.pending(requests, shown_in(settings.zone)),
        reply_markup=answers(requests, actor),
    )


async def on_answer(
    query: CallbackQuery,
    callback_data: coaching_keyboards.RequestAnswer,
    actor: Actor,
    session: AsyncSession,
    notifier: Notifier,
    settings: Settings,
    state: FSMContext,
    bot: Bot,
    now: datetime,
) -> None:
    """Accept (at the preferred time) or Refuse (asks why) one request."""
    chat_id = query.message.chat.id if query.message else query.from_user.id
    to = REQUEST_ANSWERS.get(callback_data.action)
    if to is None:
        raise InvalidInput(N_("That button is not valid any more."))
    request = await request_to_answer(
        session, actor=actor, request_id=callback_data.request_id, to=to
    )
    if callback_data.action == "refuse":
        await state.set_state(RefuseRequest.reason)
        await state.update_data(request_id=request.id)
        await query.answer()
        await bot.send_message(chat_id, session_texts.ask_reason(request))
        return
    if request.preferred_at is None:
        await query.answer()
        await bot.send_message(chat_id, session_texts.no_preferred_time(request))
        return
    request = await accept_request(session, notifier, actor=actor, request_id=request.id, now=now)
    left = await pending_requests(session, actor=actor)
    answer = session_texts.accepted(request, shown_in(settings.zone))
    await answer_press(bot, query, chat_id, answer, answers(left, actor))


async def reason_given(
    message: Message,
    actor: Actor,
    session: AsyncSession,
    notifier: Notifier,
    state: FSMContext,
    now: datetime,
) -> None:
    """The coach's reason: the request is refused and the client hears why."""
    data = await state.get_data()
    await end_dialog(state)
    request = await refuse_request(
        session,
        notifier,
        actor=actor,
        request_id=int(data["request_id"]),
        comment=message.text or "",
        now=now,
    )
    await message.answer(session_texts.refused(request))


def create_router() -> Router:
    router = Router(name=__name__)
    router.message.middleware(StaffOnly())
    router.message.register(list_requests, Command("requests"))
    router.callback_query.register(on_answer, coaching_keyboards.RequestAnswer.filter())
    router.message.register(
        reason_given,
        StateFilter(RefuseRequest.reason),
        IsStaff(),
        Matches(F.text & ~F.text.startswith("/")),
    )
    return router
