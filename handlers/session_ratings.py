"""The client's rating of a session held: the question comes through the outbox when the
session is marked done, with buttons 1 to 5; after a press the bot asks for an optional comment
(/skip), and the rating is kept with it in one go (/cancel keeps nothing; the buttons stay
until a rating is kept). The service checks each step: the session is the client's, held, and
not yet rated by them."""

from __future__ import annotations

from contextlib import suppress

from aiogram import Bot, F, Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession

from crm.coaching_rules import check_rating
from crm.coaching_sessions import rate_session, session_to_rate
from crm.permissions import Actor
from handlers import booking_texts, keyboards
from handlers.filters import IsClient, Matches

DRAFT_KEY = "rating"


class RateSession(StatesGroup):
    comment = State()


async def rating_chosen(
    query: CallbackQuery,
    callback_data: keyboards.SessionRating,
    actor: Actor,
    session: AsyncSession,
    state: FSMContext,
    bot: Bot,
) -> None:
    """A rating pressed: checked, then the comment is asked for."""
    meeting = await session_to_rate(session, actor=actor, session_id=callback_data.session_id)
    rating = check_rating(callback_data.rating)
    question = query.message.message_id if query.message else None
    await state.set_state(RateSession.comment)
    await state.update_data(
        {DRAFT_KEY: {"session_id": meeting.id, "rating": rating, "question": question}}
    )
    await query.answer()
    chat_id = query.message.chat.id if query.message else query.from_user.id
    await bot.send_message(chat_id, booking_texts.ask_comment(meeting.id, rating))


async def _keep(
    message: Message, actor: Actor, session: AsyncSession, state: FSMContext, bot: Bot, comment: str
) -> None:
    draft = await state.get_value(DRAFT_KEY)
    assert isinstance(draft, dict)  # the state filter let only this step in
    meeting = await rate_session(
        session,
        actor=actor,
        session_id=int(draft["session_id"]),
        rating=int(draft["rating"]),
        comment=comment,
    )
    await state.clear()
    await message.answer(booking_texts.rated(meeting.id))
    if draft.get("question"):
        # The question's buttons go once the rating is kept (a press after /cancel still counts).
        with suppress(TelegramBadRequest):
            await bot.edit_message_reply_markup(
                chat_id=message.chat.id, message_id=int(draft["question"]), reply_markup=None
            )


async def comment_written(
    message: Message, actor: Actor, session: AsyncSession, state: FSMContext, bot: Bot
) -> None:
    await _keep(message, actor, session, state, bot, message.text or "")


async def comment_skipped(
    message: Message, actor: Actor, session: AsyncSession, state: FSMContext, bot: Bot
) -> None:
    await _keep(message, actor, session, state, bot, "")


def create_router() -> Router:
    router = Router(name=__name__)
    router.callback_query.register(rating_chosen, keyboards.SessionRating.filter())
    router.message.register(
        comment_skipped, Command("skip"), StateFilter(RateSession.comment), IsClient()
    )
    router.message.register(
        comment_written,
        StateFilter(RateSession.comment),
        IsClient(),
        Matches(F.text & ~F.text.startswith("/")),
    )
    return router
