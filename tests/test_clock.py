"""Rules about time hold at the moment they are given, not at the wall clock's."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from crm.notify import Notifier
from crm.settings import Settings
from crm.tickets.dashboard import OVERDUE_AFTER, ticket_figures
from crm.tickets.tickets import open_ticket
from db.engine import Database
from db.enums import Role
from db.models import Client, Employee, OutboxMessage
from notifications.scheduler import send_digests

OPENED = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)


async def _an_open_ticket_and_its_manager(database: Database) -> tuple[int, int]:
    async with database.writer() as session, session.begin():
        anna = Employee(telegram_id=8101, full_name="Anna Petrova", role=Role.ADMIN)
        maria = Client(full_name="Maria Lopez", telegram_id=7001)
        session.add_all([anna, maria])
        ticket = await open_ticket(
            session, actor=maria, client=maria, description="Printer", now=OPENED
        )
        ticket.assignee = anna
        return ticket.id, anna.id


async def test_the_dashboard_calls_a_ticket_overdue_once_it_is_open_over_three_days(
    database: Database,
) -> None:
    ticket_id, anna_id = await _an_open_ticket_and_its_manager(database)

    async def overdue_at(now: datetime) -> list[int]:
        async with database.reader() as session:
            anna = await session.get(Employee, anna_id)
            assert anna is not None
            numbers = await ticket_figures(session, actor=anna, zone=ZoneInfo("UTC"), now=now)
        assert numbers.per_day[-1][0] == now.date()  # the chart ends on the day of ``now``
        return [ticket.id for ticket in numbers.overdue]

    assert await overdue_at(OPENED + OVERDUE_AFTER - timedelta(minutes=1)) == []
    assert await overdue_at(OPENED + OVERDUE_AFTER + timedelta(minutes=1)) == [ticket_id]


async def test_the_digest_is_for_the_business_day_of_the_moment_it_runs(
    database: Database, sqlite_url: str
) -> None:
    await _an_open_ticket_and_its_manager(database)
    settings = Settings(_env_file=None, database_url=sqlite_url, timezone="Asia/Tokyo")
    # 20:00 in UTC is already the next morning in Tokyo.
    evening = datetime(2026, 3, 2, 20, 0, tzinfo=UTC)
    assert await send_digests(database, Notifier("en"), settings, now=evening) == 1
    async with database.reader() as session:
        [digest] = await session.scalars(select(OutboxMessage))
    assert digest.dedupe_key is not None
    assert digest.dedupe_key.endswith(f":{date(2026, 3, 3).isoformat()}#0")
    assert digest.created_at == evening
    assert "Your open tickets: 1" in digest.payload["text"]
