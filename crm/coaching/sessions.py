"""Coaching sessions (meetings and lessons): planning one, ending it as done, no-show or
cancelled, and the client's rating. A session given under a contract uses up one of its
lessons when it is done, through the contract's own rule
(``crm.school.contracts.record_lesson``)."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from crm.coaching import hooks as coaching_hooks
from crm.coaching import notices as coaching_notices
from crm.coaching.rules import (
    DEFAULT_MINUTES,
    check_end,
    check_minutes,
    check_rating,
    check_session_start,
    may_coach,
    may_run,
    require,
    takes_part,
)
from crm.errors import InvalidInput, NotFound, PermissionDenied
from crm.i18n import N_
from crm.notify import Notifier
from crm.people.clients import clients_named
from crm.people.names import clean_text
from crm.permissions import Actor, require_manager
from crm.school.contracts import contract_for, record_lesson
from crm.visibility import load_visible, visible_sessions
from db.enums import ContractStatus, SessionFormat, SessionStatus
from db.models import Client, CoachingRequest, CoachingSession, Employee, SessionParticipant

# A video room per online session: Jitsi Meet makes a room for any unguessable name.
VIDEO_ROOM_BASE = "https://meet.jit.si/frontdoor-"

_CARD = (
    selectinload(CoachingSession.client),
    selectinload(CoachingSession.coach),
    selectinload(CoachingSession.track),
    selectinload(CoachingSession.contract),
    selectinload(CoachingSession.participants).selectinload(SessionParticipant.client),
    selectinload(CoachingSession.recordings),
)


@dataclass(frozen=True)
class SessionDraft:
    """What a session is planned as."""

    client_id: int
    starts_at: datetime
    minutes: int = DEFAULT_MINUTES
    online: bool = False
    contract_id: int | None = None
    track_id: int | None = None
    participant_ids: Sequence[int] = ()
    coach_id: int | None = None  # another coach than the one planning (owners, administrators)


def video_room() -> str:
    """A fresh, unguessable video room for an online session."""
    return VIDEO_ROOM_BASE + secrets.token_urlsafe(12)


async def session_for(session: AsyncSession, *, actor: Actor, session_id: int) -> CoachingSession:
    """The coaching session if ``actor`` may see it; otherwise it does not exist for them."""
    found = await load_visible(
        session, CoachingSession, session_id, visible_to=actor, options=_CARD
    )
    if found is None:
        raise NotFound(N_("session #{session_id} does not exist"), session_id=session_id)
    return found


async def _other_coach(session: AsyncSession, actor: Actor, coach_id: int) -> Employee:
    """The coach an owner or administrator plans a session for."""
    require_manager(actor)
    other = await session.get(Employee, coach_id)
    if other is None:
        raise NotFound(N_("that coach does not exist"), field="coach_id")
    try:
        return may_coach(other)
    except PermissionDenied as error:
        raise InvalidInput(
            N_("{name} does not give sessions"), field="coach_id", name=other.full_name
        ) from error


async def _session_client(
    session: AsyncSession, actor: Actor, draft: SessionDraft, answering: CoachingRequest | None
) -> Client:
    """The session's client: one ``actor`` may already see, or the client of the request
    ``actor`` is answering (how a coach gets a new client)."""
    if answering is not None and answering.client_id == draft.client_id:
        client = await session.get(Client, draft.client_id)
        assert client is not None  # a request's client is kept while the request is
        return client
    [client] = await clients_named(session, actor=actor, named=[draft.client_id], field="client_id")
    return client


async def plan_session(
    session: AsyncSession,
    notifier: Notifier,
    *,
    actor: Actor,
    draft: SessionDraft,
    now: datetime,
    answering: CoachingRequest | None = None,
) -> CoachingSession:
    """A planned session with ``actor`` as its coach (or teacher): in person, or online with a
    video room of its own; under a running contract of the client's if given. The client and
    the other participants are told. Planning never widens what ``actor`` sees: the client and
    every participant are cards they may already see (or the client of the request they are
    ``answering``); any other is refused as if it did not exist."""
    coach = may_coach(actor)
    if draft.coach_id is not None and draft.coach_id != coach.id:
        coach = await _other_coach(session, actor, draft.coach_id)
    client = await _session_client(session, actor, draft, answering)
    check_session_start(draft.starts_at, now)
    check_minutes(draft.minutes)
    if draft.contract_id is not None:
        contract = await contract_for(session, actor=coach, contract_id=draft.contract_id)
        if contract.client_id != client.id or contract.status is not ContractStatus.ACTIVE:
            raise InvalidInput(
                N_("contract #{contract_id} is not a running contract of {name}"),
                field="contract_id",
                contract_id=contract.id,
                name=client.full_name,
            )
    named = [client_id for client_id in draft.participant_ids if client_id != client.id]
    found = await clients_named(session, actor=actor, named=named, field="participant_ids")
    meeting = CoachingSession(
        client=client,
        coach=coach,
        contract_id=draft.contract_id,
        track_id=draft.track_id,
        starts_at=draft.starts_at,
        minutes=draft.minutes,
        format=SessionFormat.ONLINE if draft.online else SessionFormat.IN_PERSON,
        video_link=video_room() if draft.online else None,
        status=SessionStatus.PLANNED,
        participants=[SessionParticipant(client=other) for other in found],
        recordings=[],
    )
    session.add(meeting)
    await session.flush()
    await coaching_notices.session_planned(session, notifier, meeting, now=now)
    return meeting


async def end_session(
    session: AsyncSession,
    notifier: Notifier,
    *,
    actor: Actor,
    session_id: int,
    to: SessionStatus,
    now: datetime,
) -> CoachingSession:
    """Mark a planned session done, no-show or cancelled (its coach, managers); done and no-show
    only once it has started (``crm.coaching.rules.MOVES``). Done under a contract, it uses up one
    of the contract's lessons; cancelled, the client is told."""
    meeting = await session_for(session, actor=actor, session_id=session_id)
    require(may_run(actor, meeting))
    check_end(meeting, to, now)
    meeting.status = to
    await session.flush()
    if to is SessionStatus.DONE and meeting.contract_id is not None:
        await record_lesson(
            session, notifier, actor=actor, contract_id=meeting.contract_id, now=now
        )
    await coaching_notices.session_ended(session, notifier, meeting, now=now)
    if to is SessionStatus.DONE:
        await coaching_hooks.session_done(session, meeting, now=now)
    return meeting


