"""Tasks and interactions as services on a real database: the reminder job with the test's
clock (once per due time, none for a task done meanwhile, again when moved), the digest part,
the listing's pages in due order with undated tasks last, and the interaction log merging a
client's chats (a ticket message they wrote, a notice they were sent) without their text."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select

from bot.sandbox.telegram import FakeTelegram
from crm.areas import DigestDay, areas_on
from crm.chats import chat_sources
from crm.notify import Notifier
from crm.sales.area import AREA
from crm.sales.digest import task_digest
from crm.sales.interaction_log import interaction_log
from crm.sales.task_listing import TaskFilter, list_tasks
from crm.sales.tasks import add_task, finish_task
from crm.tickets.tickets import open_ticket
from db.engine import Database
from db.enums import InteractionKind
from db.models import Client, Employee, OutboxMessage
from notifications.scheduler import run_job
from tests.sales.tasks_support import Sales, add_sales, due_at
from tests.support.desk import IVAN, TOM, People, add_people

NOTIFIER = Notifier("en", "EUR")
NOW = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)
JOB = next(job for job in AREA.jobs if job.id == "task_reminders")


async def _setting(database: Database) -> tuple[People, Sales]:
    people = await add_people(database, FakeTelegram("1:t"))
    return people, await add_sales(database, people, NOW)


async def told(database: Database, chat_id: int) -> list[str]:
    async with database.reader() as session:
        rows = await session.scalars(
            select(OutboxMessage).where(OutboxMessage.chat_id == chat_id).order_by(OutboxMessage.id)
        )
        return [row.payload["text"] for row in rows]


async def test_a_due_task_is_reminded_once_never_when_done_and_again_when_moved(
    database: Database,
) -> None:
    people, sales = await _setting(database)
    t = sales.tasks

    async def remind(at: datetime) -> int:
        return await run_job(database, NOTIFIER, JOB, now=at)

    assert await remind(NOW) == 1  # task 1, due two hours ago
    assert await remind(NOW + timedelta(minutes=1)) == 0  # a second run adds nothing
    async with database.writer() as session, session.begin():
        ivan = await session.get(Employee, people.ivan.id)
        assert ivan is not None
        await finish_task(session, actor=ivan, task_id=t[2], now=NOW)
    assert await remind(NOW + timedelta(hours=4)) == 0  # task 2 was done before it fell due
    assert await remind(NOW + timedelta(days=1, minutes=5)) == 1  # Tom's
    assert await remind(NOW + timedelta(days=1, hours=1, minutes=1)) == 1  # Anna's
    reminders = [text for text in await told(database, IVAN) if text.startswith("⏰")]
    assert reminders == [
        f"⏰ A task is due now:\nTask #{t[1]} · Call Maria back · deal “Website”"
        " · due 12/2/26, 7:00\u202fAM"
    ]
    # Moved to a later time, a task reminds again then; a task long past due is not reminded.
    await due_at(database, t[1], NOW + timedelta(days=1, hours=2))
    assert await remind(NOW + timedelta(days=1, hours=2, minutes=1)) == 1
    assert len([text for text in await told(database, IVAN) if text.startswith("⏰")]) == 2
    assert await remind(NOW + timedelta(days=9)) == 0
    assert len([text for text in await told(database, TOM) if text.startswith("⏰")]) == 1


async def test_the_digest_lists_tasks_due_today_and_overdue(database: Database) -> None:
    people, sales = await _setting(database)
    t = sales.tasks
    async with database.reader() as session:
        text = await task_digest(session, NOTIFIER, DigestDay(day=NOW.date(), now=NOW))
    ivans = text(people.ivan.id, False, "en")
    assert ivans.splitlines()[0] == "✅ Your tasks due today and overdue: 2 (1 overdue)"
    assert f"Task #{t[1]}" in ivans and "⚠️ overdue" in ivans and f"Task #{t[2]}" in ivans
    assert f"Task #{t[4]}" not in ivans  # done
    assert text(people.tom.id, False, "en") == ""  # his is due tomorrow
    assert text(people.ivan.id, False, "ru").startswith("✅ Ваши задачи на сегодня")
    async with database.reader() as session:
        asked = await task_digest(
            session, NOTIFIER, DigestDay(day=date(2026, 12, 3), now=NOW, employee_id=people.tom.id)
        )
    assert f"Task #{t[3]}" in asked(people.tom.id, False, "en")
    assert asked(people.ivan.id, False, "en") == ""  # only the asker's were read


async def test_the_listing_pages_in_due_order_with_undated_tasks_last(database: Database) -> None:
    people, _ = await _setting(database)
    async with database.writer() as session, session.begin():
        anna = await session.get(Employee, people.anna.id)
        assert anna is not None
        for number in range(7):
            await add_task(
                session,
                actor=anna,
                title=f"Undated {number}",
                now=NOW,
                client_id=people.bob.id,
            )
    seen: list[str] = []
    cursor = None
    async with database.reader() as session:
        anna = await session.get(Employee, people.anna.id)
        assert anna is not None
        while True:
            page = await list_tasks(session, anna, TaskFilter(now=NOW), cursor=cursor, page_size=3)
            seen += [task.title for task in page.tasks]
            cursor = page.next_cursor
            if cursor is None:
                break
    assert len(seen) == len(set(seen)) == 12
    assert seen[:5] == [
        "Kick-off notes",
        "Call Maria back",
        "Send the brochure",
        "Quote the laptops",
        "Ask Bob for feedback",
    ]
    assert sorted(seen[5:]) == [f"Undated {n}" for n in range(7)]


async def test_the_interaction_log_shows_chats_without_their_text(database: Database) -> None:
    people, sales = await _setting(database)
    async with database.writer() as session, session.begin():
        maria = await session.get(Client, people.maria.id)
        assert maria is not None
        await open_ticket(
            session, actor=maria, client=maria, description="My secret code is 4242", now=NOW
        )
        await NOTIFIER.enqueue(session, maria.telegram_id or 0, "Reply: try 1234", now=NOW)
    async with database.reader() as session:
        ivan = await session.get(Employee, people.ivan.id)
        assert ivan is not None
        log = await interaction_log(
            session, chat_sources(areas_on(None)), actor=ivan, client_id=people.maria.id
        )
    chats = [(entry.kind, entry.from_client, entry.notes) for entry in log]
    assert (InteractionKind.CHAT, True, None) in chats  # the ticket she opened
    assert (InteractionKind.CHAT, False, None) in chats  # the reply she was sent
    assert not any("4242" in repr(entry) or "1234" in repr(entry) for entry in log)
    # With the tickets area off, its source is not asked; the outbox still is.
    async with database.reader() as session:
        ivan = await session.get(Employee, people.ivan.id)
        assert ivan is not None
        alone = await interaction_log(
            session, chat_sources(areas_on(["sales"])), actor=ivan, client_id=people.maria.id
        )
    assert [entry.from_client for entry in alone] == [False]
    del sales
