"""Who takes part in an event: a client joins (``going``) and leaves (``left``) from the bot,
one row per client and event, so joining again after leaving turns the same row back; a press
that changes nothing (joining twice) tells nobody. The organiser (or, with none, the owners and
administrators) hears of each change through the outbox. The list of participants is for the
organiser and the managers (``crm.visibility.sees_participants``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from crm.errors import NotFound, PermissionDenied
from crm.i18n import N_
from crm.notify import Notifier
from crm.people.staff import in_charge_or_managers
from crm.permissions import Actor
from crm.sales.events import check_not_begun, going_counts
from crm.telegram_html import escape
from crm.visibility import load_visible, sees_participants
from db.enums import ParticipantStatus
from db.models import Client, Event, EventParticipant
from db.upsert import insert_if_absent

GOING, LEFT = ParticipantStatus.GOING, ParticipantStatus.LEFT


@dataclass(frozen=True)
class Answer:
    """What a press did: the event, and whether it changed anything."""

    event: Event
    changed: bool


async def _event_for(session: AsyncSession, client: Client, event_id: int) -> Event:
    event = await load_visible(session, Event, event_id, visible_to=client)
    if event is None:
        raise NotFound(N_("that event does not exist"))
    return event


def _client(actor: Actor) -> Client:
    if not isinstance(actor, Client):
        raise PermissionDenied(N_("Only clients take part in events."))
    return actor


async def _row(session: AsyncSession, event_id: int, client_id: int) -> EventParticipant | None:
    return await session.scalar(
        select(EventParticipant)
        .where(EventParticipant.event_id == event_id, EventParticipant.client_id == client_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )


async def _pressed(
    session: AsyncSession, actor: Actor, event_id: int, now: datetime
) -> tuple[Client, Event, EventParticipant | None]:
    """Who pressed (a client), the event (visible to them, still to come) and their row, locked."""
    client = _client(actor)
    event = await _event_for(session, client, event_id)
    check_not_begun(event, now)
    return client, event, await _row(session, event.id, client.id)


async def join_event(
    session: AsyncSession, notifier: Notifier, *, actor: Actor, event_id: int, now: datetime
) -> Answer:
    """``actor`` (a client) goes to an event still to come; again after leaving it too."""
    client, event, row = await _pressed(session, actor, event_id, now)
    if row is None:
        values = {
            "event_id": event.id,
            "client_id": client.id,
            "status": GOING,
            "joined_at": now,
        }
        # Two presses at once: the second waits for the first and inserts nothing.
        changed = await insert_if_absent(
            session, EventParticipant, values, ["event_id", "client_id"]
        )
    elif row.status is LEFT:
        row.status, row.joined_at, changed = GOING, now, True
    else:
        changed = False
    if changed:
        await session.flush()
        await _tell_organiser(session, notifier, event, client, joined=True, now=now)
    return Answer(event, changed)


async def leave_event(
    session: AsyncSession, notifier: Notifier, *, actor: Actor, event_id: int, now: datetime
) -> Answer:
    """``actor`` (a client) no longer goes to an event still to come."""
    client, event, row = await _pressed(session, actor, event_id, now)
    if row is None or row.status is LEFT:
        return Answer(event, False)
    row.status = LEFT
    await session.flush()
    await _tell_organiser(session, notifier, event, client, joined=False, now=now)
    return Answer(event, True)


async def events_joined(
    session: AsyncSession, *, actor: Actor, event_ids: list[int] | None = None
) -> set[int]:
    """The ids of the events ``actor`` (a client) is going to, among ``event_ids`` if given."""
    if not isinstance(actor, Client):
        return set()
    query = select(EventParticipant.event_id).where(
        EventParticipant.client_id == actor.id, EventParticipant.status == GOING
    )
    if event_ids is not None:
        query = query.where(EventParticipant.event_id.in_(event_ids))
    return set(await session.scalars(query))


async def _tell_organiser(
    session: AsyncSession,
    notifier: Notifier,
    event: Event,
    client: Client,
    *,
    joined: bool,
    now: datetime,
) -> None:
    """The organiser hears who joined or left (the managers when nobody organises it)."""
    going = (await going_counts(session, [event.id])).get(event.id, 0)
    for person in await in_charge_or_managers(session, event.organiser_id):
        assert person.telegram_id is not None
        tr = notifier.translator(notifier.language_of(person))
        said = (
            N_("🎟 {name} joined event #{event_id} “{title}” ({going} going).")
            if joined
            else N_("🚪 {name} left event #{event_id} “{title}” ({going} going).")
        )
        text = tr.gettext(
            said,
            name=escape(client.full_name),
            event_id=event.id,
            title=escape(event.title),
            going=going,
        )
        await notifier.enqueue(session, person.telegram_id, text, now=now)


@dataclass(frozen=True)
class Participant:
    client: Client
    status: ParticipantStatus
    joined_at: datetime


async def participants(session: AsyncSession, *, actor: Actor, event: Event) -> list[Participant]:
    """Who joined ``event`` (going first, then those who left), for its organiser and the
    managers; PermissionDenied for anyone else."""
    if not sees_participants(actor, event):
        raise PermissionDenied(N_("Only the organiser and the managers see who takes part."))
    rows = await session.scalars(
        select(EventParticipant)
        .where(EventParticipant.event_id == event.id)
        .options(selectinload(EventParticipant.client))
        .order_by(EventParticipant.status, EventParticipant.joined_at, EventParticipant.id)
    )
    return [Participant(row.client, row.status, row.joined_at) for row in rows]
