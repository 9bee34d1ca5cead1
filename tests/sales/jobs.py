"""The sales area's scheduled jobs, run once at a given moment as the scheduler runs them."""

from __future__ import annotations

from datetime import datetime

from crm.areas import Job
from crm.notify import Notifier
from crm.sales.area import AREA
from db.engine import Database
from notifications.scheduler import run_job


def _job(job_id: str) -> Job:
    return next(job for job in AREA.jobs if job.id == job_id)


async def send_event_reminders(
    database: Database, notifier: Notifier, *, now: datetime | None = None
) -> int:
    """The event reminders due at ``now``."""
    return await run_job(database, notifier, _job("event_reminders"), now=now)
