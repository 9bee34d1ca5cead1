"""The coaching practice's events on a client's timeline: products bought, sessions and their
meeting reports, tracks and the client's progress reports, programme stage moves. A coach's
report on themselves is never part of it."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from crm.coaching.rules import SESSION_STATUS_NAMES
from crm.coaching.track_rules import TRACK_STATUS_NAMES
from crm.overview.timeline import Event, EventKind, sessions_of, visible_client_ids
from crm.permissions import Actor
from crm.visibility import visible_sessions, visible_tracks
from db.models import (
    ClientProduct,
    ClientReport,
    CoachingSession,
    Employee,
    Enrolment,
    MeetingReport,
    Product,
    Program,
    ProgramStage,
    StageMove,
    Track,
)


async def purchase_events(
    session: AsyncSession, actor: Actor, client_id: int, limit: int
) -> list[Event]:
    # What a client bought is part of their card: whoever may open the card sees it.
    rows = await session.execute(
        select(ClientProduct.id, ClientProduct.bought_at, Product.name, ClientProduct.price)
        .join(Product, Product.id == ClientProduct.product_id)
        .where(
            ClientProduct.client_id == client_id,
            ClientProduct.client_id.in_(visible_client_ids(actor)),
        )
        .order_by(ClientProduct.bought_at.desc(), ClientProduct.id.desc())
        .limit(limit)
    )
    return [
        Event(at, EventKind.PURCHASE, bought_id, name, amount=price)
        for bought_id, at, name, price in rows
    ]


async def session_events(
    session: AsyncSession, actor: Actor, client_id: int, limit: int
) -> list[Event]:
    rows = await session.execute(
        select(CoachingSession.id, CoachingSession.starts_at, CoachingSession.status)
        .add_columns(Employee.full_name)
        .outerjoin(Employee, Employee.id == CoachingSession.coach_id)
        .where(sessions_of(client_id), visible_sessions(actor))
        .order_by(CoachingSession.starts_at.desc(), CoachingSession.id.desc())
        .limit(limit)
    )
    return [
        Event(
            at,
            EventKind.SESSION,
            session_id,
            status=status,
            other=coach or "",
            status_name=SESSION_STATUS_NAMES[status],
        )
        for session_id, at, status, coach in rows
    ]


async def meeting_report_events(
    session: AsyncSession, actor: Actor, client_id: int, limit: int
) -> list[Event]:
    # A meeting report is read by the staff who may see its session (crm/coaching/reports.py).
    rows = await session.execute(
        select(MeetingReport.id, MeetingReport.created_at, MeetingReport.session_id)
        .join(CoachingSession, CoachingSession.id == MeetingReport.session_id)
        .where(sessions_of(client_id), visible_sessions(actor))
        .order_by(MeetingReport.created_at.desc(), MeetingReport.id.desc())
        .limit(limit)
    )
    return [
        Event(at, EventKind.MEETING_REPORT, report_id, parent_id=session_id)
        for report_id, at, session_id in rows
    ]


async def track_events(
    session: AsyncSession, actor: Actor, client_id: int, limit: int
) -> list[Event]:
    rows = await session.execute(
        select(Track.id, Track.created_at, Track.goal, Track.status)
        .where(Track.client_id == client_id, visible_tracks(actor))
        .order_by(Track.created_at.desc(), Track.id.desc())
        .limit(limit)
    )
    return [
        Event(at, EventKind.TRACK, track_id, goal, status, status_name=TRACK_STATUS_NAMES[status])
        for track_id, at, goal, status in rows
    ]


async def client_report_events(
    session: AsyncSession, actor: Actor, client_id: int, limit: int
) -> list[Event]:
    rows = await session.execute(
        select(ClientReport.id, ClientReport.created_at, Track.goal, ClientReport.track_id)
        .join(Track, Track.id == ClientReport.track_id)
        .where(Track.client_id == client_id, visible_tracks(actor))
        .order_by(ClientReport.created_at.desc(), ClientReport.id.desc())
        .limit(limit)
    )
    return [
        Event(at, EventKind.CLIENT_REPORT, report_id, goal, parent_id=track_id)
        for report_id, at, goal, track_id in rows
    ]


async def stage_move_events(
    session: AsyncSession, actor: Actor, client_id: int, limit: int
) -> list[Event]:
    reached = aliased(ProgramStage)
    rows = await session.execute(
        select(StageMove.id, StageMove.at, Program.name, reached.name, Program.id)
        .join(Enrolment, Enrolment.id == StageMove.enrolment_id)
        .join(Program, Program.id == Enrolment.program_id)
        .join(reached, reached.id == StageMove.to_stage_id)
        .where(
            Enrolment.client_id == client_id,
            Enrolment.client_id.in_(visible_client_ids(actor)),
        )
        .order_by(StageMove.at.desc(), StageMove.id.desc())
        .limit(limit)
    )
    return [
        Event(at, EventKind.STAGE_MOVE, move_id, program, parent_id=program_id, other=stage)
        for move_id, at, program, stage, program_id in rows
    ]
