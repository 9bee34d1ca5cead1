"""Who sees what: one SQL predicate per entity, and every answer about seeing derived from it.

Every listing, page, command, CSV export and the dashboard filters by these predicates, and
"may this person open that record?" is the same predicate asked of one row, so a list and the
page it links to cannot disagree. A new area adds its entity's predicate here.

The rules, by role:

- owners and administrators see everything;
- a specialist sees the tickets assigned to them and the queue (nobody's), and the clients
  of those tickets;
- a helper sees their clients (``Client.helper``) and those clients' tickets, and any ticket
  assigned to them with its client;
- a client sees their own tickets, contracts and card, and of a ticket's history everything
  but the internal notes (``ticket_history``);
- a teacher (a specialist) sees the contracts they teach and those contracts' clients; a helper
  sees the contracts of the clients they help;
- sales: a specialist sees the deals they own, the tasks assigned to them or on those deals,
  and those deals' clients; a helper the deals and tasks of the clients they help; staff see
  every company and the interactions with the clients they see; everyone sees the events, and
  the organiser and managers who takes part;
- employees and departments are for owners and administrators.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, false, or_, select, true
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.base import ExecutableOption

from crm.ids import MAX_ID
from crm.permissions import Actor, is_helper, is_manager, is_practitioner, is_staff
from db.enums import TicketEventKind
from db.models import (
    Client,
    CoachingRequest,
    CoachingSession,
    CoachReport,
    Company,
    Contract,
    Deal,
    Department,
    Employee,
    Event,
    Interaction,
    SessionParticipant,
    Task,
    Ticket,
    TicketEvent,
    Track,
    coach_domains,
)

Record = TypeVar(
    "Record",
    Ticket,
    Contract,
    CoachingSession,
    CoachingRequest,
    Track,
    Deal,
    Task,
    Company,
    Event,
    Interaction,
)


Rule = Callable[[Any], ColumnElement[bool]]


def _by_role(actor: Actor, *, client: Rule, specialist: Rule, helper: Rule) -> ColumnElement[bool]:
    """Managers see all, strangers and former staff nothing; the rest by the rule for them."""
    if isinstance(actor, Client):
        return client(actor)
    if is_manager(actor):
        return true()
    if is_practitioner(actor):
        return specialist(actor)
    if is_helper(actor):
        return helper(actor)
    return false()


def visible_tickets(actor: Actor) -> ColumnElement[bool]:
    """The tickets ``actor`` may see."""
    return _by_role(
        actor,
        client=lambda client: Ticket.client_id == client.id,
        specialist=lambda me: or_(Ticket.assignee_id == me.id, Ticket.assignee_id.is_(None)),
        helper=lambda me: or_(
            Ticket.client_id.in_(select(Client.id).where(Client.helper_id == me.id)),
            Ticket.assignee_id == me.id,
        ),
    )


# The entries of a ticket's history that are for staff only.
INTERNAL_EVENTS = frozenset({TicketEventKind.NOTE})


def ticket_history(actor: Actor, ticket: Ticket) -> list[TicketEvent]:
    """The entries of ``ticket``'s history (loaded with it) that ``actor`` may read: staff all of
    them; a client never an internal note. The bot's card and the site's page both show this."""
    if is_staff(actor):
        return list(ticket.events)
    return [event for event in ticket.events if event.kind not in INTERNAL_EVENTS]


def visible_contracts(actor: Actor) -> ColumnElement[bool]:
    """The contracts ``actor`` may see: a teacher those they teach, a helper those of the
    clients they help, a client their own."""
    return _by_role(
        actor,
        client=lambda client: Contract.client_id == client.id,
        specialist=lambda me: Contract.teacher_id == me.id,
        helper=lambda me: Contract.client_id.in_(
            select(Client.id).where(Client.helper_id == me.id)
        ),
    )


def visible_sessions(actor: Actor) -> ColumnElement[bool]:
    """The coaching sessions ``actor`` may see: a coach (or teacher) those they give, a helper
    those of the clients they help, a client those they take part in."""

    def taking_part(client: Client) -> ColumnElement[bool]:
        joined = select(SessionParticipant.session_id).where(
            SessionParticipant.client_id == client.id
        )
        return or_(CoachingSession.client_id == client.id, CoachingSession.id.in_(joined))

    return _by_role(
        actor,
        client=taking_part,
        specialist=lambda me: CoachingSession.coach_id == me.id,
        helper=lambda me: CoachingSession.client_id.in_(
            select(Client.id).where(Client.helper_id == me.id)
        ),
    )


def followed_sessions(actor: Actor) -> ColumnElement[bool]:
    """The sessions on ``actor``'s own agenda: a client those they take part in; a helper those
    of the clients they help; anyone else on staff those they give (a manager sees every
    session, but runs their own)."""
    if is_helper(actor):
        return visible_sessions(actor)
    if isinstance(actor, Employee):
        return visible_sessions(actor) & (CoachingSession.coach_id == actor.id)
    return visible_sessions(actor)


def visible_requests(actor: Actor) -> ColumnElement[bool]:
    """The coaching requests ``actor`` may see: a client their own; a coach those addressed to
    them, and those of their domains addressed to no one in particular."""

    def for_coach(me: Employee) -> ColumnElement[bool]:
        mine = select(coach_domains.c.domain_id).where(coach_domains.c.employee_id == me.id)
        return or_(
            CoachingRequest.coach_id == me.id,
            CoachingRequest.coach_id.is_(None) & CoachingRequest.domain_id.in_(mine),
        )

    return _by_role(
        actor,
        client=lambda client: CoachingRequest.client_id == client.id,
        specialist=for_coach,
        helper=lambda me: false(),
    )


def visible_coach_reports(actor: Actor) -> ColumnElement[bool]:
    """A coach's reports on themselves: their own, and all for owners and administrators; never
    a client's or a helper's to read."""
    return _by_role(
        actor,
        client=lambda client: false(),
        specialist=lambda me: CoachReport.coach_id == me.id,
        helper=lambda me: false(),
    )


def visible_clients(actor: Actor) -> ColumnElement[bool]:
    """The client cards ``actor`` may open: for staff below managers, those of their tickets
    and of the contracts they teach (their name and phone are the teacher's to know)."""

    def of_their_work(me: Employee) -> ColumnElement[bool]:
        return or_(
            Client.id.in_(select(Ticket.client_id).where(visible_tickets(me))),
            Client.id.in_(select(Contract.client_id).where(visible_contracts(me))),
            Client.id.in_(select(CoachingSession.client_id).where(visible_sessions(me))),
            Client.coach_id == me.id,
            Client.id.in_(select(Deal.client_id).where(Deal.owner_id == me.id)),
        )

    return _by_role(
        actor,
        client=lambda client: Client.id == client.id,
        specialist=of_their_work,
        helper=lambda me: or_(Client.helper_id == me.id, of_their_work(me)),
    )


def visible_tracks(actor: Actor) -> ColumnElement[bool]:
    """A client's goals: the client's own, and those of every client card ``actor`` may open
    (the strategy entries on them are for staff only; crm/coaching/tracks.py keeps that)."""
    if isinstance(actor, Client):
        return Track.client_id == actor.id
    return Track.client_id.in_(select(Client.id).where(visible_clients(actor)))


def visible_deals(actor: Actor) -> ColumnElement[bool]:
    """The deals ``actor`` may see: a specialist those they own, a helper those of the clients
    they help; never a client's to read."""
    return _by_role(
        actor,
        client=lambda client: false(),
        specialist=lambda me: Deal.owner_id == me.id,
        helper=lambda me: Deal.client_id.in_(select(Client.id).where(Client.helper_id == me.id)),
    )


def visible_tasks(actor: Actor) -> ColumnElement[bool]:
    """The tasks ``actor`` may see: those assigned to them, and those on the deals and clients
    they see (a client never)."""

    def of_their_work(me: Employee) -> ColumnElement[bool]:
        return or_(
            Task.assignee_id == me.id,
            Task.deal_id.in_(select(Deal.id).where(visible_deals(me))),
            Task.client_id.in_(select(Client.id).where(visible_clients(me))),
        )

    return _by_role(
        actor, client=lambda client: false(), specialist=of_their_work, helper=of_their_work
    )


def visible_companies(actor: Actor) -> ColumnElement[bool]:
    """Companies are for staff to see, every one of them (what each shows of its contacts and
    deals is filtered by their own predicates)."""
    return true() if is_staff(actor) else false()


def visible_events(actor: Actor) -> ColumnElement[bool]:
    """Events are for everyone who talks to the business: staff and clients."""
    return true() if isinstance(actor, Client) or is_staff(actor) else false()


def sees_participants(actor: Actor, event: Event) -> bool:
    """Who takes part in an event: for its organiser, owners and administrators."""
    return is_manager(actor) or (is_staff(actor) and event.organiser_id == actor.id)


def visible_interactions(actor: Actor) -> ColumnElement[bool]:
    """The interactions logged with the clients ``actor`` may open (staff only)."""
    if not is_staff(actor):
        return false()
    if is_manager(actor):
        return true()
    return Interaction.client_id.in_(select(Client.id).where(visible_clients(actor)))


def visible_employees(actor: Actor) -> ColumnElement[bool]:
    """The employee records ``actor`` may open: owners and administrators, all of them."""
    return true() if is_manager(actor) else false()


def visible_departments(actor: Actor) -> ColumnElement[bool]:
    """The departments ``actor`` may manage: owners and administrators, all of them."""
    return true() if is_manager(actor) else false()


_PREDICATES: dict[type[Any], Any] = {
    Ticket: (Ticket.id, visible_tickets),
    Contract: (Contract.id, visible_contracts),
    CoachingSession: (CoachingSession.id, visible_sessions),
    CoachingRequest: (CoachingRequest.id, visible_requests),
    Track: (Track.id, visible_tracks),
    Client: (Client.id, visible_clients),
    Employee: (Employee.id, visible_employees),
    Department: (Department.id, visible_departments),
    Deal: (Deal.id, visible_deals),
    Task: (Task.id, visible_tasks),
    Company: (Company.id, visible_companies),
    Event: (Event.id, visible_events),
    Interaction: (Interaction.id, visible_interactions),
}


async def load_visible(
    session: AsyncSession,
    entity: type[Record],
    record_id: int,
    *,
    visible_to: Actor | None,
    options: Sequence[ExecutableOption] = (),
) -> Record | None:
    """The record with ``options`` loaded afresh, or None; with ``visible_to``, None also when
    that person may not see it (one query: the entity's predicate is in its WHERE)."""
    # A number past any id (a bot command's argument) finds nothing rather than overflowing.
    if not 0 < record_id <= MAX_ID:
        return None
    key, predicate = _PREDICATES[entity]
    query = select(entity).where(key == record_id)
    if visible_to is not None:
        query = query.where(predicate(visible_to))
    return await session.scalar(query.options(*options).execution_options(populate_existing=True))
