"""The client's progress report on a track, asked for by the scheduled question
(crm/coaching/track_reports.py): a reply to that question is the report; its button starts a
one-step dialog that takes the next message as the report (/cancel keeps nothing). The coach is
told."""

from __future__ import annotations

from datetime import datetime

from aiogram import F, Router
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _
from sqlalchemy.ext.asyncio import AsyncSession

from crm.coaching.track_reports import file_track_report
from crm.coaching.tracks import track_for
from crm.errors import DomainError, InvalidInput
from crm.i18n import N_
from crm.notify import Notifier
from crm.permissions import Actor
from db.models import Client
from handlers.coaching.keyboards import TrackAction
from handlers.dialogs import end_dialog
from handlers.filters import IsClient, Matches
from handlers.replies import ReplyContext


class TrackReportDialog(StatesGroup):
    progress = State()


def thanks() -> str:
    return _("📈 Thank you: your progress report is kept and your coach is told.")


async def file_reply_on_track(message: Message, track_id: int, context: ReplyContext) -> bool:
    """A client's words in reply to the question about their track are their report; anything
    else (staff, a photo, a track not theirs any more) goes the way any message goes."""
    if not isinstance(context.actor, Client) or not message.text:
        return False
    try:
        await file_track_report(
            context.session,
            context.notifier,
            actor=context.actor,
            track_id=track_id,
            progress=message.text,
            now=context.now,
        )
    except DomainError:
        return False
    await message.answer(thanks())
    return True


async def report_pressed(
    query: CallbackQuery,
    callback_data: TrackAction,
    actor: Actor,
    session: AsyncSession,
    state: FSMContext,
) -> None:
    if callback_data.action != "report":
        raise InvalidInput(N_("That button is not valid any more."))
    track = await track_for(session, actor=actor, track_id=callback_data.track_id)
    await state.set_state(TrackReportDialog.progress)
    await state.set_data({"track_id": track.id})
    await query.answer()
    if query.message is not None:
        await query.message.answer(
            _("How is it going with your goal? Write a few words (/cancel to stop).")
        )


async def progress_written(
    message: Message,
    actor: Actor,
    session: AsyncSession,
    state: FSMContext,
    notifier: Notifier,
    now: datetime,
) -> None:
    data = await state.get_data()
    await file_track_report(
        session,
        notifier,
        actor=actor,
        track_id=int(data["track_id"]),
        progress=message.text or "",
        now=now,
    )
    await end_dialog(state)
    await message.answer(thanks())


def create_router() -> Router:
    router = Router(name=__name__)
    router.callback_query.register(report_pressed, TrackAction.filter(), IsClient())
    router.message.register(
        progress_written,
        StateFilter(TrackReportDialog.progress),
        IsClient(),
        Matches(F.text & ~F.text.startswith("/")),
    )
    return router
