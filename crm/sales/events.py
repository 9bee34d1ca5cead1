"""Events: a company's (or the business's own) gatherings that clients join from the bot.
Owners and administrators create and delete them; the organiser may change their own. Everyone
who talks to the business sees them (``crm.visibility.visible_events``); who takes part is for
the organiser and the managers (``sees_participants``, crm/sales/event_participants.py)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from crm import keyset
from crm.errors import FieldChecks, InvalidInput, NotFound, PermissionDenied
from crm.i18n import N_
from crm.keyset import PAGE_SIZE, KeysetPage
from crm.people.client_company import company_named
from crm.people.names import clean_text, clean_title
from crm.permissions import Actor, is_manager, is_staff, require_manager, require_staff
from crm.sales.companies import check_url
from crm.text_limits import require_fits
from crm.visibility import load_visible, visible_events
from db.enums import ParticipantStatus
from db.models import Company, Employee, Event, EventParticipant

# What an event's page and card show with it.
CARD = (selectinload(Event.company), selectinload(Event.organiser))


def may_change_event(actor: Actor, event: Event) -> bool:
    """Change an event: its organiser, owners and administrators (who alone create and delete)."""
    return is_manager(actor) or (is_staff(actor) and event.organiser_id == actor.id)


@dataclass(frozen=True)
class EventDraft:
    """What an event is created or changed with."""

    title: str
    starts_at: datetime | None
    description: str = ""
    place: str = ""
    image: str = ""
    # Its id, or its exact name (``crm.people.client_company.company_named``); None: our own.
    company: int | str | None = None
    organiser_id: int | None = None


async def get_event(
    session: AsyncSession, *, actor: Actor, event_id: int, card: bool = True
) -> Event:
    """An event ``actor`` may see (with its company and organiser), or NotFound."""
    event = await load_visible(
        session, Event, event_id, visible_to=actor, options=CARD if card else ()
    )
    if event is None:
        raise NotFound(N_("that event does not exist"))
    return event


async def event_to_change(
    session: AsyncSession, *, actor: Actor, event_id: int | None
) -> Event | None:
    """The event to change (None for a new one: managers only), once it is sure ``actor`` may."""
    if event_id is None:
        require_manager(actor)
        return None
    event = await get_event(session, actor=actor, event_id=event_id)
    if not may_change_event(actor, event):
        raise PermissionDenied(N_("You may not change that event."))
    return event


async def event_to_delete(session: AsyncSession, *, actor: Actor, event_id: int) -> Event:
    """The event to delete, once it is sure ``actor`` may (owners and administrators)."""
    require_manager(actor)
    return await get_event(session, actor=actor, event_id=event_id)


async def _checked(
    session: AsyncSession, draft: EventDraft, *, new: bool, now: datetime
) -> tuple[str, str, str | None, Company | None]:
    """The draft's title, description, picture and company, once every field is right."""
    checks = FieldChecks()
    title = image = None
    description = ""
    with checks.field("title"):
        title = clean_title(draft.title)
    with checks.field("description"):
        description = clean_text(draft.description, required=False, field="description")
    with checks.field("image"):
        image = check_url(draft.image, "image")
    if draft.starts_at is None:
        checks.refuse(N_("say when the event starts"), field="starts_at")
    elif new and draft.starts_at <= now:
        checks.refuse(N_("an event is planned in the future"), field="starts_at")
    company = None
    with checks.field("company"):
        company = await company_named(session, draft.company)
    if draft.organiser_id is not None:
        organiser = await session.get(Employee, draft.organiser_id)
        if organiser is None or not organiser.active:
            checks.refuse(N_("that employee does not exist"), field="organiser_id")
    checks.done()
    assert title is not None
    return title, description, image, company


