"""The coaches' report (``/reports/coaches``): per coach over a period, sessions by status,
hours, ratings, meeting reports filed and overdue, and what their own reports ask. The
definitions are crm/coaching/periods.py's."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    ColumnElement,
    and_,
    case,
    func,
    or_,
    select,
    union_all,
)
from sqlalchemy.ext.asyncio import AsyncSession

from crm.coaching.reminders import REPORT_AFTER
from crm.errors import PermissionDenied
from crm.i18n import N_
from crm.money import cents
from crm.periods import Period, as_decimal, as_real, count_if
from crm.permissions import Actor, is_manager, is_practitioner, require_staff
from crm.visibility import visible_coach_reports, visible_sessions
from db.enums import SessionStatus
from db.models import (
    CoachingSession,
    CoachProfile,
    CoachReport,
    Employee,
    MeetingReport,
    SessionParticipant,
)

S = SessionStatus


HOUR = Decimal(60)
# Per coach ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class CoachFigures:
    coach_id: int
    name: str
    held: int
    hours: Decimal
    no_shows: int
    cancelled: int
    planned: int
    rating: Decimal | None  # rounded to two decimals; None: no rating given
    ratings: int
    reports_filed: int
    reports_overdue: int
    development_tasks: int
    latest_development_task: str | None
    supervision_requests: int
    latest_supervision_request: str | None


def check_coach_viewer(actor: Actor) -> Employee:
    """``actor`` as someone who may see coaches' figures (coaches their own row, managers every
    row; helpers and clients none), or PermissionDenied."""
    viewer = require_staff(actor)
    if not is_practitioner(viewer):
        raise PermissionDenied(N_("The coaches' figures are for coaches and managers."))
    return viewer


async def coach_figures(
    session: AsyncSession, *, actor: Actor, within: Period, now: datetime
) -> list[CoachFigures]:
    """Per coach over ``within``: sessions by status, hours, ratings, meeting reports filed and
    overdue at ``now``, and what their own reports ask (development, supervision). A coach gets
    their own row only; managers every coach's (coaches with a profile, and whoever gave a
    session in the period)."""
    viewer = check_coach_viewer(actor)
    whose: ColumnElement[bool] = (
        Employee.id.is_not(None) if is_manager(viewer) else Employee.id == viewer.id
    )
    seen = and_(visible_sessions(viewer), within.holds(CoachingSession.starts_at))
    reported = MeetingReport.id.is_not(None)
    done = CoachingSession.status == S.DONE
    sessions = await session.execute(
        select(
            CoachingSession.coach_id,
            count_if(done),
            func.coalesce(func.sum(case((done, CoachingSession.minutes), else_=0)), 0),
            count_if(CoachingSession.status == S.NO_SHOW),
            count_if(CoachingSession.status == S.CANCELLED),
            count_if(CoachingSession.status == S.PLANNED),
            count_if(done & reported),
            count_if(done & ~reported & (CoachingSession.starts_at <= now - REPORT_AFTER)),
        )
        .outerjoin(MeetingReport, MeetingReport.session_id == CoachingSession.id)
        .where(seen, CoachingSession.coach_id.is_not(None))
        .group_by(CoachingSession.coach_id)
    )
    by_coach = {row[0]: row[1:] for row in sessions}

    held = and_(seen, done)
    given = union_all(
        select(
            CoachingSession.coach_id.label("coach_id"), CoachingSession.rating.label("rating")
        ).where(held, CoachingSession.rating.is_not(None)),
        select(CoachingSession.coach_id, SessionParticipant.rating)
        .join(CoachingSession, CoachingSession.id == SessionParticipant.session_id)
        .where(held, SessionParticipant.rating.is_not(None)),
    ).subquery()
    ratings = {
        coach_id: (average, count)
        for coach_id, average, count in await session.execute(
            select(given.c.coach_id, func.avg(as_real(given.c.rating)), func.count()).group_by(
                given.c.coach_id
            )
        )
    }

    asks = {
        "development": await _latest_asks(session, viewer, within, CoachReport.development_tasks),
        "supervision": await _latest_asks(session, viewer, within, CoachReport.supervision_request),
    }
    active = set(by_coach) | set(asks["development"]) | set(asks["supervision"])
    coaches = await session.execute(
        select(Employee.id, Employee.full_name)
        .where(
            whose,
            or_(
                Employee.id.in_(select(CoachProfile.employee_id)),
                Employee.id.in_(active) if active else Employee.id.is_(None),
            ),
        )
        .order_by(Employee.full_name, Employee.id)
    )
    rows = []
    for coach_id, name in coaches:
        counts = by_coach.get(coach_id, (0, 0, 0, 0, 0, 0, 0))
        average, rated = ratings.get(coach_id, (None, 0))
        development = asks["development"].get(coach_id, (0, None))
        supervision = asks["supervision"].get(coach_id, (0, None))
        rows.append(
            CoachFigures(
                coach_id=coach_id,
                name=name,
                held=int(counts[0]),
                hours=(as_decimal(counts[1]) / HOUR).quantize(Decimal("0.01")),
                no_shows=int(counts[2]),
                cancelled=int(counts[3]),
                planned=int(counts[4]),
                rating=None if average is None else cents(as_decimal(average)),
                ratings=int(rated),
                reports_filed=int(counts[5]),
                reports_overdue=int(counts[6]),
                development_tasks=development[0],
                latest_development_task=development[1],
                supervision_requests=supervision[0],
                latest_supervision_request=supervision[1],
            )
        )
    return rows


async def _latest_asks(
    session: AsyncSession, viewer: Employee, within: Period, column: Any
) -> dict[int, tuple[int, str | None]]:
    """Per coach: how many of their reports filed in the period say something in ``column``,
    and the latest such text."""
    said = func.trim(func.coalesce(column, "")) != ""
    ranked = (
        select(
            CoachReport.coach_id,
            column.label("text"),
            func.count().over(partition_by=CoachReport.coach_id).label("count"),
            func.row_number()
            .over(
                partition_by=CoachReport.coach_id,
                order_by=(CoachReport.created_at.desc(), CoachReport.id.desc()),
            )
            .label("rank"),
        )
        .where(visible_coach_reports(viewer), within.holds(CoachReport.created_at), said)
        .subquery()
    )
    found = await session.execute(
        select(ranked.c.coach_id, ranked.c.count, ranked.c.text).where(ranked.c.rank == 1)
    )
    return {coach_id: (int(count), text) for coach_id, count, text in found}
