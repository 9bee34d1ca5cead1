"""A person's own planned items (seed 003's ``Planifications_Utilisateurs``): a title, a
description, a date and time, how many minutes, and a reminder some time before (or none).

The bot adds one in a dialog or in one line (``/remind 2026-12-24 10:00 call the bank``), the
site in a form; both come here. An item is its owner's alone: nobody else reads, moves or
deletes it. Its reminder is sent by ``crm.workspace.reminders``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from crm.errors import FieldChecks, InvalidInput, NotFound
from crm.i18n import N_
from crm.moments import parse_moment
from crm.people.names import clean_text, clean_title
from crm.permissions import Actor
from crm.workspace.owners import owned_by, owner_values, person_of
from crm.workspace.reminders import take_back_reminder
from db.models import PlannedItem

# The reminder choices the bot offers, in minutes before the item (0: at its time).
REMINDER_CHOICES = (0, 15, 60, 24 * 60)
# The longest an item lasts and the earliest a reminder may come: a week.
LONGEST_MINUTES = 7 * 24 * 60
TITLE_LENGTH = 300


@dataclass(frozen=True)
class PlanDraft:
    """A planned item as typed: ``remind_before`` None means no reminder."""

    title: str
    starts_at: datetime | None
    description: str = ""
    minutes: int | None = None
    remind_before: int | None = 0


def read_remind_line(text: str, zone: ZoneInfo, now: datetime) -> PlanDraft:
    """``2026-12-24 10:00 call the bank`` (a day, a time, then the title; *tomorrow 9:00*
    too): a planned item reminded at its time."""
    words = text.split()
    if len(words) < 3:
        raise InvalidInput(
            N_(
                "write the date, the time and what to remind you of: /remind 2026-12-24 10:00 "
                "call the bank"
            )
        )
    starts_at = parse_moment(" ".join(words[:2]), zone, now)
    return PlanDraft(title=" ".join(words[2:]), starts_at=starts_at, remind_before=0)


def check_when(starts_at: datetime, now: datetime) -> datetime:
    """A new or moved item's moment: one to come."""
    if starts_at < now:
        raise InvalidInput(N_("that moment has already passed"), field="starts_at")
    return starts_at


def _checked(draft: PlanDraft, now: datetime, *, moved: bool) -> tuple[str, str]:
    """The title and description to keep; every refusal at once."""
    checks = FieldChecks()
    title = description = ""
    with checks.field("title"):
        title = clean_title(draft.title, longest=TITLE_LENGTH)
    with checks.field("description"):
        description = clean_text(draft.description, required=False, field="description")
    if draft.starts_at is None:
        checks.refuse(N_("give the date and time"), field="starts_at")
    elif moved:
        with checks.field("starts_at"):
            check_when(draft.starts_at, now)
    if draft.minutes is not None and not 1 <= draft.minutes <= LONGEST_MINUTES:
        checks.refuse(
            N_("the length is between 1 and {most} minutes"), field="minutes", most=LONGEST_MINUTES
        )
    before = draft.remind_before
    if before is not None and not 0 <= before <= LONGEST_MINUTES:
        checks.refuse(
            N_("a reminder comes between 0 and {most} minutes before"),
            field="remind_before",
            most=LONGEST_MINUTES,
        )
    checks.done()
    return title, description


def _remind_at(starts_at: datetime, before: int | None) -> datetime | None:
    return None if before is None else starts_at - timedelta(minutes=before)


async def save_plan(
    session: AsyncSession,
    *,
    actor: Actor,
    draft: PlanDraft,
    now: datetime,
    plan_id: int | None = None,
) -> PlannedItem:
    """Add (or change) ``actor``'s planned item. A new or moved one must be in the future; a
    moved one is reminded at its new time (``crm.workspace.reminders`` keys each reminder by
    its moment)."""
    person = person_of(actor)
    item = None if plan_id is None else await get_plan(session, actor=actor, plan_id=plan_id)
    moved = item is None or item.starts_at != draft.starts_at
    title, description = _checked(draft, now, moved=moved)
    assert draft.starts_at is not None  # checked
    if item is not None and _remind_at(draft.starts_at, draft.remind_before) != item.remind_at:
        await take_back_reminder(session, item)
    if item is None:
        item = PlannedItem(**owner_values(person), created_at=now)
        session.add(item)
    item.title = title
    item.description = description or None
    item.starts_at = draft.starts_at
    item.minutes = draft.minutes
    item.remind_before = draft.remind_before
    item.remind_at = _remind_at(draft.starts_at, draft.remind_before)
    await session.flush()
    return item


async def get_plan(session: AsyncSession, *, actor: Actor, plan_id: int) -> PlannedItem:
    """``actor``'s planned item; NotFound for anyone else's (it is not theirs to know of)."""
    item = await session.scalar(
        select(PlannedItem).where(PlannedItem.id == plan_id, owned_by(PlannedItem, actor))
    )
    if item is None:
        raise NotFound(N_("planned item #{number} does not exist"), number=plan_id)
    return item


async def delete_plan(session: AsyncSession, *, actor: Actor, plan_id: int) -> PlannedItem:
    """Delete ``actor``'s planned item: its reminder, not yet sent, never comes."""
    item = await get_plan(session, actor=actor, plan_id=plan_id)
    await take_back_reminder(session, item)
    await session.delete(item)
    await session.flush()
    return item


async def plans_between(
    session: AsyncSession, *, actor: Actor, start: datetime, end: datetime, limit: int = 200
) -> list[PlannedItem]:
    """``actor``'s planned items starting in [start, end), soonest first."""
    return list(
        await session.scalars(
            select(PlannedItem)
            .where(
                owned_by(PlannedItem, actor),
                PlannedItem.starts_at >= start,
                PlannedItem.starts_at < end,
            )
            .order_by(PlannedItem.starts_at, PlannedItem.id)
            .limit(limit)
        )
    )
