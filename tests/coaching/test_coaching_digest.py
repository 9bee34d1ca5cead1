"""A coach's digest (/digest, and the morning one) lists their sessions of the business day and
the sessions held a day ago or more without a meeting report, on a clock the test gives."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from crm.areas import areas_on, digest_parts
from crm.notify import Notifier
from crm.overview.digest import digest_now, enqueue_digests
from db.engine import Database
from db.enums import Role, SessionStatus
from db.models import Client, CoachingSession, Employee, MeetingReport, OutboxMessage

PARIS = ZoneInfo("Europe/Paris")
# 10:00 in Paris on 2 March 2026.
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)

EVERY_PART = digest_parts(areas_on(None))


async def test_the_digest_lists_todays_sessions_and_overdue_reports(database: Database) -> None:
    notifier = Notifier("en", "EUR", PARIS)
    async with database.writer() as session, session.begin():
        ivan = Employee(telegram_id=8102, full_name="Ivan Kuznetsov", role=Role.SPECIALIST)
        tom = Employee(telegram_id=8103, full_name="Tom Baker", role=Role.SPECIALIST)
        pavel = Employee(telegram_id=8104, full_name="Pavel Orlov", role=Role.HELPER)
        maria = Client(full_name="Maria <Lopez>", telegram_id=7001)
        bob = Client(full_name="Bob Stone", telegram_id=7002)
        session.add_all([ivan, tom, pavel, maria, bob])

        def at(
            moment: datetime, client: Client, status: SessionStatus, coach: Employee = ivan
        ) -> CoachingSession:
            meeting = CoachingSession(
                client=client, coach=coach, starts_at=moment, minutes=60, status=status
            )
            session.add(meeting)
            return meeting

        afternoon = at(datetime(2026, 3, 2, 14, 0, tzinfo=UTC), maria, SessionStatus.PLANNED)
        morning = at(datetime(2026, 3, 2, 7, 0, tzinfo=UTC), bob, SessionStatus.DONE)
        yesterday = at(NOW - timedelta(days=1), maria, SessionStatus.DONE)
        reported = at(NOW - timedelta(days=9), bob, SessionStatus.DONE)
        at(datetime(2026, 3, 2, 12, 0, tzinfo=UTC), bob, SessionStatus.CANCELLED)
        # 00:30 on 3 March in Paris is still 2 March in UTC: tomorrow's.
        at(datetime(2026, 3, 2, 23, 30, tzinfo=UTC), maria, SessionStatus.PLANNED)
        at(datetime(2026, 3, 2, 13, 0, tzinfo=UTC), bob, SessionStatus.PLANNED, coach=tom)
        await session.flush()
        session.add(MeetingReport(session_id=reported.id, what_happened="Fine"))

    async with database.reader() as session:
        ivan_now = await session.get(Employee, ivan.id)
        pavel_now = await session.get(Employee, pavel.id)
        assert ivan_now is not None and pavel_now is not None
        text = await digest_now(session, notifier, EVERY_PART, actor=ivan_now, now=NOW)
        helper = await digest_now(session, notifier, EVERY_PART, actor=pavel_now, now=NOW)
    assert text.split("\n")[2:] == [
        "📅 Your sessions today: 2",
        f"Session #{morning.id} · 8:00\u202fAM · Bob Stone · done",
        f"Session #{afternoon.id} · 3:00\u202fPM · Maria &lt;Lopez&gt; · planned",
        "",
        "📝 Meeting reports overdue: 1",
        f"Session #{yesterday.id} · 3/1/26, 10:00\u202fAM · Maria &lt;Lopez&gt;"
        f": /report {yesterday.id}",
    ]
    assert "sessions today" not in helper and "overdue" not in helper

    async with database.writer() as session, session.begin():
        assert (
            await enqueue_digests(
                session, notifier, EVERY_PART, day=NOW.astimezone(PARIS).date(), now=NOW
            )
            == 2
        )
    async with database.reader() as session:
        sent = {
            row.chat_id: row.payload["text"] for row in await session.scalars(select(OutboxMessage))
        }
    assert set(sent) == {8102, 8103}  # Pavel has nothing: no digest
    # The morning digest leaves out the parts with nothing in them: no "open tickets: 0".
    assert sent[8102] == "\n".join(text.split("\n")[2:])
    assert "📅 Your sessions today: 1" in sent[8103]
