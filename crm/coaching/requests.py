"""Coaching requests: a client asks a coach (or any coach of a domain) for a meeting at a
preferred time; a coach accepts it, which plans the session, or refuses it with a comment."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from crm.coaching import notices as coaching_notices
from crm.coaching.rules import (
    DEFAULT_MINUTES,
    WAITING_STATUSES,
    check_answer,
    check_start,
    may_coach,
)
from crm.coaching.sessions import SessionDraft, plan_session
from crm.errors import InvalidInput, NotFound, PermissionDenied
from crm.i18n import N_
from crm.notify import Notifier
from crm.people.names import clean_text
from crm.permissions import Actor
from crm.visibility import load_visible, visible_requests
from db.enums import RequestStatus
from db.models import (
    Client,
    CoachingRequest,
    CoachProfile,
    Employee,
    ExpertiseDomain,
    coach_domains,
)

_CARD = (
    selectinload(CoachingRequest.client),
    selectinload(CoachingRequest.coach),
    selectinload(CoachingRequest.domain),
    selectinload(CoachingRequest.session),
)


async def coaches_in(session: AsyncSession, domain_id: int | None) -> list[Employee]:
    """Active coaches with a profile (in the domain, if given), by name: whom a client may ask."""
    query = (
        select(Employee)
        .join(CoachProfile, CoachProfile.employee_id == Employee.id)
        .where(Employee.active.is_(True))
        .order_by(Employee.full_name, Employee.id)
    )
    if domain_id is not None:
        query = query.where(
            Employee.id.in_(
                select(coach_domains.c.employee_id).where(coach_domains.c.domain_id == domain_id)
            )
        )
    return list(await session.scalars(query))


async def send_request(
    session: AsyncSession,
    notifier: Notifier,
    *,
    actor: Actor,
    coach_id: int | None,
    domain_id: int | None,
    preferred_at: datetime | None,
    message: str,
    now: datetime,
) -> CoachingRequest:
    """A client's request to a coach (or to the coaches of a domain); they are told."""
    if not isinstance(actor, Client):
        raise PermissionDenied(N_("Only clients send coaching requests."))
    if coach_id is None and domain_id is None:
        raise InvalidInput(N_("choose a domain or a coach"), field="domain_id")
    if domain_id is not None and await session.get(ExpertiseDomain, domain_id) is None:
        raise NotFound(N_("that domain does not exist"), field="domain_id")
    coaches = await coaches_in(session, domain_id)
    if coach_id is not None:
        coaches = [coach for coach in coaches if coach.id == coach_id]
        if not coaches:
            raise NotFound(N_("no such coach in that domain"), field="coach_id")
    elif not coaches:
        raise InvalidInput(N_("no coach works in that domain yet"), field="domain_id")
    if preferred_at is not None and preferred_at <= now:
        raise InvalidInput(N_("the preferred time must be in the future"), field="preferred_at")
    request = CoachingRequest(
        client=actor,
        coach_id=coach_id,
        domain_id=domain_id,
        preferred_at=preferred_at,
        message=clean_text(message, required=False, field="message") or None,
        status=RequestStatus.PENDING,
    )
    session.add(request)
    await session.flush()
    await coaching_notices.request_sent(session, notifier, request, coaches, now=now)
    return request


async def request_for(session: AsyncSession, *, actor: Actor, request_id: int) -> CoachingRequest:
    found = await load_visible(
        session, CoachingRequest, request_id, visible_to=actor, options=_CARD
    )
    if found is None:
        raise NotFound(N_("request #{request_id} does not exist"), request_id=request_id)
    return found


async def request_to_answer(
    session: AsyncSession, *, actor: Actor, request_id: int, to: RequestStatus
) -> CoachingRequest:
    """The request ``actor`` answers with ``to`` (accepted or refused), once it is sure they
    answer requests, see it, and ``REQUEST_MOVES`` leads there from its status: what the bot
    asks before a refusal's reason, and what the answers check first."""
    coach = may_coach(actor)
    request = await request_for(session, actor=coach, request_id=request_id)
    check_answer(coach, request, to)
    return request


async def accept_request(
    session: AsyncSession,
    notifier: Notifier,
    *,
    actor: Actor,
    request_id: int,
    now: datetime,
    starts_at: datetime | None = None,
    minutes: int = DEFAULT_MINUTES,
    online: bool = False,
) -> CoachingRequest:
    """The coach takes the request: a session is planned with them, at the preferred time
    unless another is given (one to come); the client is told."""
    coach = may_coach(actor)
    request = await request_to_answer(
        session, actor=coach, request_id=request_id, to=RequestStatus.ACCEPTED
    )
    moment = starts_at or request.preferred_at
    if moment is None:
        raise InvalidInput(N_("give the session's date and time"), field="starts_at")
    check_start(moment, now)  # a request is answered with a session to come
    meeting = await plan_session(
        session,
        notifier,
        actor=coach,
        draft=SessionDraft(request.client_id, moment, minutes, online),
        now=now,
        answering=request,
    )
    request.status, request.coach, request.session = RequestStatus.ACCEPTED, coach, meeting
    request.answered_at = now
    await session.flush()
    await coaching_notices.request_answered(session, notifier, request, now=now)
    return request


async def refuse_request(
    session: AsyncSession,
    notifier: Notifier,
    *,
    actor: Actor,
    request_id: int,
    comment: str,
    now: datetime,
) -> CoachingRequest:
    """The coach declines, saying why; the client is told."""
    coach = may_coach(actor)
    request = await request_to_answer(
        session, actor=coach, request_id=request_id, to=RequestStatus.REFUSED
    )
    if not comment.strip():
        raise InvalidInput(N_("say why the request is refused"), field="comment")
    request.status, request.coach = RequestStatus.REFUSED, coach
    request.answered_at = now
    request.comment = clean_text(comment, required=True, field="comment")
    await session.flush()
    await coaching_notices.request_answered(session, notifier, request, now=now)
    return request


async def pending_requests(session: AsyncSession, *, actor: Actor) -> list[CoachingRequest]:
    """The requests waiting for ``actor``'s answer, oldest first (``/requests``)."""
    coach = may_coach(actor)
    found = await session.scalars(
        select(CoachingRequest)
        .where(visible_requests(coach), CoachingRequest.status.in_(WAITING_STATUSES))
        .options(*_CARD)
        .order_by(CoachingRequest.id)
    )
    return list(found)
