"""The three kinds of coaching reports: the meeting report on a session held (its coach files
it), the client's report on a track's goal (the client or the coach), and the coach's report
on themselves (preparation, results, reflection, development tasks, a supervision request).

Who reads them: a meeting report, the staff who may see its session; a client report, the
track's client and the staff who may see the client; a coach report, its coach and the owners
and administrators — never a client."""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from crm.coaching.rules import may_coach, may_run, require
from crm.coaching.sessions import session_for
from crm.coaching.tracks import track_for
from crm.errors import InvalidInput, NotFound, PermissionDenied
from crm.i18n import N_
from crm.people.names import clean_text
from crm.permissions import Actor, is_manager, require_staff
from crm.visibility import visible_coach_reports
from db.enums import SessionStatus
from db.models import (
    Client,
    ClientReport,
    CoachingSession,
    CoachReport,
    Employee,
    MeetingReport,
    Track,
)


@dataclass(frozen=True)
class MeetingReportDraft:
    """A meeting report's parts; any may be left empty (a skipped step)."""

    what_happened: str = ""
    client_state: str = ""
    agreements: str = ""
    homework: str = ""
    next_steps: str = ""


@dataclass(frozen=True)
class CoachReportDraft:
    """A coach's report on a session or a period; any part may be empty, not all."""

    preparation: str = ""
    results: str = ""
    self_reflection: str = ""
    development_tasks: str = ""
    supervision_request: str = ""


def _cleaned(draft: MeetingReportDraft | CoachReportDraft) -> dict[str, str | None]:
    parts = {
        part.name: clean_text(getattr(draft, part.name), required=False, field=part.name) or None
        for part in fields(draft)
    }
    if not any(parts.values()):
        raise InvalidInput(N_("the report is empty: write at least one part"))
    return parts


async def session_to_report(
    session: AsyncSession, *, actor: Actor, session_id: int
) -> CoachingSession:
    """The session held whose report ``actor`` may file (its coach, managers): asked before a
    report dialog starts, and again when the report is filed."""
    meeting = await session_for(session, actor=actor, session_id=session_id)
    require(may_run(actor, meeting))
    if meeting.status is not SessionStatus.DONE:
        raise InvalidInput(
            N_("session #{session_id} has not taken place: no report yet"), session_id=meeting.id
        )
    return meeting


async def file_meeting_report(
    session: AsyncSession, *, actor: Actor, session_id: int, draft: MeetingReportDraft
) -> MeetingReport:
    """The report of a session held, by its coach (or a manager); filing again replaces it."""
    meeting = await session_to_report(session, actor=actor, session_id=session_id)
    parts = _cleaned(draft)
    report = await session.scalar(
        select(MeetingReport).where(MeetingReport.session_id == meeting.id)
    )
    if report is None:
        report = MeetingReport(session_id=meeting.id)
        session.add(report)
    for name, value in parts.items():
        setattr(report, name, value)
    report.author_id = actor.id if isinstance(actor, Employee) else None
    await session.flush()
    return report


async def meeting_report(
    session: AsyncSession, *, actor: Actor, session_id: int
) -> MeetingReport | None:
    """A session's report, for staff who may see the session (clients do not read them)."""
    require_staff(actor)
    meeting = await session_for(session, actor=actor, session_id=session_id)
    return await session.scalar(select(MeetingReport).where(MeetingReport.session_id == meeting.id))


async def coach_report_about(
    session: AsyncSession,
    *,
    actor: Actor,
    session_id: int | None = None,
    period: tuple[date, date] | None = None,
) -> Employee:
    """The coach who may report on that one session (theirs to run) or that period: asked
    before a coach report dialog starts, and again when the report is filed."""
    coach = may_coach(actor)
    if (session_id is None) == (period is None):
        raise InvalidInput(N_("a coach report is about one session or one period"))
    if session_id is not None:
        try:
            meeting = await session_for(session, actor=coach, session_id=session_id)
            require(may_run(coach, meeting))
        except (NotFound, PermissionDenied) as refusal:
            refusal.field = "session_id"  # a form shows it next to the session asked for
            raise
    if period is not None and period[0] > period[1]:
        raise InvalidInput(N_("the period ends before it starts"), field="period_end")
    return coach


async def file_coach_report(
    session: AsyncSession,
    *,
    actor: Actor,
    draft: CoachReportDraft,
    session_id: int | None = None,
    period: tuple[date, date] | None = None,
) -> CoachReport:
    """A coach's report on one of their sessions or on a period."""
    coach = await coach_report_about(session, actor=actor, session_id=session_id, period=period)
    report = CoachReport(
        coach_id=coach.id,
        session_id=session_id,
        period_start=period[0] if period else None,
        period_end=period[1] if period else None,
        **_cleaned(draft),
    )
    session.add(report)
    await session.flush()
    return report


async def coach_reports(session: AsyncSession, *, actor: Actor) -> list[CoachReport]:
    """The coach reports ``actor`` may read, newest first."""
    found = await session.scalars(
        select(CoachReport).where(visible_coach_reports(actor)).order_by(CoachReport.id.desc())
    )
    return list(found)


def files_coach_reports(actor: Actor) -> bool:
    """Whether ``actor`` writes coach reports on themselves: coaches, teachers and managers."""
    try:
        may_coach(actor)
    except PermissionDenied:
        return False
    return True


def files_progress(actor: Actor, track: Track) -> bool:
    """File a progress report on a track: its client, its coach, owners and administrators."""
    if isinstance(actor, Client):
        return track.client_id == actor.id
    return is_manager(actor) or (
        isinstance(actor, Employee) and actor.active and track.coach_id == actor.id
    )


async def track_to_report(session: AsyncSession, *, actor: Actor, track_id: int) -> Track:
    """The track ``actor`` may file a progress report on: asked before a form or dialog is
    shown, and again when the report is filed."""
    track = await track_for(session, actor=actor, track_id=track_id)
    if not files_progress(actor, track):
        raise PermissionDenied(
            N_("Only the track's client, its coach and managers file progress reports on it.")
        )
    return track


async def file_client_report(
    session: AsyncSession, *, actor: Actor, track_id: int, progress: str, now: datetime
) -> ClientReport:
    """Progress on a track's goal: by the track's client, its coach, or a manager."""
    track = await track_to_report(session, actor=actor, track_id=track_id)
    report = ClientReport(
        track_id=track.id,
        author_client_id=actor.id if isinstance(actor, Client) else None,
        author_employee_id=actor.id if isinstance(actor, Employee) else None,
        progress=clean_text(progress, required=True, field="progress"),
        created_at=now,
    )
    session.add(report)
    await session.flush()
    return report
