"""The client's rating of a session held: the question comes through the outbox when the
session is marked done, with buttons 1 to 5. The star pressed is the rating, kept at once in
the press's transaction (the question's buttons go); the bot then asks for an optional comment,
which is added to that rating, or /skip (or /cancel) to leave it as it is. The service checks
each step: the session is the client's, held, and not yet rated by them, so a second press on
the old question changes nothing."""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession

from crm.coaching.sessions import comment_on_rating, rate_session
from crm.permissions import Actor
from handlers.coaching import booking_texts
from handlers.coaching import keyboards as coaching_keyboards
from handlers.dialogs import end_dialog
from handlers.filters import IsClient, Matches

DRAFT_KEY = "rating"


class RateSession(StatesGroup):
    comment = State()


async def rating_chosen(
    query: CallbackQuery,
    callback_data: coaching_keyboards.SessionRating,
    actor: Actor,
    session: AsyncSession,
    state: FSMContext,
    bot: Bot,
) -> None:
    """A star pressed: that is the rating, kept now; then a comment may follow."""
    meeting = await rate_session(
        session, actor=actor, session_id=callback_data.session_id, rating=callback_data.rating
    )
    await state.set_state(RateSession.comment)
    await state.set_data({DRAFT_KEY: {"session_id": meeting.id}})
    await query.answer()
    chat_id = query.message.chat.id if query.message else query.from_user.id
    if query.message is not None:
        await bot.edit_message_reply_markup(
            chat_id=chat_id, message_id=query.message.message_id, reply_markup=None
        )
    await bot.send_message(chat_id, booking_texts.ask_comment(meeting.id, callback_data.rating))


async def comment_written(
    message: Message, actor: Actor, session: AsyncSession, state: FSMContext
) -> None:
    """The comment, added to the rating just given."""
    draft = await state.get_value(DRAFT_KEY)
    assert isinstance(draft, dict)  # the state filter let only this step in
    meeting = await comment_on_rating(
        session, actor=actor, session_id=int(draft["session_id"]), comment=message.text or ""
    )
    await end_dialog(state)
    await message.answer(booking_texts.commented(meeting.id))


async def comment_skipped(message: Message, state: FSMContext) -> None:
    """No comment: the rating stays as it was kept."""
    draft = await state.get_value(DRAFT_KEY)
    assert isinstance(draft, dict)  # the state filter let only this step in
    await end_dialog(state)
    await message.answer(booking_texts.rated(int(draft["session_id"])))


def create_router() -> Router:
    router = Router(name=__name__)
    router.callback_query.register(rating_chosen, coaching_keyboards.SessionRating.filter())
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
