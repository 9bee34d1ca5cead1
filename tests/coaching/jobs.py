"""The coaching area's scheduled jobs, run once at a given moment as the scheduler runs them."""

from __future__ import annotations

from datetime import datetime

from crm.areas import Job
from crm.coaching.area import AREA
from crm.notify import Notifier
from db.engine import Database
from notifications.scheduler import run_job


def _job(job_id: str) -> Job:
    return next(job for job in AREA.jobs if job.id == job_id)


async def send_reminders(
    database: Database, notifier: Notifier, *, now: datetime | None = None
) -> int:
    """The session reminders due at ``now``."""
    return await run_job(database, notifier, _job("reminders"), now=now)


async def send_track_reports(
    database: Database, notifier: Notifier, *, now: datetime | None = None
) -> int:
    """The track progress questions due at ``now``."""
    return await run_job(database, notifier, _job("track_reports"), now=now)
