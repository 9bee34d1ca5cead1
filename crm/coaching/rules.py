"""The rules of coaching sessions and requests: statuses and their names, the moves, who may
make them, and what a session may be. The bot, the site and the demo go through these."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from crm.errors import InvalidInput, PermissionDenied
from crm.i18n import N_
from crm.permissions import Actor, is_manager, is_practitioner, is_staff
from db.enums import RequestStatus, SessionStatus
from db.models import Client, CoachingRequest, CoachingSession, Employee

S = SessionStatus

SESSION_STATUS_NAMES = {
    S.PLANNED: N_("planned"),
    S.DONE: N_("done"),
    S.CANCELLED: N_("cancelled"),
    S.NO_SHOW: N_("no-show"),
}
REQUEST_STATUS_NAMES = {
    RequestStatus.PENDING: N_("pending"),
    RequestStatus.ACCEPTED: N_("accepted"),
    RequestStatus.REFUSED: N_("refused"),
}
# The moves of a session's life (the bot and the site read them): a planned session ends once,
# as one of these; nothing leads out of an ending.
MOVES: dict[SessionStatus, frozenset[SessionStatus]] = {
    S.PLANNED: frozenset({S.DONE, S.NO_SHOW, S.CANCELLED}),
    S.DONE: frozenset(),
    S.CANCELLED: frozenset(),
    S.NO_SHOW: frozenset(),
}
# Moves that wait for the session's start: it is held, or missed, only once it has begun.
ONCE_STARTED = frozenset({S.DONE, S.NO_SHOW})
# The card's buttons that end a session (bot and site), in their order, and where each leads.
ENDING_ACTIONS = {"done": S.DONE, "noshow": S.NO_SHOW, "cancel": S.CANCELLED}
MIN_MINUTES, MAX_MINUTES, DEFAULT_MINUTES = 15, 480, 60
# How far ahead a session may be planned, and how far back one already held may be recorded.
HORIZON = timedelta(days=366)


def check_minutes(minutes: int) -> int:
    if not MIN_MINUTES <= minutes <= MAX_MINUTES:
        raise InvalidInput(
            N_("a session lasts from {least} to {most} minutes"),
            field="minutes",
            least=MIN_MINUTES,
            most=MAX_MINUTES,
        )
    return minutes


def check_start(starts_at: datetime, now: datetime) -> datetime:
    """A start in the future, within a year: what a client asks for, what a request becomes."""
    if starts_at <= now:
        raise InvalidInput(N_("the session must start in the future"), field="starts_at")
    return check_session_start(starts_at, now)


def check_session_start(starts_at: datetime, now: datetime) -> datetime:
    """A session's start within a year of ``now`` either way: ahead, a session planned; past, a
    session that already happened, recorded (nothing is reminded for it)."""
    if starts_at > now + HORIZON:
        raise InvalidInput(N_("a session is planned at most a year ahead"), field="starts_at")
    if starts_at < now - HORIZON:
        raise InvalidInput(N_("a session is recorded at most a year back"), field="starts_at")
    return starts_at


def has_started(meeting: CoachingSession, now: datetime) -> bool:
    """Whether the session's start has come at ``now``."""
    return meeting.starts_at <= now


def check_rating(rating: int) -> int:
    if not 1 <= rating <= 5:
        raise InvalidInput(N_("a rating is from 1 to 5"), field="rating")
    return rating


def may_coach(actor: Actor) -> Employee:
    """Plan sessions and answer requests: active specialists (coaches, teachers) and managers."""
    if is_practitioner(actor):
        return actor
    raise PermissionDenied(N_("Only coaches, teachers and managers may do this."))


def may_run(actor: Actor, meeting: CoachingSession) -> bool:
    """Mark a session done, no-show or cancelled: its coach and managers."""
    return is_manager(actor) or (is_staff(actor) and meeting.coach_id == actor.id)


def takes_part(actor: Actor, meeting: CoachingSession) -> bool:
    """Whether ``actor`` is a client of the session (its client or a participant)."""
    if not isinstance(actor, Client):
        return False
    return meeting.client_id == actor.id or any(
        participant.client_id == actor.id for participant in meeting.participants
    )


def may_move(meeting: CoachingSession, to: SessionStatus, now: datetime) -> bool:
    """Whether the session may move to ``to`` at ``now`` (whoever asks)."""
    return to in MOVES[meeting.status] and (to not in ONCE_STARTED or has_started(meeting, now))


