"""A planned item reminds its owner once, at its reminder time.

A scheduled job asks every minute (``crm/workspace/area.py``). Each reminder's dedupe key names
the item and the moment it was set for (``plan:<id>:<remind at>``): a second process, a restart
or a late run never sends one twice, and an item moved meanwhile is reminded at its new time.
An item deleted before its time is gone, so nothing asks for it. A reminder that fell due more
than ``LOOKBACK`` ago (the bot was off for days) is not sent late.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from crm.notify import Notifier, already_queued
from crm.workspace.plan_notices import plan_button, reminder_text
from db.models import PlannedItem

LOOKBACK = timedelta(hours=6)
# At most this many reminders a run; the rest follow a minute later.
BATCH = 200


def reminder_key(item: PlannedItem) -> str:
    """The dedupe key of ``item``'s reminder for its current reminder time."""
    assert item.remind_at is not None
    return f"plan:{item.id}:{item.remind_at:%Y%m%d%H%M}"


async def enqueue_plan_reminders(
    session: AsyncSession, notifier: Notifier, *, now: datetime
) -> int:
    """Queue the reminders due by ``now``; returns how many were new.

    One query for the due items (``ix_planned_items_remind``), one for the keys already queued,
    then only the new reminders are written.
    """
    due = list(
        await session.scalars(
            select(PlannedItem)
            .where(PlannedItem.remind_at <= now, PlannedItem.remind_at > now - LOOKBACK)
            .order_by(PlannedItem.remind_at, PlannedItem.id)
            .limit(BATCH)
            .options(selectinload(PlannedItem.client), selectinload(PlannedItem.employee))
        )
    )
    if not due:
        return 0
    queued = await already_queued(session, [reminder_key(item) for item in due])
    count = 0
    for item in due:
        person = item.client or item.employee
        if reminder_key(item) in queued or person is None or person.telegram_id is None:
            continue
        if item.employee is not None and not item.employee.active:
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
    return count
