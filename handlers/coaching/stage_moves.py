"""The "Next stage" button on a session's card: the client moves to the next stage of a programme
they are in (chosen first when there are several), with a note on their state (/skip: none);
the client is told. /cancel moves nobody."""

from __future__ import annotations

from datetime import datetime

from aiogram import F, Router, html
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _
from sqlalchemy.ext.asyncio import AsyncSession

from crm.coaching.enrolment_rules import next_stage
from crm.coaching.stage_moves import enrolments_to_move, move_from_session
from crm.errors import InvalidInput
from crm.i18n import N_
from crm.notify import Notifier
from crm.permissions import Actor
from db.models import Enrolment
from handlers.coaching import keyboards as coaching_keyboards
from handlers.coaching.keyboards import StageChoice
from handlers.dialogs import end_dialog
from handlers.filters import IsStaff, Matches


class StageDialog(StatesGroup):
    note = State()


def stage_line(enrolment: Enrolment) -> str:
    """``Career Reboot: Diagnosis → Plan``."""
    ahead = next_stage(enrolment)
    assert ahead is not None  # offered only with a stage ahead
    return f"{enrolment.program.name}: {enrolment.stage.name} → {ahead.name}"


async def _ask_note(
    message: Message, state: FSMContext, session_id: int, enrolment: Enrolment
) -> None:
    await state.set_state(StageDialog.note)
    await state.set_data({"session_id": session_id, "enrolment_id": enrolment.id})
    await message.answer(
        _(
            "{name} moves on: {move}.\nHow is the client now? A note on their state "
            "(/skip for none, /cancel to move nobody)."
        ).format(
            name=html.quote(enrolment.client.full_name), move=html.quote(stage_line(enrolment))
        )
    )


async def begin_stage_move(
    message: Message, actor: Actor, session: AsyncSession, state: FSMContext, session_id: int
) -> None:
    """From the card's button: the programme to move on in (asked if several), then the note."""
    enrolments = await enrolments_to_move(session, actor=actor, session_id=session_id)
    if not enrolments:
        raise InvalidInput(N_("The client is in no programme with a stage ahead."))
    if len(enrolments) == 1:
        await _ask_note(message, state, session_id, enrolments[0])
        return
    await message.answer(
        _("Which programme does the client move on in?"),
        reply_markup=coaching_keyboards.stage_choices(
            session_id, [(enrolment.id, stage_line(enrolment)) for enrolment in enrolments]
        ),
    )


async def programme_chosen(
    query: CallbackQuery,
    callback_data: StageChoice,
    actor: Actor,
    session: AsyncSession,
    state: FSMContext,
) -> None:
    enrolments = await enrolments_to_move(session, actor=actor, session_id=callback_data.session_id)
    chosen = [e for e in enrolments if e.id == callback_data.enrolment_id]
    if not chosen or not isinstance(query.message, Message):
        raise InvalidInput(N_("That button is not valid any more."))
    await query.answer()
    await _ask_note(query.message, state, callback_data.session_id, chosen[0])


async def _move(
    message: Message,
    actor: Actor,
    session: AsyncSession,
    state: FSMContext,
    notifier: Notifier,
    now: datetime,
    note: str,
) -> None:
    data = await state.get_data()
    moved = await move_from_session(
        session,
        notifier,
        actor=actor,
        session_id=int(data["session_id"]),
        enrolment_id=int(data["enrolment_id"]),
        client_state=note,
        now=now,
    )
    await end_dialog(state)
    await message.answer(
        _("🪜 {name} is now at the stage “{stage}” of “{program}”; the client is told.").format(
            name=html.quote(moved.client.full_name),
            stage=html.quote(moved.stage.name),
            program=html.quote(moved.program.name),
        )
    )


async def note_written(
    message: Message,
    actor: Actor,
    session: AsyncSession,
    state: FSMContext,
    notifier: Notifier,
    now: datetime,
) -> None:
    await _move(message, actor, session, state, notifier, now, message.text or "")


async def note_skipped(
    message: Message,
    actor: Actor,
    session: AsyncSession,
    state: FSMContext,
    notifier: Notifier,
    now: datetime,
) -> None:
    await _move(message, actor, session, state, notifier, now, "")


def create_router() -> Router:
    router = Router(name=__name__)
    router.message.register(note_skipped, Command("skip"), StateFilter(StageDialog.note), IsStaff())
    router.message.register(
        note_written,
        StateFilter(StageDialog.note),
        IsStaff(),
        Matches(F.text & ~F.text.startswith("/")),
    )
    router.callback_query.register(programme_chosen, StageChoice.filter())
    return router