def check_end(meeting: CoachingSession, to: SessionStatus, now: datetime) -> None:
    """Only a planned session ends, and only once; done or no-show only once it has begun."""
    if not MOVES[meeting.status]:
        raise InvalidInput(
            N_("session #{session_id} is already {status}"),
            session_id=meeting.id,
            status=SESSION_STATUS_NAMES[meeting.status],
        )
    if to not in MOVES[meeting.status]:  # pragma: no cover - callers pass an ending
        raise ValueError(to)
    if not may_move(meeting, to, now):
        raise InvalidInput(
            N_(
                "session #{session_id} has not started yet: it is marked {status} once it has begun"
            ),
            session_id=meeting.id,
            status=SESSION_STATUS_NAMES[to],
        )


def writes_coach_report(actor: Actor, meeting: CoachingSession) -> bool:
    """Whether ``actor`` is the session's own coach (their report on it is offered)."""
    return isinstance(actor, Employee) and actor.active and meeting.coach_id == actor.id


def actions(actor: Actor, meeting: CoachingSession, now: datetime) -> frozenset[str]:
    """What ``actor`` may do with ``meeting`` at ``now``, as the bot's card and the site's both
    offer it. Its coach and managers: the endings ``MOVES`` allows now (``done`` and ``noshow``
    once it has started, ``cancel`` while planned) and ``edit`` while it is planned; ``report``
    once it is done, and ``coachreport`` for its own coach. Owners and administrators:
    ``delete``. Each is checked again by the service that does it."""
    found: set[str] = set()
    if may_run(actor, meeting):
        found |= {name for name, to in ENDING_ACTIONS.items() if may_move(meeting, to, now)}
        if meeting.status is S.PLANNED:
            found.add("edit")
        elif meeting.status is S.DONE:
            found.add("report")
            if writes_coach_report(actor, meeting):
                found.add("coachreport")
    if is_manager(actor):
        found.add("delete")
    return frozenset(found)


def require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied(N_("You may not do this with that session."))


def answers_requests(actor: Actor, request: CoachingRequest) -> bool:
    """Accept or refuse a request: those who coach (``is_practitioner``), of the requests they
    see (the services load it through ``visible_requests``)."""
    return is_practitioner(actor)


# Who may answer a request: a question about the person and the request.
Answerer = Callable[[Actor, CoachingRequest], bool]

# The moves of a request's life and who may make each (the services, the bot's /requests and
# the site's page read it): a pending request is answered once, accepted or refused.
REQUEST_MOVES: dict[RequestStatus, dict[RequestStatus, Answerer]] = {
    RequestStatus.PENDING: {
        RequestStatus.ACCEPTED: answers_requests,
        RequestStatus.REFUSED: answers_requests,
    },
    RequestStatus.ACCEPTED: {},
    RequestStatus.REFUSED: {},
}
# The requests still waiting for an answer: those a move leads out of.
WAITING_STATUSES = frozenset(status for status, moves in REQUEST_MOVES.items() if moves)
# The answers, as the bot's buttons and the site's forms name them, and where each leads.
REQUEST_ANSWERS = {"accept": RequestStatus.ACCEPTED, "refuse": RequestStatus.REFUSED}


def may_answer(actor: Actor, request: CoachingRequest, to: RequestStatus) -> bool:
    """Whether ``REQUEST_MOVES`` leads from the request's status to ``to`` for ``actor``."""
    who = REQUEST_MOVES[request.status].get(to)
    return who is not None and who(actor, request)


def check_answer(actor: Actor, request: CoachingRequest, to: RequestStatus) -> None:
    """Refuse an answer ``REQUEST_MOVES`` does not hold: a request already answered says so,
    any other from where to where; PermissionDenied for someone who does not answer requests."""
    if to not in REQUEST_MOVES[request.status]:
        if not REQUEST_MOVES[request.status]:
            raise InvalidInput(
                N_("request #{request_id} is already answered"), request_id=request.id
            )
        raise InvalidInput(
            N_("request #{request_id} cannot go from {old} to {new}"),
            request_id=request.id,
            old=REQUEST_STATUS_NAMES[request.status],
            new=REQUEST_STATUS_NAMES[to],
        )
    if not may_answer(actor, request, to):
        raise PermissionDenied(N_("Only coaches, teachers and managers may do this."))


def request_actions(actor: Actor, request: CoachingRequest) -> frozenset[str]:
    """What ``actor`` may answer to ``request``, as the bot's /requests and the site's page
    both offer it: ``accept`` and ``refuse`` where ``REQUEST_MOVES`` leads for them (a pending
    request, for those who coach). Each is checked again by the service that does it."""
    return frozenset(
        action for action, to in REQUEST_ANSWERS.items() if may_answer(actor, request, to)
    )
