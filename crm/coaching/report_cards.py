"""Each coaching report's own page (a meeting, a client's or a coach's report), for the staff
who may see it: the rule is crm/coaching/reports.py's, through crm/visibility.py, as in the
listing (crm/coaching/report_listing.py)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import (
    select,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from crm.coaching.rules import may_run
from crm.errors import NotFound
from crm.i18n import N_
from crm.ids import MAX_ID
from crm.permissions import Actor, require_staff
from crm.visibility import visible_coach_reports, visible_sessions, visible_tracks
from db.models import (
    ClientReport,
    CoachingSession,
    CoachReport,
    Employee,
    MeetingReport,
    Track,
)


@dataclass(frozen=True)
class MeetingReportCard:
    report: MeetingReport
    may_edit: bool  # its session's coach and managers file it again


async def meeting_report_card(
    session: AsyncSession, *, actor: Actor, report_id: int
) -> MeetingReportCard:
    """A meeting report for staff who may see its session, with the session's people."""
    require_staff(actor)
    report = None
    if 0 < report_id <= MAX_ID:  # a larger number names no record (and would overflow)
        report = await session.scalar(
            select(MeetingReport)
            .join(CoachingSession, CoachingSession.id == MeetingReport.session_id)
            .where(MeetingReport.id == report_id, visible_sessions(actor))
            .options(
                selectinload(MeetingReport.session).selectinload(CoachingSession.client),
                selectinload(MeetingReport.session).selectinload(CoachingSession.coach),
            )
            .execution_options(populate_existing=True)
        )
    if report is None:
        raise NotFound(N_("that report does not exist"))
    return MeetingReportCard(report, may_run(actor, report.session))


@dataclass(frozen=True)
class ClientReportCard:
    report: ClientReport
    author: str | None  # the employee who wrote it; None when the client did


async def client_report_card(
    session: AsyncSession, *, actor: Actor, report_id: int
) -> ClientReportCard:
    """A client's progress report on a track, for staff who may open the client's card."""
    require_staff(actor)
    report = None
    if 0 < report_id <= MAX_ID:  # a larger number names no record (and would overflow)
        report = await session.scalar(
            select(ClientReport)
            .join(Track, Track.id == ClientReport.track_id)
            .where(ClientReport.id == report_id, visible_tracks(actor))
            .options(
                selectinload(ClientReport.track).selectinload(Track.client),
                selectinload(ClientReport.track).selectinload(Track.coach),
            )
        )
    if report is None:
        raise NotFound(N_("that report does not exist"))
    author = None
    if report.author_employee_id is not None:
        author = await session.scalar(
            select(Employee.full_name).where(Employee.id == report.author_employee_id)
        )
    return ClientReportCard(report, author)


@dataclass(frozen=True)
class CoachReportCard:
    report: CoachReport
    meeting: CoachingSession | None  # the session it is about, if one


async def coach_report_card(
    session: AsyncSession, *, actor: Actor, report_id: int
) -> CoachReportCard:
    """A coach's report on themselves: its coach's and the managers' only."""
    require_staff(actor)
    report = None
    if 0 < report_id <= MAX_ID:  # a larger number names no record (and would overflow)
        report = await session.scalar(
            select(CoachReport)
            .where(CoachReport.id == report_id, visible_coach_reports(actor))
            .options(selectinload(CoachReport.coach))
        )
    if report is None:
        raise NotFound(N_("that report does not exist"))
    meeting = None
    if report.session_id is not None:
        meeting = await session.scalar(
            select(CoachingSession)
            .where(CoachingSession.id == report.session_id)
            .options(selectinload(CoachingSession.client))
        )
    return CoachReportCard(report, meeting)
