"""One client's report (``/reports/clients/<id>``): their sessions by status and per week, tracks
with their steps, reports filed and programme progress over a period. The definitions are
crm/coaching/periods.py's."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import (
    and_,
    case,
    func,
    null,
    or_,
    select,
)
from sqlalchemy.ext.asyncio import AsyncSession

from crm.keyset import day_start
from crm.people.clients import get_client
from crm.periods import Period
from crm.permissions import Actor, require_staff
from crm.visibility import visible_sessions, visible_tracks
from db.enums import SessionStatus, TrackStatus
from db.models import (
    Client,
    ClientReport,
    ClientStep,
    CoachingSession,
    Employee,
    Enrolment,
    MeetingReport,
    Program,
    ProgramStage,
    SessionParticipant,
    StageMove,
    Track,
)

# Per client ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class TrackFigures:
    track_id: int
    goal: str
    status: TrackStatus
    steps: int
    steps_done: int


@dataclass(frozen=True)
class ReportLine:
    """A report filed in the period, as the client's report lists it."""

    report_id: int
    at: datetime
    author: str | None
    text: str | None
    session_id: int | None = None


@dataclass(frozen=True)
class MoveLine:
    at: datetime
    from_stage: str | None
    to_stage: str
    client_state: str | None


@dataclass(frozen=True)
class Enrolled:
    program: str
    stage: str
    position: int
    stages: int
    started_at: datetime
    moves: list[MoveLine]


@dataclass(frozen=True)
class ClientFigures:
    client: Client
    by_status: dict[SessionStatus, int]
    per_week: list[tuple[date, int]]  # each week's Monday (or the period's first day), sessions
    tracks: list[TrackFigures]
    meeting_reports: list[ReportLine]
    client_reports: list[ReportLine]
    programs: list[Enrolled]

    @property
    def sessions(self) -> int:
        return sum(self.by_status.values())


def _weeks(within: Period) -> list[date]:
    """The first day of each week (from Monday) the period touches, the first cut to the period."""
    starts = [within.first]
    day = within.first + timedelta(days=7 - within.first.weekday())
    while day <= within.last:
        starts.append(day)
        day += timedelta(days=7)
    return starts


async def client_figures(
    session: AsyncSession, *, actor: Actor, client_id: int, within: Period
) -> ClientFigures:
    """One client over ``within``: sessions by status and per week, tracks with their steps,
    meeting and client reports filed, programme progress; for whoever may open the client's
    card, each part within what they may see. A coach's report on themselves is never part."""
    viewer = require_staff(actor)
    client = await get_client(session, actor=viewer, client_id=client_id)
    taking_part = or_(
        CoachingSession.client_id == client.id,
        CoachingSession.id.in_(
            select(SessionParticipant.session_id).where(SessionParticipant.client_id == client.id)
        ),
    )
    theirs = and_(visible_sessions(viewer), taking_part, within.holds(CoachingSession.starts_at))
    by_status = {status: 0 for status in SessionStatus}
    for status, count in await session.execute(
        select(CoachingSession.status, func.count()).where(theirs).group_by(CoachingSession.status)
    ):
        by_status[SessionStatus(status)] = int(count)

    weeks = _weeks(within)
    week = case(
        *(
            (CoachingSession.starts_at >= day_start(start, within.zone), index)
            for index, start in reversed(list(enumerate(weeks)))
        ),
        else_=null(),
    )
    counted: dict[int, int] = {
        index: count
        for index, count in await session.execute(
            select(week.label("week"), func.count()).where(theirs).group_by(week)
        )
    }
    per_week = [(start, int(counted.get(index, 0))) for index, start in enumerate(weeks)]

    tracks = [
        TrackFigures(track_id, goal, TrackStatus(status), int(steps), int(done))
        for track_id, goal, status, steps, done in await session.execute(
            select(
                Track.id,
                Track.goal,
                Track.status,
                func.count(ClientStep.id),
                func.count(ClientStep.done_at),
            )
            .outerjoin(ClientStep, ClientStep.track_id == Track.id)
            .where(visible_tracks(viewer), Track.client_id == client.id)
            .group_by(Track.id, Track.goal, Track.status)
            .order_by(Track.id)
        )
    ]
    author = Employee.__table__.alias("author")
    meeting_reports = [
        ReportLine(report_id, at, name, text, session_id)
        for report_id, at, name, text, session_id in await session.execute(
            select(
                MeetingReport.id,
                CoachingSession.starts_at,
                author.c.full_name,
                MeetingReport.what_happened,
                CoachingSession.id,
            )
            .join(CoachingSession, CoachingSession.id == MeetingReport.session_id)
            .outerjoin(author, author.c.id == MeetingReport.author_id)
            .where(theirs)
            .order_by(CoachingSession.starts_at, MeetingReport.id)
        )
    ]
    client_reports = [
        ReportLine(report_id, at, staff_name or client_name, text)
        for report_id, at, staff_name, client_name, text in await session.execute(
            select(
                ClientReport.id,
                ClientReport.created_at,
                author.c.full_name,
                Client.full_name,
                ClientReport.progress,
            )
            .join(Track, Track.id == ClientReport.track_id)
            .outerjoin(author, author.c.id == ClientReport.author_employee_id)
            .outerjoin(Client, Client.id == ClientReport.author_client_id)
            .where(
                visible_tracks(viewer),
                Track.client_id == client.id,
                within.holds(ClientReport.created_at),
            )
            .order_by(ClientReport.created_at, ClientReport.id)
        )
    ]
    return ClientFigures(
        client=client,
        by_status=by_status,
        per_week=per_week,
        tracks=tracks,
        meeting_reports=meeting_reports,
        client_reports=client_reports,
        programs=await _enrolments(session, client.id),
    )


async def _enrolments(session: AsyncSession, client_id: int) -> list[Enrolled]:
    """The client's programmes (their card is the viewer's to open): stage now, the moves."""
    every = ProgramStage.__table__.alias("every")
    stage_count = (
        select(func.count())
        .select_from(every)
        .where(every.c.program_id == Enrolment.program_id)
        .correlate(Enrolment)
        .scalar_subquery()
    )
    enrolments = (
        await session.execute(
            select(
                Enrolment.id,
                Program.name,
                ProgramStage.name,
                ProgramStage.position,
                stage_count,
                Enrolment.started_at,
            )
            .join(Program, Program.id == Enrolment.program_id)
            .join(ProgramStage, ProgramStage.id == Enrolment.stage_id)
            .where(Enrolment.client_id == client_id)
            .order_by(Enrolment.started_at, Enrolment.id)
        )
    ).all()
    source = ProgramStage.__table__.alias("source")
    target = ProgramStage.__table__.alias("target")
    moves: dict[int, list[MoveLine]] = {}
    for enrolment_id, at, from_name, to_name, state in await session.execute(
        select(
            StageMove.enrolment_id,
            StageMove.at,
            source.c.name,
            target.c.name,
            StageMove.client_state,
        )
        .join(Enrolment, Enrolment.id == StageMove.enrolment_id)
        .outerjoin(source, source.c.id == StageMove.from_stage_id)
        .join(target, target.c.id == StageMove.to_stage_id)
        .where(Enrolment.client_id == client_id)
        .order_by(StageMove.at, StageMove.id)
    ):
        moves.setdefault(enrolment_id, []).append(MoveLine(at, from_name, to_name, state))
    return [
        Enrolled(program, stage, position, int(count), started, moves.get(enrolment_id, []))
        for enrolment_id, program, stage, position, count, started in enrolments
    ]
