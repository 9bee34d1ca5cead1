"""APScheduler jobs: the daily digest at CRM_DIGEST_AT in CRM_TIMEZONE, the session reminders
every minute, the clients' track progress questions every five minutes, and housekeeping."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from crm.coaching.reminders import enqueue_session_reminders
from crm.coaching.track_reports import ask_for_track_reports
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
    async with database.writer() as session, session.begin():
        queued = await enqueue_digests(session, notifier, day=today, now=now)
    log.info("digests for %s: %d queued", today, queued)
    if wake is not None:
        wake()
    return queued


async def send_reminders(
    database: Database,
    notifier: Notifier,
    wake: Callable[[], None] | None = None,
    *,
    now: datetime | None = None,
) -> int:
    """Queue the session reminders due at ``now`` (default: the clock); each is sent once."""
    now = now or utcnow()
    async with database.writer() as session, session.begin():
        queued = await enqueue_session_reminders(session, notifier, now=now)
    if queued:
        log.info("session reminders: %d queued", queued)
        if wake is not None:
            wake()
    return queued


async def send_track_reports(
    database: Database,
    notifier: Notifier,
    wake: Callable[[], None] | None = None,
    *,
    now: datetime | None = None,
) -> int:
    """Ask the clients whose track progress report is due at ``now`` (default: the clock);
    each is asked once per period."""
    now = now or utcnow()
    async with database.writer() as session, session.begin():
        asked = await ask_for_track_reports(session, notifier, now=now)
    if asked:
        log.info("track progress reports: %d asked", asked)
        if wake is not None:
            wake()
    return asked


async def prune(database: Database) -> None:
    """Forget the oldest processed update ids."""
    async with database.writer() as session, session.begin():
        removed = await forget_processed_updates(session, KEEP_PROCESSED_UPDATES)
    log.info("forgot %d old processed update ids", removed)
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
    scheduler.add_job(
        send_reminders,
        IntervalTrigger(minutes=1),
        args=[database, notifier, wake],
        id="reminders",
        misfire_grace_time=60,
        coalesce=True,
        max_instances=1,
    )
    scheduler.add_job(
        send_track_reports,
        IntervalTrigger(minutes=5),
        args=[database, notifier, wake],
        id="track_reports",
        misfire_grace_time=300,
        coalesce=True,
        max_instances=1,
    )
    scheduler.add_job(
        prune, CronTrigger(hour=3, minute=30, timezone=settings.zone), args=[database], id="prune"
    )
    return scheduler
