"""The rules of coaching sessions and requests: statuses and their names, the moves, who may
make them, and what a session may be. The bot, the site and the demo go through these."""

from __future__ import annotations

from datetime import datetime, timedelta

from crm.errors import InvalidInput, PermissionDenied
from crm.i18n import N_
from crm.permissions import MANAGER_ROLES, Actor, is_manager
from db.enums import RequestStatus, Role, SessionStatus
from db.models import Client, CoachingSession, Employee

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
# A planned session ends as one of these, once.
ENDINGS = frozenset({S.DONE, S.CANCELLED, S.NO_SHOW})
MIN_MINUTES, MAX_MINUTES, DEFAULT_MINUTES = 15, 480, 60
# How far ahead a session may be planned.
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
    """A start in the future, within a year."""
    if starts_at <= now:
        raise InvalidInput(N_("the session must start in the future"), field="starts_at")
    if starts_at > now + HORIZON:
        raise InvalidInput(N_("a session is planned at most a year ahead"), field="starts_at")
    return starts_at


def check_rating(rating: int) -> int:
    if not 1 <= rating <= 5:
        raise InvalidInput(N_("a rating is from 1 to 5"), field="rating")
    return rating


def may_coach(actor: Actor) -> Employee:
    """Plan sessions and answer requests: active specialists (coaches, teachers) and managers."""
    if (
        isinstance(actor, Employee)
        and actor.active
        and actor.role in MANAGER_ROLES | {Role.SPECIALIST}
    ):
        return actor
    raise PermissionDenied(N_("Only coaches, teachers and managers may do this."))


def may_run(actor: Actor, meeting: CoachingSession) -> bool:
    """Mark a session done, no-show or cancelled: its coach and managers."""
    return is_manager(actor) or (
        isinstance(actor, Employee) and actor.active and meeting.coach_id == actor.id
    )


def takes_part(actor: Actor, meeting: CoachingSession) -> bool:
    """Whether ``actor`` is a client of the session (its client or a participant)."""
    if not isinstance(actor, Client):
        return False
    return meeting.client_id == actor.id or any(
        participant.client_id == actor.id for participant in meeting.participants
    )


def check_end(meeting: CoachingSession, to: SessionStatus) -> None:
    """Only a planned session ends, and only once."""
    if meeting.status is not S.PLANNED:
        raise InvalidInput(
            N_("session #{session_id} is already {status}"),
            session_id=meeting.id,
            status=SESSION_STATUS_NAMES[meeting.status],
        )
    if to not in ENDINGS:  # pragma: no cover - callers pass an ending
        raise ValueError(to)


def require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied(N_("You may not do this with that session."))
