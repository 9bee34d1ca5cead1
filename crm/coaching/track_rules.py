"""The rules of a track's life: its statuses and their names, the moves, who may make them, and
what the site's page offers. A track is open until its goal is achieved or it is dropped, once.
The services of ``crm.coaching.tracks`` and the site's track page go through these; the bot has
no track card (a client only answers the question about their progress)."""

from __future__ import annotations

from collections.abc import Callable

from crm.errors import InvalidInput, PermissionDenied
from crm.i18n import N_
from crm.permissions import Actor
from db.enums import TrackStatus
from db.models import Employee, Track

T = TrackStatus

TRACK_STATUS_NAMES = {
    T.OPEN: N_("open"),
    T.ACHIEVED: N_("achieved"),
    T.DROPPED: N_("dropped"),
}


def works_on(actor: Actor, track: Track) -> bool:
    """Close a track: staff (active employees), of the tracks they see (the services load it
    through ``visible_tracks``); never its client."""
    return isinstance(actor, Employee) and actor.active


# Who may make a move: a question about the person and the track.
Who = Callable[[Actor, Track], bool]

# The moves of a track's life and who may make each: an open track is achieved or dropped, once;
# nothing leads out of either, nor back to open.
MOVES: dict[TrackStatus, dict[TrackStatus, Who]] = {
    T.OPEN: {T.ACHIEVED: works_on, T.DROPPED: works_on},
    T.ACHIEVED: {},
    T.DROPPED: {},
}
# The site's forms that move a track, by the status each leads to (their names are its values).
MOVE_ACTIONS = {status.value: status for status in (T.ACHIEVED, T.DROPPED)}


def may_move(actor: Actor, track: Track, to: TrackStatus) -> bool:
    """Whether ``MOVES`` leads from the track's status to ``to`` for ``actor``."""
    who = MOVES[track.status].get(to)
    return who is not None and who(actor, track)


def check_move(actor: Actor, track: Track, to: TrackStatus) -> None:
    """Refuse a move ``MOVES`` does not hold: the track says where it already is; and
    PermissionDenied for someone the move is not for."""
    if to not in MOVES[track.status]:
        raise InvalidInput(
            N_("track #{track_id} is already {status}"),
            track_id=track.id,
            status=TRACK_STATUS_NAMES[track.status],
        )
    if not may_move(actor, track, to):
        raise PermissionDenied(N_("This command is for staff only."))


def actions(actor: Actor, track: Track) -> frozenset[str]:
    """What ``actor`` may do with the track's status, as its page offers it: ``achieved`` and
    ``dropped`` where ``MOVES`` leads for them (an open track, for staff). Each is checked again
    by the service that does it."""
    return frozenset(action for action, to in MOVE_ACTIONS.items() if may_move(actor, track, to))
