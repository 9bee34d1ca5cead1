"""The rules of a ticket's life: which moves exist and who may make them.

Both the bot and the admin site go through these, so a rule is stated once.
"""

from __future__ import annotations

from crm.errors import InvalidInput, PermissionDenied
from crm.i18n import N_
from crm.permissions import Actor, is_manager, is_practitioner
from db.enums import TicketStatus
from db.models import Employee, Ticket

S = TicketStatus

# Tickets someone still has to work on.
OPEN_STATUSES = frozenset({S.NEW, S.ASSIGNED, S.IN_PROGRESS, S.WAITING})
# No move leads out of these.
FINAL_STATUSES = frozenset({S.CLOSED, S.CANCELLED})

# Moves made with /status (or its buttons); `assigned` is reached by assigning.
MOVES: dict[TicketStatus, frozenset[TicketStatus]] = {
    S.NEW: frozenset({S.CANCELLED}),
    S.ASSIGNED: frozenset({S.IN_PROGRESS, S.WAITING, S.CANCELLED}),
    S.IN_PROGRESS: frozenset({S.WAITING, S.RESOLVED, S.CANCELLED}),
    S.WAITING: frozenset({S.IN_PROGRESS, S.RESOLVED, S.CANCELLED}),
    S.RESOLVED: frozenset({S.CLOSED, S.IN_PROGRESS}),
    S.CLOSED: frozenset(),
    S.CANCELLED: frozenset(),
}

STATUS_NAMES = {
    S.NEW: N_("new"),
    S.ASSIGNED: N_("assigned"),
    S.IN_PROGRESS: N_("in progress"),
    S.WAITING: N_("waiting for the client"),
    S.RESOLVED: N_("resolved"),
    S.CLOSED: N_("closed"),
    S.CANCELLED: N_("cancelled"),
}


# What clients read: the same, but said to them.
CLIENT_STATUS_NAMES = {**STATUS_NAMES, S.WAITING: N_("waiting for you")}


def parse_status(word: str) -> TicketStatus:
    """A status from what a person typed: ``in_progress``, ``in progress``, ``In-Progress``."""
    normalized = "_".join(word.strip().lower().replace("-", " ").split())
    try:
        return TicketStatus(normalized)
    except ValueError:
        raise InvalidInput(
            N_("unknown status {status}; use one of: {choices}"),
            status=word,
            choices=", ".join(status.value for status in TicketStatus),
        ) from None


def check_move(ticket: Ticket, to: TicketStatus) -> None:
    """Refuse a move that does not exist from the ticket's current status."""
    if to == ticket.status:
        raise InvalidInput(
            N_("ticket #{ticket_id} is already {status}"),
            ticket_id=ticket.id,
            status=STATUS_NAMES[to],
        )
    if to not in MOVES[ticket.status]:
        if ticket.status is S.NEW and to in {S.IN_PROGRESS, S.WAITING, S.RESOLVED}:
            raise InvalidInput(
                N_("ticket #{ticket_id} has nobody assigned yet: /take it or /assign it first"),
                ticket_id=ticket.id,
            )
        raise InvalidInput(
            N_("ticket #{ticket_id} cannot go from {old} to {new}"),
            ticket_id=ticket.id,
            old=STATUS_NAMES[ticket.status],
            new=STATUS_NAMES[to],
        )


def can_work_on(actor: Actor, ticket: Ticket) -> bool:
    """Move it, answer the client: managers, and the assignee."""
    return is_manager(actor) or (isinstance(actor, Employee) and ticket.assignee_id == actor.id)


def can_take(actor: Actor, ticket: Ticket) -> bool:
    """Take an unassigned open ticket: managers and specialists."""
    return is_practitioner(actor) and ticket.assignee_id is None and ticket.status in OPEN_STATUSES


def require(allowed: bool) -> None:
    """PermissionDenied unless ``allowed``."""
    if not allowed:
        raise PermissionDenied(N_("You may not do this with that ticket."))


def next_actions(actor: Actor, ticket: Ticket) -> list[str]:
    """What ``actor`` can do next from the ticket's card: "take", then statuses to move to."""
    actions: list[str] = []
    if can_take(actor, ticket):
        actions.append("take")
    if can_work_on(actor, ticket):
        order = [S.IN_PROGRESS, S.WAITING, S.RESOLVED, S.CLOSED, S.CANCELLED]
        actions += [status.value for status in order if status in MOVES[ticket.status]]
    return actions
