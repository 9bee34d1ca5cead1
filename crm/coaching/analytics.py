"""Reports built from the coaching records: per coach, per programme, per period and per client.

Every figure is an SQL aggregate over what the viewer may see (crm/visibility.py), over a period
of whole days in the business time zone (``CRM_TIMEZONE``). The definitions, said once here and
on the pages:

- a session is *in the period* when it starts in it;
- *hours* are the minutes of the sessions held (status done), over 60;
- the *average rating* is the mean of every rating given on the coach's sessions held in the
  period: the main client's (on the session) and each other participant's, one each;
- a meeting report is *overdue* when a session held has none a day (``REPORT_AFTER``) after it
  started;
- *revenue*: a session held under a contract is worth the contract's total over its lessons;
  one under a product adds nothing (the product's sale counts instead, in the period it was
  sold, at the price it was sold for, for the employee who sold it); any other session held is
  worth the coach's hourly rate times its hours;
- *time at a stage* runs from the move that brought the client to it to the move that took
  them on, and for a client still there, up to now.
"""

from __future__ import annotations

from calendar import monthrange
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import (
    ColumnElement,
    Float,
    Select,
    and_,
    case,
    cast,
    func,
    literal,
    null,
    or_,
    select,
    union_all,
)
from sqlalchemy.ext.asyncio import AsyncSession

from crm.coaching.reminders import REPORT_AFTER
from crm.errors import InvalidInput, PermissionDenied
from crm.i18n import N_
from crm.keyset import day_start
from crm.money import cents
from crm.people.clients import get_client
from crm.permissions import Actor, is_manager, is_practitioner, require_manager, require_staff
from crm.visibility import visible_clients, visible_coach_reports, visible_sessions, visible_tracks
from db.base import UTCDateTime
from db.enums import SessionStatus, TrackStatus
from db.models import (
    Client,
    ClientProduct,
    ClientReport,
    ClientStep,
    CoachingSession,
    CoachProfile,
    CoachReport,
    Contract,
    Department,
    Employee,
    Enrolment,
    MeetingReport,
    Product,
    Program,
    ProgramStage,
    SessionParticipant,
    StageMove,
    Track,
)

S = SessionStatus
# The longest period a report covers: a year (and a day, for a leap year).
MAX_PERIOD_DAYS = 366
SECONDS_PER_DAY = 86400
HOUR = Decimal(60)


@dataclass(frozen=True)
class Period:
    """Whole days ``first`` to ``last`` (both included) in ``zone``."""

    first: date
    last: date
    zone: ZoneInfo

    @property
    def since(self) -> datetime:
        return day_start(self.first, self.zone)

    @property
    def until(self) -> datetime:
        """The first moment after the period."""
        return day_start(self.last + timedelta(days=1), self.zone)

    def holds(self, column: Any) -> ColumnElement[bool]:
        return and_(column >= self.since, column < self.until)


def period(first: date | None, last: date | None, *, zone: ZoneInfo, now: datetime) -> Period:
    """The period a report's filter asks for: by default this month (in ``zone``); with one end
    only, the month of that end; refused when it ends before it starts or spans over a year."""
    anchor = first or last or now.astimezone(zone).date()
    if first is None:
        first = anchor.replace(day=1)
    if last is None:
        last = anchor.replace(day=monthrange(anchor.year, anchor.month)[1])
    if first > last:
        raise InvalidInput(N_("the start date is after the end date"), field="from")
    if (last - first).days + 1 > MAX_PERIOD_DAYS:
        raise InvalidInput(
            N_("a report covers at most {days} days; choose a shorter period"),
            field="to",
            days=MAX_PERIOD_DAYS,
        )
    return Period(first, last, zone)


def _seconds(session: AsyncSession, start: Any, end: Any) -> ColumnElement[Any]:
    """The seconds from ``start`` to ``end``, two timestamps, in this database's SQL."""
    if session.get_bind().dialect.name == "sqlite":
        return (func.julianday(end) - func.julianday(start)) * SECONDS_PER_DAY
    return func.extract("epoch", end - start)


def _decimal(value: Any) -> Decimal:
    """An aggregate as a Decimal: SQLite answers floats, PostgreSQL Decimals."""
    return Decimal(0) if value is None else Decimal(str(value))


def _real(value: Any) -> ColumnElement[Any]:
    # SQLite keeps whole amounts as integers and would divide them as integers.
    return cast(value, Float)


