"""The digest is scheduled at CRM_DIGEST_AT in the business time zone."""

from __future__ import annotations

from datetime import datetime, time
from zoneinfo import ZoneInfo

from crm.notify import Notifier
from crm.settings import Settings
from db.engine import Database
from notifications.scheduler import create_scheduler


async def test_the_digest_fires_at_the_configured_local_time(sqlite_url: str) -> None:
    settings = Settings(_env_file=None, timezone="Europe/Moscow", digest_at=time(8, 30))
    database = Database(sqlite_url)
    scheduler = create_scheduler(settings, database, Notifier("en"))
    trigger = scheduler.get_job("digest").trigger
    moscow = ZoneInfo("Europe/Moscow")
    after = datetime(2026, 11, 22, 9, 0, tzinfo=moscow)
    assert trigger.get_next_fire_time(None, after) == datetime(2026, 11, 23, 8, 30, tzinfo=moscow)
    before = datetime(2026, 11, 22, 7, 0, tzinfo=moscow)
    assert trigger.get_next_fire_time(None, before) == datetime(2026, 11, 22, 8, 30, tzinfo=moscow)
    await database.dispose()


async def test_housekeeping_forgets_old_updates_and_refreshes_statistics(
    database: Database,
) -> None:
    from db.telegram_state import claim_update
    from notifications import scheduler

    async with database.writer() as session, session.begin():
        for update_id in range(1, 6):
            await claim_update(session, update_id)
    original = scheduler.KEEP_PROCESSED_UPDATES
    scheduler.KEEP_PROCESSED_UPDATES = 2
    try:
        await scheduler.prune(database)
    finally:
        scheduler.KEEP_PROCESSED_UPDATES = original
    async with database.writer() as session, session.begin():
        assert not await claim_update(session, 5)  # the newest are still remembered
        assert await claim_update(session, 1)  # the oldest were forgotten