async def save_event(
    session: AsyncSession,
    *,
    actor: Actor,
    draft: EventDraft,
    event_id: int | None,
    now: datetime,
) -> Event:
    """Create an event (owners and administrators) or change one (also its organiser)."""
    found = await event_to_change(session, actor=actor, event_id=event_id)
    title, description, image, company = await _checked(session, draft, new=found is None, now=now)
    assert draft.starts_at is not None
    event = found or Event(created_at=now)
    event.title = title
    event.description = description or None
    event.starts_at = draft.starts_at
    event.place = draft.place.strip() or None
    event.image = image
    event.company_id = None if company is None else company.id
    event.organiser_id = draft.organiser_id
    require_fits(event)
    session.add(event)
    await session.flush()
    return event


async def delete_event(session: AsyncSession, *, actor: Actor, event_id: int) -> None:
    """Delete an event with who joined it (owners and administrators): nobody is reminded of
    it any more."""
    event = await event_to_delete(session, actor=actor, event_id=event_id)
    await session.refresh(event, ["participants"])
    await session.delete(event)
    await session.flush()


async def organisers(session: AsyncSession, *, actor: Actor) -> list[Employee]:
    """Whom an event's form may name as its organiser: active staff, by name."""
    require_staff(actor)
    found = await session.scalars(
        select(Employee).where(Employee.active.is_(True)).order_by(Employee.full_name, Employee.id)
    )
    return list(found)


async def going_counts(session: AsyncSession, event_ids: Sequence[int]) -> dict[int, int]:
    """How many clients are going to each of ``event_ids`` (those with none are left out)."""
    if not event_ids:
        return {}
    rows = await session.execute(
        select(EventParticipant.event_id, func.count())
        .where(
            EventParticipant.event_id.in_(list(event_ids)),
            EventParticipant.status == ParticipantStatus.GOING,
        )
        .group_by(EventParticipant.event_id)
    )
    return {event_id: int(count) for event_id, count in rows}


@dataclass(frozen=True)
class EventFilter:
    past: bool = False  # the events that began before now, newest first; else upcoming


@dataclass(frozen=True)
class EventPage:
    events: list[Event]
    going: dict[int, int]  # how many clients go, by event id
    next_cursor: str | None
    previous_cursor: str | None
    total: int
    total_is_capped: bool


def encode_cursor(event: Event) -> str:
    return keyset.encode_cursor(event.starts_at, event.id)


async def list_events(
    session: AsyncSession,
    viewer: Actor,
    wanted: EventFilter,
    *,
    now: datetime,
    cursor: str | None = None,
    before: str | None = None,
    page_size: int = PAGE_SIZE,
) -> EventPage:
    """One page of the upcoming events, soonest first (or of the past ones, latest first)."""
    base = select(Event).where(visible_events(require_staff(viewer)))
    base = base.where(Event.starts_at < now if wanted.past else Event.starts_at >= now)
    page: KeysetPage[Event] = await keyset.read_page(
        session,
        base,
        key=(Event.starts_at, Event.id),
        cursor_of=encode_cursor,
        oldest_first=not wanted.past,
        cursor=cursor,
        before=before,
        page_size=page_size,
        options=CARD,
    )
    going = await going_counts(session, [event.id for event in page.rows])
    return EventPage(
        page.rows,
        going,
        page.next_cursor,
        page.previous_cursor,
        page.total,
        page.total_is_capped,
    )


async def upcoming_events(
    session: AsyncSession, *, actor: Actor, now: datetime, limit: int = 10
) -> list[Event]:
    """The next events ``actor`` may see, soonest first (the bot's /events)."""
    found = await session.scalars(
        select(Event)
        .where(visible_events(actor), Event.starts_at > now)
        .options(*CARD)
        .order_by(Event.starts_at, Event.id)
        .limit(limit)
    )
    return list(found)


def check_not_begun(event: Event, now: datetime) -> None:
    """Joining or leaving is for events still to come."""
    if event.starts_at <= now:
        raise InvalidInput(N_("event #{event_id} has already begun"), event_id=event.id)
