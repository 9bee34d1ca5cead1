"""/report <session id>: the meeting report of a session held, in a short dialog — what
happened, the client's state, agreements, homework, next steps. Each step may be skipped with
/skip; /cancel leaves and keeps nothing (the report is filed only at the end, in one go)."""

from __future__ import annotations

from typing import Any

from aiogram import F, Router
from aiogram.filters import Command, CommandObject, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import Message
from aiogram.utils.i18n import gettext as _
from sqlalchemy.ext.asyncio import AsyncSession

from crm.coaching_reports import MeetingReportDraft, file_meeting_report, session_to_report
from crm.permissions import Actor
from handlers.command_args import id_and_rest
from handlers.filters import IsStaff, Matches, StaffOnly

# The report's parts in the order they are asked, each with its question.
STEPS = ("what_happened", "client_state", "agreements", "homework", "next_steps")


class ReportDialog(StatesGroup):
    part = State()


def question(step: int) -> str:
    asked = {
        "what_happened": _("What happened in the session?"),
        "client_state": _("How is the client: their state now?"),
        "agreements": _("What did you agree on?"),
        "homework": _("What homework did the client take?"),
        "next_steps": _("What are the next steps?"),
    }[STEPS[step]]
    hint = _("(/skip to leave it empty, /cancel to stop without saving)")
    return f"{step + 1}/{len(STEPS)} {asked}\n{hint}"


async def start_report(
    message: Message,
    command: CommandObject,
    actor: Actor,
    session: AsyncSession,
    state: FSMContext,
) -> None:
    """``/report 31``: checks the session may be reported on, then asks the first part."""
    session_id, _rest = id_and_rest(command, _("Usage: /report <session id>"), rest=False)
    meeting = await session_to_report(session, actor=actor, session_id=session_id)
    await state.set_state(ReportDialog.part)
    await state.set_data({"session_id": meeting.id, "step": 0, "parts": {}})
    await message.answer(question(0))


async def _next(
    message: Message,
    actor: Actor,
    session: AsyncSession,
    state: FSMContext,
    answer: str | None,
) -> None:
    data: dict[str, Any] = await state.get_data()
    step, parts = int(data["step"]), dict(data["parts"])
    if answer is not None:
        parts[STEPS[step]] = answer
    if step + 1 < len(STEPS):
        await state.update_data(step=step + 1, parts=parts)
        await message.answer(question(step + 1))
        return
    await state.clear()
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
