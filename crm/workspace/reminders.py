"""A planned item reminds its owner once, at its reminder time.

A scheduled job asks every minute (``crm/workspace/area.py``). Each reminder's dedupe key names
the item and the moment it was set for (``plan:<id>:<remind at>``): a second process, a restart
or a late run never sends one twice, and an item moved meanwhile is reminded at its new time.
Once queued, the item notes the moment (``reminded_for``) so the job passes over it; an item
whose owner the bot cannot reach is passed over too, so neither holds the others back. An item
deleted or moved before its reminder left has the queued one taken back
(``take_back_reminder``). A reminder that fell due more than ``LOOKBACK`` ago (the bot was off
for days) is not sent late.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from crm.notify import Notifier, already_queued, drop_pending
from crm.workspace.plan_notices import plan_button, reminder_text
from db.models import Client, Employee, PlannedItem

LOOKBACK = timedelta(hours=6)
# At most this many reminders a run; the rest follow a minute later.
BATCH = 200
KEY_PREFIX = "plan"


def reminder_key(item: PlannedItem) -> str:
    """The dedupe key of ``item``'s reminder for its current reminder time."""
    assert item.remind_at is not None
    return f"{KEY_PREFIX}:{item.id}:{item.remind_at:%Y%m%d%H%M}"


def _reachable() -> ColumnElement[bool]:
    """Items whose owner the bot can write to: a client with a chat, an active employee with
    one."""
    return or_(
        PlannedItem.client_id.in_(select(Client.id).where(Client.telegram_id.is_not(None))),
        PlannedItem.employee_id.in_(
            select(Employee.id).where(Employee.telegram_id.is_not(None), Employee.active.is_(True))
        ),
    )


async def enqueue_plan_reminders(
    session: AsyncSession, notifier: Notifier, *, now: datetime
) -> int:
    """Queue the reminders due by ``now``; returns how many were new."""
    due = list(
        await session.scalars(
            select(PlannedItem)
            .where(
                PlannedItem.remind_at <= now,
                PlannedItem.remind_at > now - LOOKBACK,
                or_(
                    PlannedItem.reminded_for.is_(None),
                    PlannedItem.reminded_for != PlannedItem.remind_at,
                ),
                _reachable(),
            )
            .order_by(PlannedItem.remind_at, PlannedItem.id)
            .limit(BATCH)
            .options(selectinload(PlannedItem.client), selectinload(PlannedItem.employee))
        )
    )
    if not due:
        return 0
    # Another process may have queued some between its run and this one.
    queued = await already_queued(session, [reminder_key(item) for item in due])
    count = 0
    for item in due:
        item.reminded_for = item.remind_at
        person = item.client or item.employee
        if reminder_key(item) in queued or person is None or person.telegram_id is None:
            continue
        tr = notifier.translator(notifier.language_of(person))
        count += await notifier.enqueue(
            session,
            person.telegram_id,
            reminder_text(tr, notifier.zone, item),
            now=now,
            buttons=[[plan_button(tr, "delete", item.id)]],
            dedupe_key=reminder_key(item),
        )
    await session.flush()
    return count


async def take_back_reminder(session: AsyncSession, item: PlannedItem) -> None:
    """A queued reminder of ``item`` that has not left yet is dropped (the item is deleted or
    moved)."""
    await drop_pending(session, f"{KEY_PREFIX}:{item.id}:")