def rating_and_comment_of(
    meeting: CoachingSession, client_id: int
) -> tuple[int | None, str | None]:
    """The rating and comment ``client_id`` gave the session (its client or a participant):
    theirs only, never another client's."""
    if meeting.client_id == client_id:
        return meeting.rating, meeting.comment
    return next(
        ((p.rating, p.comment) for p in meeting.participants if p.client_id == client_id),
        (None, None),
    )


def rating_of(meeting: CoachingSession, client_id: int) -> int | None:
    """The rating ``client_id`` gave the session (its client or a participant), if any."""
    return rating_and_comment_of(meeting, client_id)[0]


async def session_to_rate(
    session: AsyncSession, *, actor: Actor, session_id: int
) -> CoachingSession:
    """The session held that ``actor`` took part in and has not rated yet."""
    meeting = await session_for(session, actor=actor, session_id=session_id)
    require(takes_part(actor, meeting))
    assert isinstance(actor, Client)  # only clients take part
    if meeting.status is not SessionStatus.DONE:
        raise InvalidInput(N_("only a session that took place is rated"))
    if rating_of(meeting, actor.id) is not None:
        raise InvalidInput(
            N_("you have already rated session #{session_id}"), session_id=meeting.id
        )
    return meeting


async def rate_session(
    session: AsyncSession,
    *,
    actor: Actor,
    session_id: int,
    rating: int,
    comment: str = "",
) -> CoachingSession:
    """A client's rating (1-5) and comment on a session they took part in, once it is done;
    each client rates once."""
    meeting = await session_to_rate(session, actor=actor, session_id=session_id)
    check_rating(rating)
    text = clean_text(comment, required=False, field="comment") or None
    assert isinstance(actor, Client)
    own = _own_rating(meeting, actor.id)
    own.rating, own.comment = rating, text
    await session.flush()
    return meeting


def _own_rating(meeting: CoachingSession, client_id: int) -> CoachingSession | SessionParticipant:
    """The row that holds ``client_id``'s rating of the session: the session's own for its
    client, a participant's for another client of it."""
    if meeting.client_id == client_id:
        return meeting
    return next(p for p in meeting.participants if p.client_id == client_id)


async def comment_on_rating(
    session: AsyncSession, *, actor: Actor, session_id: int, comment: str
) -> CoachingSession:
    """A client's comment, added to the rating they already gave the session (the star they
    pressed is the rating; the comment may follow)."""
    meeting = await session_for(session, actor=actor, session_id=session_id)
    require(takes_part(actor, meeting))
    assert isinstance(actor, Client)  # only clients take part
    own = _own_rating(meeting, actor.id)
    if own.rating is None:
        raise InvalidInput(N_("rate session #{session_id} first"), session_id=meeting.id)
    own.comment = clean_text(comment, required=True, field="comment")
    await session.flush()
    return meeting


async def upcoming_sessions(
    session: AsyncSession, *, actor: Actor, now: datetime, limit: int = 20
) -> list[CoachingSession]:
    """The planned sessions ``actor`` may see from now on, soonest first (``/sessions``)."""
    found = await session.scalars(
        select(CoachingSession)
        .where(
            visible_sessions(actor),
            CoachingSession.status == SessionStatus.PLANNED,
            CoachingSession.starts_at >= now,
        )
        .options(selectinload(CoachingSession.client), selectinload(CoachingSession.coach))
        .order_by(CoachingSession.starts_at, CoachingSession.id)
        .limit(limit)
    )
    return list(found)
