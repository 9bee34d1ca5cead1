"""A client's one timeline: the dated events of their card that the viewer may see, newest
first — tickets, contracts and payments, products bought, sessions and their meeting reports,
tracks and the client's progress reports, programme stage moves.

Each source is one function asking one query, filtered by its entity's predicate from
crm/visibility.py; each area names its own sources (``crm/<area>/area.py``), so a new one
(deals, interactions) is one more function there. A
coach's report on themselves is never part of a client's timeline. Every source gives its
newest ``limit + 1`` rows, so the merged page is exact and whether more follow is known."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import ColumnElement, Select, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from crm.people.clients import get_client
from crm.permissions import Actor, require_staff
from crm.visibility import (
    visible_clients,
    visible_contracts,
    visible_sessions,
    visible_tickets,
    visible_tracks,
)
from db.models import (
    Client,
    ClientProduct,
    ClientReport,
    CoachingSession,
    Contract,
    Employee,
    Enrolment,
    Language,
    MeetingReport,
    Payment,
    Product,
    Program,
    ProgramStage,
    SessionParticipant,
    StageMove,
    Ticket,
    Track,
)

TIMELINE_PAGE = 20
MAX_EVENTS = 1000


class EventKind(StrEnum):
    """What happened on a client's card."""

    TICKET = "ticket"
    CONTRACT = "contract"
    PAYMENT = "payment"
    PURCHASE = "purchase"
    SESSION = "session"
    MEETING_REPORT = "meeting_report"
    TRACK = "track"
    CLIENT_REPORT = "client_report"
    STAGE_MOVE = "stage_move"


@dataclass(frozen=True)
class Event:
    """One dated thing on the timeline. ``record_id`` is the record the event is (a ticket, a
    payment…), ``parent_id`` the one it belongs to (the payment's contract, the report's
    session or track, the move's programme); ``title`` is what people named or wrote."""

    at: datetime
    kind: EventKind
    record_id: int
    title: str = ""
    status: StrEnum | None = None
    amount: Decimal | None = None
    parent_id: int | None = None
    other: str = ""  # a second name: the coach of a session, the stage a move went to


@dataclass(frozen=True)
class Timeline:
    events: list[Event]
    more: bool


def _visible_client_ids(actor: Actor) -> Select[int]:
    return select(Client.id).where(visible_clients(actor))


def _sessions_of(client_id: int) -> ColumnElement[bool]:
    """The sessions the client has: as their client or as another participant."""
    joined = select(SessionParticipant.session_id).where(SessionParticipant.client_id == client_id)
    return or_(CoachingSession.client_id == client_id, CoachingSession.id.in_(joined))


Source = Callable[[AsyncSession, Actor, int, int], Awaitable[list[Event]]]


async def ticket_events(
    session: AsyncSession, actor: Actor, client_id: int, limit: int
) -> list[Event]:
    rows = await session.execute(
        select(Ticket.id, Ticket.created_at, Ticket.title, Ticket.status)
        .where(Ticket.client_id == client_id, visible_tickets(actor))
        .order_by(Ticket.created_at.desc(), Ticket.id.desc())
        .limit(limit)
    )
    return [
        Event(at, EventKind.TICKET, ticket_id, title, status)
        for ticket_id, at, title, status in rows
    ]


async def contract_events(
    session: AsyncSession, actor: Actor, client_id: int, limit: int
) -> list[Event]:
    rows = await session.execute(
        select(Contract.id, Contract.signed_at, Language.name, Contract.status, Contract.total)
        .join(Language, Language.id == Contract.language_id)
        .where(Contract.client_id == client_id, visible_contracts(actor))
        .order_by(Contract.signed_at.desc(), Contract.id.desc())
        .limit(limit)
    )
    return [
        Event(at, EventKind.CONTRACT, contract_id, language, status, total)
        for contract_id, at, language, status, total in rows
    ]


async def payment_events(
    session: AsyncSession, actor: Actor, client_id: int, limit: int
) -> list[Event]:
    rows = await session.execute(
        select(Payment.id, Payment.paid_at, Payment.method, Payment.amount, Payment.contract_id)
        .join(Contract, Contract.id == Payment.contract_id)
        .where(Contract.client_id == client_id, visible_contracts(actor))
        .order_by(Payment.paid_at.desc(), Payment.id.desc())
        .limit(limit)
    )
    return [
        Event(at, EventKind.PAYMENT, payment_id, status=method, amount=amount, parent_id=contract)
        for payment_id, at, method, amount, contract in rows
    ]


async def purchase_events(
    session: AsyncSession, actor: Actor, client_id: int, limit: int
) -> list[Event]:
    # What a client bought is part of their card: whoever may open the card sees it.
    rows = await session.execute(
        select(ClientProduct.id, ClientProduct.bought_at, Product.name, ClientProduct.price)
        .join(Product, Product.id == ClientProduct.product_id)
        .where(
            ClientProduct.client_id == client_id,
            ClientProduct.client_id.in_(_visible_client_ids(actor)),
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
        .where(_sessions_of(client_id), visible_sessions(actor))
        .order_by(CoachingSession.starts_at.desc(), CoachingSession.id.desc())
        .limit(limit)
    )
    return [
        Event(at, EventKind.SESSION, session_id, status=status, other=coach or "")
        for session_id, at, status, coach in rows
    ]


async def meeting_report_events(
    session: AsyncSession, actor: Actor, client_id: int, limit: int
) -> list[Event]:
    # A meeting report is read by the staff who may see its session (crm/coaching/reports.py).
    rows = await session.execute(
        select(MeetingReport.id, MeetingReport.created_at, MeetingReport.session_id)
        .join(CoachingSession, CoachingSession.id == MeetingReport.session_id)
        .where(_sessions_of(client_id), visible_sessions(actor))
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
        Event(at, EventKind.TRACK, track_id, goal, status) for track_id, at, goal, status in rows
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
            Enrolment.client_id.in_(_visible_client_ids(actor)),
        )
        .order_by(StageMove.at.desc(), StageMove.id.desc())
        .limit(limit)
    )
    return [
        Event(at, EventKind.STAGE_MOVE, move_id, program, parent_id=program_id, other=stage)
        for move_id, at, program, stage, program_id in rows
    ]


async def client_timeline(
    session: AsyncSession,
    sources: Sequence[Source],
    *,
    actor: Actor,
    client_id: int,
    limit: int = TIMELINE_PAGE,
) -> Timeline:
    """The newest ``limit`` events of a client card ``actor`` may open (staff), and whether
    older ones follow; one query per source (those of the areas that are on), whatever the
    number of events."""
    require_staff(actor)
    client = await get_client(session, actor=actor, client_id=client_id)
    limit = max(1, min(limit, MAX_EVENTS))
    events: list[Event] = []
    for source in sources:
        events.extend(await source(session, actor, client.id, limit + 1))
    events.sort(key=lambda event: (event.at, event.kind, event.record_id), reverse=True)
    return Timeline(events[:limit], len(events) > limit)
