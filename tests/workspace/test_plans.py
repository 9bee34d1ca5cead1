"""Planned items and their reminders as services on a real database, with the test's clock:
each reminded once at its time, never after it is deleted, at its new time when moved; a
restart between queueing and sending (and between planning and the due time) still reminds
once; and two processes on PostgreSQL and Redis running the job and the sender side by side
send each reminder once."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from aiogram import Bot
from redis.asyncio import Redis
from sqlalchemy import select, update

from bot.factory import create_bot
from bot.sandbox.telegram import FakeTelegram
from crm.errors import InvalidFields, InvalidInput, NotFound
from crm.notify import Notifier
from crm.workspace.area import AREA
from crm.workspace.plans import PlanDraft, delete_plan, read_remind_line, save_plan
from db.engine import Database
from db.enums import OutboxStatus
from db.models import OutboxMessage
from notifications.ratelimit import RedisRateLimiter
from notifications.scheduler import run_job
from notifications.sender import OutboxSender, SenderConfig
from tests.conftest import BOT_TOKEN, POSTGRES_URL, REDIS_URL
from tests.support.desk import IVAN, MARIA, add_people
from tests.support.workers import empty_postgres

NOTIFIER = Notifier("en", "EUR")
NOW = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)
JOB = next(job for job in AREA.jobs if job.id == "plan_reminders")
QUICK = SenderConfig(per_chat_seconds=0.0, idle_seconds=0.05, lease_seconds=0.5)


async def reminders(database: Database, chat_id: int) -> list[str]:
    async with database.reader() as session:
        rows = await session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.chat_id == chat_id, OutboxMessage.dedupe_key.like("plan:%"))
            .order_by(OutboxMessage.id)
        )
        return [row.payload["text"] for row in rows]


async def plan(database: Database, who: object, draft: PlanDraft, *, now: datetime = NOW) -> int:
    async with database.writer() as session, session.begin():
        item = await save_plan(session, actor=who, draft=draft, now=now)  # type: ignore[arg-type]
        return item.id


async def test_a_planned_item_is_reminded_once_at_its_time_never_once_deleted_and_again_when_moved(
    database: Database,
) -> None:
    people = await add_people(database, FakeTelegram("1:t"))
    bank = await plan(
        database, people.maria, PlanDraft("Call the <bank>", NOW + timedelta(hours=1), "", 15, 0)
    )
    dentist = await plan(
        database, people.maria, PlanDraft("Dentist", NOW + timedelta(hours=3), "", None, 60)
    )
    review = await plan(
        database, people.ivan, PlanDraft("Review", NOW + timedelta(hours=2), "", None, None)
    )
    # Not yet: nothing is due a minute before the first.
    assert await run_job(database, NOTIFIER, JOB, now=NOW + timedelta(minutes=59)) == 0
    # At its time, once; a minute later and an hour later, not again.
    assert await run_job(database, NOTIFIER, JOB, now=NOW + timedelta(hours=1)) == 1
    assert await run_job(database, NOTIFIER, JOB, now=NOW + timedelta(hours=1, minutes=1)) == 0
    [said] = await reminders(database, MARIA)
    assert "⏰ Reminder: <b>Call the &lt;bank&gt;</b>" in said  # her words, escaped
    # The dentist (an hour's notice, at 11:00) is deleted at 10:30: no reminder ever comes.
    async with database.writer() as session, session.begin():
        await delete_plan(session, actor=people.maria, plan_id=dentist)
    assert await run_job(database, NOTIFIER, JOB, now=NOW + timedelta(hours=2)) == 0
    assert await run_job(database, NOTIFIER, JOB, now=NOW + timedelta(hours=3)) == 0
    # A reminder queued and not yet sent is taken back when its item is deleted.
    pending = await plan(
        database, people.maria, PlanDraft("Gym", NOW + timedelta(hours=4), "", None, 0)
    )
    assert await run_job(database, NOTIFIER, JOB, now=NOW + timedelta(hours=4)) == 1
    async with database.writer() as session, session.begin():
        await delete_plan(session, actor=people.maria, plan_id=pending)
    assert [text for text in await reminders(database, MARIA) if "Gym" in text] == []
    # Ivan's review wants no reminder: none.
    assert await reminders(database, IVAN) == []
    # The bank call's reminder went out (as the sender sends it); moved to the afternoon, the
    # call is reminded again, at its new time only.
    async with database.writer() as session, session.begin():
        await session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.dedupe_key.like(f"plan:{bank}:%"))
            .values(status=OutboxStatus.SENT)
        )
    async with database.writer() as session, session.begin():
        await save_plan(
            session,
            actor=people.maria,
            draft=PlanDraft("Call the bank", NOW + timedelta(hours=6), "", 15, 0),
            now=NOW + timedelta(hours=1, minutes=30),
            plan_id=bank,
        )
    assert await run_job(database, NOTIFIER, JOB, now=NOW + timedelta(hours=5)) == 0
    assert await run_job(database, NOTIFIER, JOB, now=NOW + timedelta(hours=6, minutes=1)) == 1
    assert len(await reminders(database, MARIA)) == 2
    assert review  # planned, never reminded


async def test_a_restart_between_planning_queueing_and_sending_reminds_once(
    database_url: str, fake_telegram: tuple[FakeTelegram, str]
) -> None:
    fake, api_url = fake_telegram
    first = Database(database_url)
    people = await add_people(first, fake)
    now = datetime.now(UTC)
    await plan(first, people.maria, PlanDraft("Pay the rent", now + timedelta(minutes=5)), now=now)
    await first.dispose()  # the process stops before the item falls due

    second = Database(database_url)  # and starts again
    due = now + timedelta(minutes=5)
    assert await run_job(second, NOTIFIER, JOB, now=due) == 1
    await second.dispose()  # stopped again, the reminder queued but not sent

    third = Database(database_url)
    assert await run_job(third, NOTIFIER, JOB, now=due + timedelta(minutes=1)) == 0
    bot = create_bot(BOT_TOKEN, api_url)
    try:
        sender = OutboxSender(third, bot, QUICK, clock=lambda: due + timedelta(minutes=1))
        while await sender.deliver_due():
            pass
    finally:
        await bot.session.close()
        await third.dispose()
    said = [m.text for m in fake.bot_messages(MARIA) if m.text.startswith("⏰")]
    assert said == [f"⏰ Reminder: Pay the rent\nWhen: {said[0].split('When: ')[1]}"]


@pytest.mark.skipif(
    not (POSTGRES_URL and REDIS_URL),
    reason="PostgreSQL and Redis not configured: set CRM_TEST_DATABASE_URL and CRM_TEST_REDIS_URL",
)
async def test_two_processes_on_postgresql_and_redis_send_each_reminder_once(
    fake_telegram: tuple[FakeTelegram, str], redis: Redis
) -> None:
    """Each "process" has its own engine and connections, its own Redis client and sender, as
    two ``crm run`` would; both run the job at the same moments and deliver side by side."""
    assert POSTGRES_URL is not None
    await empty_postgres(POSTGRES_URL)
    fake, api_url = fake_telegram
    one, other = Database(POSTGRES_URL), Database(POSTGRES_URL)
    people = await add_people(one, fake)
    for number in range(6):
        who = people.maria if number % 2 else people.ivan
        draft = PlanDraft(f"Item {number}", NOW + timedelta(minutes=number))
        await plan(one, who, draft, now=NOW - timedelta(days=1))
    assert REDIS_URL is not None
    other_redis = Redis.from_url(REDIS_URL)
    bots: list[Bot] = [create_bot(BOT_TOKEN, api_url), create_bot(BOT_TOKEN, api_url)]
    senders = [
        OutboxSender(db, bot, QUICK, limiter=RedisRateLimiter(client, 1000, 0.0))
        for db, bot, client in zip((one, other), bots, (redis, other_redis), strict=True)
    ]
    try:
        for minute in range(7):
            at = NOW + timedelta(minutes=minute, seconds=1)
            await asyncio.gather(
                run_job(one, NOTIFIER, JOB, now=at), run_job(other, NOTIFIER, JOB, now=at)
            )
            while sum(await asyncio.gather(*(sender.deliver_due() for sender in senders))):
                pass
    finally:
        for bot in bots:
            await bot.session.close()
        await other_redis.aclose()
        await one.dispose()
        await other.dispose()
    for chat, numbers in ((IVAN, (0, 2, 4)), (MARIA, (1, 3, 5))):
        said = [m.text.splitlines()[0] for m in fake.bot_messages(chat)]
        assert said == [f"⏰ Reminder: Item {number}" for number in numbers]


def test_the_one_line_form_reads_a_day_a_time_and_the_rest() -> None:
    zone = ZoneInfo("Europe/Paris")
    draft = read_remind_line("2026-12-24 10:00 call the bank", zone, NOW)
    assert draft.title == "call the bank" and draft.remind_before == 0
    assert draft.starts_at == datetime(2026, 12, 24, 9, 0, tzinfo=UTC)
    assert read_remind_line("tomorrow 9:30 gym", zone, NOW).starts_at == datetime(
        2026, 12, 3, 8, 30, tzinfo=UTC
    )
    for typed in ("", "2026-12-24 10:00", "call the bank", "2026-13-40 10:00 x"):
        with pytest.raises(InvalidInput):
            read_remind_line(typed, zone, NOW)


async def test_bad_plans_are_refused_whole_and_others_items_do_not_exist(
    database: Database,
) -> None:
    people = await add_people(database, FakeTelegram("1:t"))
    async with database.writer() as session, session.begin():
        with pytest.raises(InvalidFields) as refused:
            await save_plan(
                session,
                actor=people.maria,
                draft=PlanDraft(" ", NOW - timedelta(minutes=1), "", 0, -5),
                now=NOW,
            )
        assert {problem.field for problem in refused.value.problems} == {
            "title",
            "starts_at",
            "minutes",
            "remind_before",
        }
    mine = await plan(database, people.maria, PlanDraft("Mine", NOW + timedelta(hours=1)))
    async with database.writer() as session, session.begin():
        with pytest.raises(NotFound):
            await delete_plan(session, actor=people.bob, plan_id=mine)
        with pytest.raises(NotFound):
            await delete_plan(session, actor=people.ivan, plan_id=mine)