def _count_if(condition: ColumnElement[bool]) -> ColumnElement[Any]:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


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
            _count_if(done),
            func.coalesce(func.sum(case((done, CoachingSession.minutes), else_=0)), 0),
            _count_if(CoachingSession.status == S.NO_SHOW),
            _count_if(CoachingSession.status == S.CANCELLED),
            _count_if(CoachingSession.status == S.PLANNED),
            _count_if(done & reported),
            _count_if(done & ~reported & (CoachingSession.starts_at <= now - REPORT_AFTER)),
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
            select(given.c.coach_id, func.avg(_real(given.c.rating)), func.count()).group_by(
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
                hours=(_decimal(counts[1]) / HOUR).quantize(Decimal("0.01")),
                no_shows=int(counts[2]),
                cancelled=int(counts[3]),
                planned=int(counts[4]),
                rating=None if average is None else cents(_decimal(average)),
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


# Per programme ------------------------------------------------------------------------------


@dataclass(frozen=True)
class StageFigures:
    stage_id: int
    position: int
    name: str
    now: int  # clients at this stage now
    stays: int  # arrivals at this stage (each a stay, finished or not)
    ongoing: int  # stays not finished: the client is still there
    average_days: Decimal | None
    median_days: Decimal | None


@dataclass(frozen=True)
class ProgramFigures:
    program_id: int
    name: str
    stages: list[StageFigures]

    @property
    def clients(self) -> int:
        return sum(stage.now for stage in self.stages)


async def program_figures(
    session: AsyncSession, *, actor: Actor, now: datetime
) -> list[ProgramFigures]:
    """Per programme and stage: the clients there now and the time spent there (average and
    median, in days), from the history of moves of the clients the viewer may see."""
    viewer = require_staff(actor)
    theirs = Enrolment.client_id.in_(select(Client.id).where(visible_clients(viewer)))
    at_stage = {
        stage_id: int(count)
        for stage_id, count in await session.execute(
            select(Enrolment.stage_id, func.count()).where(theirs).group_by(Enrolment.stage_id)
        )
    }
    stays = (
        select(
            StageMove.to_stage_id.label("stage_id"),
            StageMove.at.label("arrived"),
            func.lead(StageMove.at)
            .over(partition_by=StageMove.enrolment_id, order_by=(StageMove.at, StageMove.id))
            .label("left"),
        )
        .join(Enrolment, Enrolment.id == StageMove.enrolment_id)
        .where(theirs)
        .subquery()
    )
    until = func.coalesce(stays.c.left, literal(now, UTCDateTime()))
    timed = select(
        stays.c.stage_id,
        _seconds(session, stays.c.arrived, until).label("seconds"),
        stays.c.left.is_(None).label("ongoing"),
    ).subquery()
    averages = {
        stage_id: (int(count), int(ongoing or 0), average)
        for stage_id, count, ongoing, average in await session.execute(
            select(
                timed.c.stage_id,
                func.count(),
                _count_if(timed.c.ongoing),
                func.avg(timed.c.seconds),
            ).group_by(timed.c.stage_id)
        )
    }
    ordered = select(
        timed.c.stage_id,
        timed.c.seconds,
        func.row_number()
        .over(partition_by=timed.c.stage_id, order_by=timed.c.seconds)
        .label("rank"),
        func.count().over(partition_by=timed.c.stage_id).label("count"),
    ).subquery()
    # The middle stay, or the mean of the two middle ones.
    middle = or_(
        ordered.c.rank == (ordered.c.count + 1) // 2, ordered.c.rank == (ordered.c.count + 2) // 2
    )
    medians = {
        stage_id: seconds
        for stage_id, seconds in await session.execute(
            select(ordered.c.stage_id, func.avg(ordered.c.seconds))
            .where(middle)
            .group_by(ordered.c.stage_id)
        )
    }
    stages = await session.execute(
        select(Program.id, Program.name, ProgramStage.id, ProgramStage.position, ProgramStage.name)
        .join(ProgramStage, ProgramStage.program_id == Program.id)
        .order_by(Program.name, Program.id, ProgramStage.position)
    )
    programs: dict[int, ProgramFigures] = {}
    for program_id, program_name, stage_id, position, stage_name in stages:
        program = programs.setdefault(program_id, ProgramFigures(program_id, program_name, []))
        count, ongoing, average = averages.get(stage_id, (0, 0, None))
        program.stages.append(
            StageFigures(
                stage_id=stage_id,
                position=position,
                name=stage_name,
                now=at_stage.get(stage_id, 0),
                stays=count,
                ongoing=ongoing,
                average_days=_days(average),
                median_days=_days(medians.get(stage_id)),
            )
        )
    return list(programs.values())


def _days(seconds: Any) -> Decimal | None:
    if seconds is None:
        return None
    return (_decimal(seconds) / SECONDS_PER_DAY).quantize(Decimal("0.1"))


# Per period ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class RevenueRow:
    key: int | None  # the coach's, branch's or product's id; None: none
    name: str | None
    sessions: int  # sessions held
    sales: int  # products sold
    revenue: Decimal  # to the cent
    exact: Decimal  # unrounded, for the totals


@dataclass(frozen=True)
class PeriodFigures:
    by_coach: list[RevenueRow]
    by_branch: list[RevenueRow]
    by_product: list[RevenueRow]

    @property
    def sessions(self) -> int:
        return sum(row.sessions for row in self.by_coach)

    @property
    def sales(self) -> int:
        return sum(row.sales for row in self.by_coach)

    @property
    def revenue(self) -> Decimal:
        return cents(sum((row.exact for row in self.by_coach), Decimal(0)))


def session_value() -> ColumnElement[Any]:
    """What a session held is worth (see the module's text): needs the session's contract and
    its coach's profile joined."""
    return case(
        (
            CoachingSession.contract_id.is_not(None) & (Contract.lessons > 0),
            _real(Contract.total) / Contract.lessons,
        ),
        (CoachingSession.product_id.is_not(None), 0.0),
        else_=_real(func.coalesce(CoachProfile.hourly_rate, 0)) * CoachingSession.minutes / 60.0,
    )


async def period_figures(session: AsyncSession, *, actor: Actor, within: Period) -> PeriodFigures:
    """Sessions held and revenue in ``within``, by coach, by branch (the coach's department) and
    by product; for owners and administrators."""
    viewer = require_manager(actor)  # a period's sessions and revenue
    held = (
        select(
            CoachingSession.coach_id.label("employee_id"),
            CoachingSession.product_id.label("product_id"),
            literal(1).label("held"),
            literal(0).label("sold"),
            session_value().label("value"),
        )
        .outerjoin(Contract, Contract.id == CoachingSession.contract_id)
        .outerjoin(CoachProfile, CoachProfile.employee_id == CoachingSession.coach_id)
        .where(
            visible_sessions(viewer),
            CoachingSession.status == S.DONE,
            within.holds(CoachingSession.starts_at),
        )
    )
    sold = select(
        ClientProduct.sold_by_id,
        ClientProduct.product_id,
        literal(0),
        literal(1),
        _real(ClientProduct.price),
    ).where(
        ClientProduct.client_id.in_(select(Client.id).where(visible_clients(viewer))),
        within.holds(ClientProduct.bought_at),
    )
    money = union_all(held, sold).subquery()
    who = Employee.__table__.alias("who")

    async def grouped(key: Any, name: Any, query: Select[Any, Any]) -> list[RevenueRow]:
        found = await session.execute(
            query.add_columns(
                func.sum(money.c.held), func.sum(money.c.sold), func.sum(money.c.value)
            )
            .group_by(key, name)
            .order_by(func.sum(money.c.value).desc(), name)
        )
        return [
            RevenueRow(
                row_key, row_name, int(held), int(sold), cents(_decimal(value)), _decimal(value)
            )
            for row_key, row_name, held, sold, value in found
        ]

    by_coach = await grouped(
        who.c.id,
        who.c.full_name,
        select(who.c.id, who.c.full_name)
        .select_from(money)
        .outerjoin(who, who.c.id == money.c.employee_id),
    )
    by_branch = await grouped(
        Department.id,
        Department.name,
        select(Department.id, Department.name)
        .select_from(money)
        .outerjoin(who, who.c.id == money.c.employee_id)
        .outerjoin(Department, Department.id == who.c.department_id),
    )
    by_product = await grouped(
        Product.id,
        Product.name,
        select(Product.id, Product.name)
        .select_from(money)
        .outerjoin(Product, Product.id == money.c.product_id),
    )
    return PeriodFigures(by_coach, by_branch, by_product)


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
