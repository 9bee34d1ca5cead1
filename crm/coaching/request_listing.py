"""The coaching request listing: filters by status, coach, domain and client, newest first, with
keyset pagination on ``(created_at, id)``, and the same rows for CSV export."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from dataclasses import dataclass

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload

from crm import keyset
from crm.ids import parse_id
from crm.keyset import PAGE_SIZE
from crm.people.client_search import for_client
from crm.permissions import Actor, is_practitioner
from crm.visibility import visible_requests
from db.enums import RequestStatus
from db.models import CoachingRequest, ExpertiseDomain

NO_COACH = "none"


@dataclass(frozen=True)
class RequestFilter:
    """What a person asked the listing for; every field is optional and they combine."""

    statuses: tuple[RequestStatus, ...] = ()
    coach: str = ""  # an employee id, or "none" for requests to any coach of their domain
    domain_id: int | None = None
    client: str = ""  # a client id, or part of a name or phone


@dataclass(frozen=True)
class RequestPage:
    requests: list[CoachingRequest]
    next_cursor: str | None
    previous_cursor: str | None
    total: int  # capped at COUNT_CAP
    total_is_capped: bool


def request_actions(actor: Actor, request: CoachingRequest) -> frozenset[str]:
    """``accept`` and ``refuse`` while the request waits, for those who answer requests (who
    see it: the page is only shown to them). Each is checked again by its service."""
    if request.status is RequestStatus.PENDING and is_practitioner(actor):
        return frozenset({"accept", "refuse"})
    return frozenset()


async def domains(session: AsyncSession) -> list[ExpertiseDomain]:
    """Every expertise domain, by name (the listing's filter)."""
    return list(await session.scalars(select(ExpertiseDomain).order_by(ExpertiseDomain.name)))


async def _filtered(
    session: AsyncSession, viewer: Actor, wanted: RequestFilter
) -> Select[CoachingRequest]:
    query = select(CoachingRequest).where(visible_requests(viewer))
    if wanted.statuses:
        query = query.where(CoachingRequest.status.in_(wanted.statuses))
    if wanted.coach == NO_COACH:
        query = query.where(CoachingRequest.coach_id.is_(None))
    elif (coach_id := parse_id(wanted.coach)) is not None:
        query = query.where(CoachingRequest.coach_id == coach_id)
    if wanted.domain_id is not None:
        query = query.where(CoachingRequest.domain_id == wanted.domain_id)
    if (
        of_client := await for_client(session, CoachingRequest.client_id, wanted.client)
    ) is not None:
        query = query.where(of_client)
    return query


def encode_cursor(request: CoachingRequest) -> str:
    """A link to the listing's position just after ``request``."""
    return keyset.encode_cursor(request.created_at, request.id)


async def list_requests(
    session: AsyncSession,
    viewer: Actor,
    wanted: RequestFilter,
    *,
    cursor: str | None = None,
    before: str | None = None,
    page_size: int = PAGE_SIZE,
) -> RequestPage:
    """One page of the requests ``viewer`` may see that match ``wanted``, newest first."""
    page = await keyset.read_page(
        session,
        await _filtered(session, viewer, wanted),
        key=(CoachingRequest.created_at, CoachingRequest.id),
        cursor_of=encode_cursor,
        oldest_first=False,
        cursor=cursor,
        before=before,
        page_size=page_size,
        options=(
            joinedload(CoachingRequest.client),
            joinedload(CoachingRequest.coach),
            joinedload(CoachingRequest.domain),
        ),
    )
    return RequestPage(
        requests=page.rows,
        next_cursor=page.next_cursor,
        previous_cursor=page.previous_cursor,
        total=page.total,
        total_is_capped=page.total_is_capped,
    )


def export_requests(
    session: AsyncSession, viewer: Actor, wanted: RequestFilter, *, chunk: int = 1000
) -> AsyncGenerator[list[CoachingRequest]]:
    """Every matching request, in chunks, in the listing's order (for CSV export)."""

    async def read(cursor: str | None) -> tuple[list[CoachingRequest], str | None]:
        page = await list_requests(session, viewer, wanted, cursor=cursor, page_size=chunk)
        return page.requests, page.next_cursor

    return keyset.in_chunks(read)
