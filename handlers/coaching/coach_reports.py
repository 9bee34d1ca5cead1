"""/coachreport [session id]: the coach's own report — on one of their sessions, or (without an
id) on a period asked first, this week unless they name one. Five parts (preparation, results,
self-reflection, development tasks, a supervision request), each skippable with /skip; /cancel
leaves and keeps nothing; the report is filed once, at the end."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from aiogram import F, Router
from aiogram.filters import Command, CommandObject, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import Message
from aiogram.utils.i18n import gettext as _
from sqlalchemy.ext.asyncio import AsyncSession

from crm.coaching.reports import CoachReportDraft, coach_report_about, file_coach_report
from crm.errors import InvalidInput
from crm.permissions import Actor
from crm.settings import Settings
from handlers.coaching.report_steps import ReportSteps, advance, begin
from handlers.command_args import id_and_rest
from handlers.filters import IsStaff, Matches, StaffOnly

STEPS = ReportSteps(
    ("preparation", "results", "self_reflection", "development_tasks", "supervision_request"),
    lambda: {
        "preparation": _("How did you prepare?"),
        "results": _("What came of it: your results?"),
        "self_reflection": _("Your self-reflection: what went well, what would you change?"),
        "development_tasks": _("What are your development tasks now?"),
        "supervision_request": _("What would you bring to supervision?"),
    },
)
WORDS = Matches(F.text & ~F.text.startswith("/"))


class CoachReportDialog(StatesGroup):
    period = State()
    part = State()


def this_week(now: datetime, settings: Settings) -> tuple[date, date]:
    """Monday to Sunday of the business week of ``now``."""
    today = now.astimezone(settings.zone).date()
    monday = today - timedelta(days=today.weekday())
    return monday, monday + timedelta(days=6)


def shown(period: tuple[date, date]) -> str:
    return f"{period[0].isoformat()} – {period[1].isoformat()}"


def parse_period(text: str) -> tuple[date, date]:
    """``2026-11-30 2026-12-06`` (a dash between them is fine too)."""
    words = text.replace("–", " ").replace(" - ", " ").split()
    try:
        if len(words) != 2:
            raise ValueError(text)
        return date.fromisoformat(words[0]), date.fromisoformat(words[1])
    except ValueError:
        raise InvalidInput(
            _("Write the period's first and last day, like 2026-11-30 2026-12-06.")
        ) from None


async def begin_coach_report(
    message: Message, actor: Actor, session: AsyncSession, state: FSMContext, session_id: int
) -> None:
    """The report on one session: checked first, then the first part (the command, or the
    button on the session's card)."""
    await coach_report_about(session, actor=actor, session_id=session_id)
    await begin(message, state, STEPS, CoachReportDialog.part, session_id=session_id)


async def start_coach_report(
    message: Message,
    command: CommandObject,
    actor: Actor,
    session: AsyncSession,
    state: FSMContext,
    settings: Settings,
    now: datetime,
) -> None:
    """``/coachreport 31`` (on a session) or ``/coachreport`` (on a period, asked first)."""
    if (command.args or "").strip():
        usage = _("Usage: /coachreport [session id]")
        session_id, _rest = id_and_rest(command, usage, rest=False)
        await begin_coach_report(message, actor, session, state, session_id)
        return
    week = this_week(now, settings)
    await coach_report_about(session, actor=actor, period=week)
    await state.set_state(CoachReportDialog.period)
    await state.set_data({})
    await message.answer(
        _(
            "Which period is your report on? Send its first and last day, like {example}; "
            "/skip for this week ({week}). /cancel to stop."
        ).format(example=f"{week[0].isoformat()} {week[1].isoformat()}", week=shown(week))
    )


async def _period_chosen(
    message: Message,
    actor: Actor,
    session: AsyncSession,
    state: FSMContext,
    period: tuple[date, date],
) -> None:
    await coach_report_about(session, actor=actor, period=period)
    await message.answer(_("Your report on {period}.").format(period=shown(period)))
    await begin(
        message,
        state,
        STEPS,
        CoachReportDialog.part,
        period=[period[0].isoformat(), period[1].isoformat()],
    )


async def period_written(
    message: Message, actor: Actor, session: AsyncSession, state: FSMContext
) -> None:
    await _period_chosen(message, actor, session, state, parse_period(message.text or ""))


async def period_skipped(
    message: Message,
    actor: Actor,
    session: AsyncSession,
    state: FSMContext,
    settings: Settings,
    now: datetime,
) -> None:
    await _period_chosen(message, actor, session, state, this_week(now, settings))


async def _next(
    message: Message, actor: Actor, session: AsyncSession, state: FSMContext, answer: str | None
) -> None:
    done = await advance(message, state, STEPS, answer)
    if done is None:
        return
    about, parts = done
    if not parts:
        await message.answer(_("Every part was skipped: no report is filed."))
        return
    draft = CoachReportDraft(**parts)
    if about.get("session_id") is not None:
        session_id = int(about["session_id"])
        await file_coach_report(session, actor=actor, draft=draft, session_id=session_id)
        await message.answer(
            _("🧭 Your coach report on session #{session_id} is filed.").format(
                session_id=session_id
            )
        )
        return
    first, last = (date.fromisoformat(day) for day in about["period"])
    await file_coach_report(session, actor=actor, draft=draft, period=(first, last))
    await message.answer(
        _("🧭 Your coach report on {period} is filed.").format(period=shown((first, last)))
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
    router.message.register(start_coach_report, Command("coachreport"))
    router.message.register(period_skipped, Command("skip"), StateFilter(CoachReportDialog.period))
    router.message.register(period_written, StateFilter(CoachReportDialog.period), IsStaff(), WORDS)
    router.message.register(part_skipped, Command("skip"), StateFilter(CoachReportDialog.part))
    router.message.register(part_written, StateFilter(CoachReportDialog.part), IsStaff(), WORDS)
    return router
