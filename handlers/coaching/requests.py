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

from crm.coaching.requests import accept_request, pending_requests, refuse_request, request_for
from crm.coaching.rules import may_coach
from crm.errors import InvalidInput
from crm.i18n import N_
from crm.notify import Notifier
from crm.permissions import Actor
from crm.settings import Settings
from db.enums import RequestStatus
from db.models import CoachingRequest
from handlers import keyboards
from handlers.cards import answer_press
from handlers.coaching import session_texts
from handlers.coaching.sessions import shown_in
from handlers.dialogs import end_dialog
from handlers.filters import IsStaff, Matches, StaffOnly


class RefuseRequest(StatesGroup):
    reason = State()


def answers(requests: list[CoachingRequest]) -> InlineKeyboardMarkup | None:
    return keyboards.request_answers(
        [
            (r.id, session_texts.accept_button(r.id), session_texts.refuse_button(r.id))
            for r in requests
        ]
    )


async def list_requests(
    message: Message, actor: Actor, session: AsyncSession, settings: Settings
) -> None:
    """``/requests``: what waits for the coach's answer, oldest first."""
    requests = await pending_requests(session, actor=actor)
    await message.answer(
        session_texts.pending(requests, shown_in(settings.zone)), reply_markup=answers(requests)
    )


async def waiting(session: AsyncSession, actor: Actor, request_id: int) -> CoachingRequest:
    """The request, if ``actor`` may answer it and it is still waiting."""
    request = await request_for(session, actor=may_coach(actor), request_id=request_id)
    if request.status is not RequestStatus.PENDING:
        raise InvalidInput(N_("request #{request_id} is already answered"), request_id=request.id)
    return request


async def on_answer(
    query: CallbackQuery,
    callback_data: keyboards.RequestAnswer,
    actor: Actor,
    session: AsyncSession,
    notifier: Notifier,
    settings: Settings,
    state: FSMContext,
    bot: Bot,
    now: datetime,
) -> None:
    """Accept (at the preferred time) or Refuse (asks why) one request."""
    request_id = callback_data.request_id
    chat_id = query.message.chat.id if query.message else query.from_user.id
    request = await waiting(session, actor, request_id)
    if callback_data.action == "refuse":
        await state.set_state(RefuseRequest.reason)
        await state.update_data(request_id=request.id)
        await query.answer()
        await bot.send_message(chat_id, session_texts.ask_reason(request))
        return
    if callback_data.action != "accept":
        raise InvalidInput(N_("That button is not valid any more."))
    if request.preferred_at is None:
        await query.answer()
        await bot.send_message(chat_id, session_texts.no_preferred_time(request))
        return
    request = await accept_request(session, notifier, actor=actor, request_id=request.id, now=now)
    left = await pending_requests(session, actor=actor)
    answer = session_texts.accepted(request, shown_in(settings.zone))
    await answer_press(bot, query, chat_id, answer, answers(left))


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
    router.callback_query.register(on_answer, keyboards.RequestAnswer.filter())
    router.message.register(
        reason_given,
        StateFilter(RefuseRequest.reason),
        IsStaff(),
        Matches(F.text & ~F.text.startswith("/")),
    )
    return router
