"""APScheduler jobs: the daily digest at CRM_DIGEST_AT in CRM_TIMEZONE (a part per area that is
on), each area's own jobs (the session reminders every minute, the clients' track progress
questions every five minutes), and housekeeping."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from crm import idempotency
from crm.areas import Job, areas_on, digest_parts
from crm.notify import Notifier
from crm.overview.digest import enqueue_digests
from crm.settings import Settings
from db.base import utcnow
from db.engine import Database
from db.telegram_state import forget_processed_updates

log = logging.getLogger(__name__)

# Enough processed update ids to recognise any redelivery Telegram could still make.
KEEP_PROCESSED_UPDATES = 100_000


async def send_digests(
    database: Database,
    notifier: Notifier,
    settings: Settings,
    wake: Callable[[], None] | None = None,
    *,
    now: datetime | None = None,
) -> int:
    """Queue the digests of the business day of ``now`` (default: the clock); safe to run twice
    the same day."""
    now = now or utcnow()
    today = now.astimezone(settings.zone).date()
    parts = digest_parts(areas_on(settings.area_names))
    async with database.writer() as session, session.begin():
        queued = await enqueue_digests(session, notifier, parts, day=today, now=now)
    log.info("digests for %s: %d queued", today, queued)
    if wake is not None:
        wake()
    return queued


async def run_job(
    database: Database,
    notifier: Notifier,
    job: Job,
    wake: Callable[[], None] | None = None,
    *,
    now: datetime | None = None,
) -> int:
    """Run an area's job at ``now`` (default: the clock) in its own transaction; wakes the
    sender when it queued something."""
    now = now or utcnow()
    async with database.writer() as session, session.begin():
        queued = await job.run(session, notifier, now)
    if queued:
        log.info("%s: %d queued", job.id, queued)
        if wake is not None:
            wake()
    return queued


async def prune(database: Database, *, now: datetime | None = None) -> None:
    """Forget the oldest processed update ids, and the API's idempotency keys past their day."""
    async with database.writer() as session, session.begin():
        removed = await forget_processed_updates(session, KEEP_PROCESSED_UPDATES)
        keys = await idempotency.forget_old(session, now or utcnow())
    log.info("forgot %d old processed update ids and %d idempotency keys", removed, keys)
    await database.refresh_statistics()


def create_scheduler(
    settings: Settings,
    database: Database,
    notifier: Notifier,
    wake: Callable[[], None] | None = None,
) -> AsyncIOScheduler:
    """The scheduler with its jobs; started and stopped by the runner."""
    scheduler = AsyncIOScheduler(timezone=settings.zone)
    scheduler.add_job(
        send_digests,
        CronTrigger(
            hour=settings.digest_at.hour,
            minute=settings.digest_at.minute,
            second=settings.digest_at.second,
            timezone=settings.zone,
        ),
        args=[database, notifier, settings, wake],
        id="digest",
        misfire_grace_time=3600,
        coalesce=True,
    )
    for area in areas_on(settings.area_names):
        for job in area.jobs:
            scheduler.add_job(
                run_job,
                IntervalTrigger(seconds=job.every.total_seconds()),
                args=[database, notifier, job, wake],
                id=job.id,
                misfire_grace_time=int(job.grace.total_seconds()),
                coalesce=True,
                max_instances=1,
            )
    scheduler.add_job(
        prune, CronTrigger(hour=3, minute=30, timezone=settings.zone), args=[database], id="prune"
    )
    return scheduler
