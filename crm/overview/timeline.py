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

from crm.people.clients import get_client
from crm.permissions import Actor, require_staff
from crm.visibility import (
    visible_clients,
)
from db.models import (
    Client,
    CoachingSession,
    SessionParticipant,
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
    DEAL_MOVE = "deal_move"


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
    status_name: str = ""  # the status's (or a payment method's) msgid, named by its area


@dataclass(frozen=True)
class Timeline:
    events: list[Event]
    more: bool


def visible_client_ids(actor: Actor) -> Select[int]:
    return select(Client.id).where(visible_clients(actor))


def sessions_of(client_id: int) -> ColumnElement[bool]:
    """The sessions the client has: as their client or as another participant."""
    joined = select(SessionParticipant.session_id).where(SessionParticipant.client_id == client_id)
    return or_(CoachingSession.client_id == client_id, CoachingSession.id.in_(joined))


Source = Callable[[AsyncSession, Actor, int, int], Awaitable[list[Event]]]


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
