"""The coaching session listing: filters by coach, client, status, format and the day a session
starts, latest start first, with keyset pagination on ``(starts_at, id)`` (each filter has an
index on its column, then ``starts_at, id``), and the same rows for CSV export. Each row comes
with its client, coach and other participants, and whether its meeting report is filed, all in
the page's one query; the capped count is the second."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from dataclasses import dataclass, field
from datetime import date
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, Select, exists, select, union
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload, with_expression

from crm import keyset
from crm.i18n import N_
from crm.ids import parse_id
from crm.keyset import PAGE_SIZE
from crm.people.client_search import for_client
from crm.permissions import Actor
from crm.visibility import visible_sessions
from db.enums import SessionFormat, SessionStatus
from db.models import CoachingSession, MeetingReport, SessionParticipant

NO_COACH = "none"


@dataclass(frozen=True)
class SessionFilter:
    """What a person asked the listing for; every field is optional and they combine."""

    statuses: tuple[SessionStatus, ...] = ()
    coach: str = ""  # an employee id, or "none" for sessions whose coach has left
    client: str = ""  # a client id, or part of a name or phone: the client or a participant
    client_id: int | None = None  # exactly this client (as the client or a participant)
    format: SessionFormat | None = None
    starts_from: date | None = None
    starts_to: date | None = None
    zone: ZoneInfo = field(default_factory=lambda: ZoneInfo("UTC"))


@dataclass(frozen=True)
class SessionRow:
    """A session as the listing shows it."""

    session: CoachingSession
    report_filed: bool


@dataclass(frozen=True)
class SessionPage:
    rows: list[SessionRow]
    next_cursor: str | None
    previous_cursor: str | None
    total: int  # capped at COUNT_CAP
    total_is_capped: bool


async def _taking_part(
    session: AsyncSession, typed: str, client_id: int | None
) -> list[ColumnElement[bool]]:
    """The conditions "this client is the session's client or one of its participants"."""
    conditions: list[ColumnElement[bool]] = []
    if client_id is not None:
        conditions.append(
            _among(
                CoachingSession.client_id == client_id,
                SessionParticipant.client_id == client_id,
            )
        )
    main = await for_client(session, CoachingSession.client_id, typed)
    other = await for_client(session, SessionParticipant.client_id, typed)
    if main is not None and other is not None:
        conditions.append(_among(main, other))
    return conditions


def _among(main: ColumnElement[bool], other: ColumnElement[bool]) -> ColumnElement[bool]:
    """The sessions whose client meets ``main`` or one of whose participants meets ``other``.

    As one set of ids, not ``main OR id IN (...)``: PostgreSQL cannot tell how few rows such an
    OR keeps, guesses half, and walks the sessions newest first to find a client's 50 (0.3-0.6
    s at a million sessions; SQLite 0.1 s for one client of a coach). Each half of the UNION is
    one index range instead (bench.listing --area sessions: 2-14 ms)."""
    return CoachingSession.id.in_(
        union(
            select(CoachingSession.id).where(main),
            select(SessionParticipant.session_id).where(other),
        )
    )


async def _filtered(
    session: AsyncSession, viewer: Actor, wanted: SessionFilter
) -> Select[CoachingSession]:
    query = select(CoachingSession).where(visible_sessions(viewer))
    if wanted.statuses:
        query = query.where(CoachingSession.status.in_(wanted.statuses))
    if wanted.coach == NO_COACH:
        query = query.where(CoachingSession.coach_id.is_(None))
    elif (coach_id := parse_id(wanted.coach)) is not None:
        query = query.where(CoachingSession.coach_id == coach_id)
    if wanted.format is not None:
        query = query.where(CoachingSession.format == wanted.format)
    for condition in await _taking_part(session, wanted.client, wanted.client_id):
        query = query.where(condition)
    return keyset.within_days(
        query, CoachingSession.starts_at, wanted.starts_from, wanted.starts_to, wanted.zone
    )


_REPORTED = exists().where(MeetingReport.session_id == CoachingSession.id)


def encode_cursor(meeting: CoachingSession) -> str:
    """A link to the listing's position just after ``meeting``."""
    return keyset.encode_cursor(meeting.starts_at, meeting.id)


async def list_sessions(
    session: AsyncSession,
    viewer: Actor,
    wanted: SessionFilter,
    *,
    cursor: str | None = None,
    before: str | None = None,
    page_size: int = PAGE_SIZE,
) -> SessionPage:
    """One page of the sessions ``viewer`` may see that match ``wanted``, latest start first:
    the one after ``cursor``, or with ``before`` the one that ends just before that position."""
    page = await keyset.read_page(
        session,
        await _filtered(session, viewer, wanted),
        key=(CoachingSession.starts_at, CoachingSession.id),
        cursor_of=encode_cursor,
        oldest_first=False,
        cursor=cursor,
        before=before,
        page_size=page_size,
        # One query for the page: each row's client, coach, other participants and whether
        # its report is filed are joined in (the participants chained as outer joins, which
        # SQLite reads by the page's ids, not as a nested join it would build whole).
        options=(
            joinedload(CoachingSession.client, innerjoin=True),
            joinedload(CoachingSession.coach),
            joinedload(CoachingSession.participants).joinedload(SessionParticipant.client),
            with_expression(CoachingSession.report_filed, _REPORTED),
        ),
    )
    return SessionPage(
        rows=[SessionRow(meeting, bool(meeting.report_filed)) for meeting in page.rows],
        next_cursor=page.next_cursor,
        previous_cursor=page.previous_cursor,
        total=page.total,
        total_is_capped=page.total_is_capped,
    )


def export_sessions(
    session: AsyncSession, viewer: Actor, wanted: SessionFilter, *, chunk: int = 1000
) -> AsyncGenerator[list[SessionRow]]:
    """Every matching session, in chunks, in the listing's order (for CSV export)."""

    async def read(cursor: str | None) -> tuple[list[SessionRow], str | None]:
        page = await list_sessions(session, viewer, wanted, cursor=cursor, page_size=chunk)
        return page.rows, page.next_cursor

    return keyset.in_chunks(read)


# How a session's format is named where it is shown.
FORMAT_NAMES = {SessionFormat.IN_PERSON: N_("in person"), SessionFormat.ONLINE: N_("online")}
