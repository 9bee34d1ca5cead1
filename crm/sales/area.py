"""Sales: companies, deals and their pipeline, interactions, tasks and events."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from crm.areas import Area, Job
from crm.notify import Notifier
from crm.sales.event_reminders import enqueue_event_reminders


async def _event_reminders(session: AsyncSession, notifier: Notifier, now: datetime) -> int:
    return await enqueue_event_reminders(session, notifier, now=now)


AREA = Area(
    name="sales",
    position=40,
    jobs=(
        Job(
            "event_reminders",
            timedelta(minutes=5),
            _event_reminders,
            grace=timedelta(minutes=5),
        ),
    ),
)
