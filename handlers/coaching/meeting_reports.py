"""/report <session id>: the meeting report of a session held, in a short dialog — what
happened, the client's state, agreements, homework, next steps. Each step may be skipped with
/skip; /cancel leaves and keeps nothing (the report is filed only at the end, in one go)."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command, CommandObject, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import Message
from aiogram.utils.i18n import gettext as _
from sqlalchemy.ext.asyncio import AsyncSession

from crm.coaching.reports import MeetingReportDraft, file_meeting_report, session_to_report
from crm.permissions import Actor
from handlers.coaching import session_texts
from handlers.coaching.report_steps import ReportSteps, advance, begin
from handlers.command_args import id_and_rest
from handlers.filters import IsStaff, Matches, StaffOnly

# The report's parts in the order they are asked, each with its question.
STEPS = ReportSteps(
    ("what_happened", "client_state", "agreements", "homework", "next_steps"),
    lambda: {
        "what_happened": _("What happened in the session?"),
        "client_state": _("How is the client: their state now?"),
        "agreements": _("What did you agree on?"),
        "homework": _("What homework did the client take?"),
        "next_steps": _("What are the next steps?"),
    },
)


class ReportDialog(StatesGroup):
    part = State()


async def begin_report(
    message: Message, actor: Actor, session: AsyncSession, state: FSMContext, session_id: int
) -> None:
    """Checks the session may be reported on, then asks the first part (the command, or the
    button on the session's card)."""
    meeting = await session_to_report(session, actor=actor, session_id=session_id)
    await begin(message, state, STEPS, ReportDialog.part, session_id=meeting.id)


async def start_report(
    message: Message,
    command: CommandObject,
    actor: Actor,
    session: AsyncSession,
    state: FSMContext,
) -> None:
    """``/report 31``."""
    session_id, _rest = id_and_rest(command, session_texts.usage("report"), rest=False)
    await begin_report(message, actor, session, state, session_id)


async def _next(
    message: Message,
    actor: Actor,
    session: AsyncSession,
    state: FSMContext,
    answer: str | None,
) -> None:
    done = await advance(message, state, STEPS, answer)
    if done is None:
        return
    data, parts = done
    if not parts:
        await message.answer(_("Every part was skipped: no report is filed."))
        return
    report = await file_meeting_report(
        session,
        actor=actor,
        session_id=int(data["session_id"]),
        draft=MeetingReportDraft(**parts),
    )
    await message.answer(
        _("📝 The report of session #{session_id} is filed.").format(session_id=report.session_id)
    )


async def part_written(
    message: Message, actor: Actor, session: AsyncSession, state: FSMContext
) -> None:
    await _next(message, actor, session, state, message.text or "")


async def part_skipped(
    message: Message, actor: Actor, session: AsyncSession, state: FSMContext
) -> None:
    await _next(message, actor, session, state, None)


def create_router() -> Router:
    router = Router(name=__name__)
    router.message.middleware(StaffOnly())
    router.message.register(start_report, Command("report"))
    router.message.register(part_skipped, Command("skip"), StateFilter(ReportDialog.part))
    router.message.register(
        part_written,
        StateFilter(ReportDialog.part),
        IsStaff(),
        Matches(F.text & ~F.text.startswith("/")),
    )
    return router
