"""Tasks in the chat, with the bot in this process (tests/support/in_process.py): /tasks per
role with its *done* buttons (the list redrawn in place, a second or forged press refused),
the due reminder queued once by the job with the test's clock and pressed done, and a client
who writes while a deal is open logged on it with the message still asked about."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

import pytest

from bot.sandbox.telegram import FakeTelegram
from crm.areas import Job
from crm.notify import Notifier
from crm.sales.area import AREA
from db.base import utcnow
from db.engine import Database
from notifications.scheduler import run_job
from tests.sales.tasks_support import Sales, add_sales, chats_logged, due_at, task_row
from tests.support.desk import (
    ANNA,
    BOB,
    IVAN,
    MARIA,
    TOM,
    UNPACED_SENDER,
    People,
    add_people,
    desk_settings,
)
from tests.support.e2e import STAFF_ONLY, bot_said, handled, last_message_id, notified, press
from tests.support.in_process import FAKE_API_BASE, bot_in_process

NOTIFIER = Notifier("en", "EUR")


@pytest.fixture
async def bot_sales(
    fake: FakeTelegram, database_url: str
) -> AsyncIterator[tuple[Database, People, Sales]]:
    settings = desk_settings(FAKE_API_BASE, database_url)
    async with bot_in_process(settings, fake, UNPACED_SENDER) as bot:
        people = await add_people(bot.database, fake)
        sales = await add_sales(bot.database, people, utcnow())
        yield bot.database, people, sales


def _reminders() -> Job:
    return next(job for job in AREA.jobs if job.id == "task_reminders")


async def test_tasks_lists_mine_overdue_first_and_done_redraws_it_in_place(
    bot_sales: tuple[Database, People, Sales], fake: FakeTelegram
) -> None:
    database, _people, sales = bot_sales
    t = sales.tasks
    fake.send_text(IVAN, "/tasks")
    mine = await bot_said(fake, IVAN, "Your open tasks, overdue first:")
    lines = mine.text.splitlines()[1:]
    assert [line.split(" · ")[0] for line in lines] == [f"Task #{t[1]}", f"Task #{t[2]}"]
    assert "Call Maria back · deal “Website” · due " in lines[0] and "⚠️ overdue" in lines[0]
    assert "Send the brochure · Maria Lopez" in lines[1] and "overdue" not in lines[1]
    assert mine.buttons() == [f"✅ Done #{t[1]}", f"✅ Done #{t[2]}"]
    # Tom's and Anna's tasks are not Ivan's; a done one is not open.
    assert "Quote the laptops" not in mine.text and "Kick-off" not in mine.text

    fake.press(IVAN, f"✅ Done #{t[1]}")
    await handled(fake)
    redrawn = next(m for m in fake.messages(IVAN) if m.message_id == mine.message_id)
    assert f"Task #{t[1]}" not in redrawn.text and f"Task #{t[2]}" in redrawn.text
    assert redrawn.buttons() == [f"✅ Done #{t[2]}"]
    assert (await task_row(database, t[1])).done_at is not None

    # The same button again (a stale copy of the list): nothing changes, and it says so.
    mark = last_message_id(fake, IVAN)
    query = await press(fake, IVAN, mine.message_id, f"tsk:listed:{t[1]}")
    assert f"Task #{t[1]} is already done" in fake.answered_callbacks[query]["text"]
    assert last_message_id(fake, IVAN) == mark


async def test_who_may_press_done_and_who_has_tasks(
    bot_sales: tuple[Database, People, Sales], fake: FakeTelegram
) -> None:
    database, _people, sales = bot_sales
    t = sales.tasks
    fake.send_text(TOM, "/tasks")
    toms = await bot_said(fake, TOM, "Your open tasks")
    assert f"Task #{t[3]}" in toms.text and "Call Maria back" not in toms.text
    # Tom forges a press on Ivan's task: for him it does not exist.
    query = await press(fake, TOM, toms.message_id, f"tsk:listed:{t[2]}")
    assert f"Task #{t[2]} does not exist" in fake.answered_callbacks[query]["text"]
    assert (await task_row(database, t[2])).done_at is None
    # Anna, an administrator, may mark anyone's done.
    fake.send_text(ANNA, "/tasks")
    annas = await bot_said(fake, ANNA, "Your open tasks")
    assert f"Task #{t[5]}" in annas.text and f"Task #{t[2]}" not in annas.text
    query = await press(fake, ANNA, annas.message_id, f"tsk:done:{t[2]}")
    assert f"Task #{t[2]} is done." in fake.answered_callbacks[query]["text"]
    assert (await task_row(database, t[2])).done_at is not None
    # A client has no tasks.
    fake.send_text(MARIA, "/tasks")
    await bot_said(fake, MARIA, STAFF_ONLY)
    fake.send_text(IVAN, "/help")
    assert "/tasks" in (await bot_said(fake, IVAN, "/digest")).text


async def test_a_task_due_reminds_its_assignee_once_and_done_ends_it(
    bot_sales: tuple[Database, People, Sales], fake: FakeTelegram
) -> None:
    database, _people, sales = bot_sales
    t = sales.tasks
    now = utcnow()
    remind = _reminders()
    # Task 1 fell due two hours ago: reminded now, and never again.
    assert await run_job(database, NOTIFIER, remind, now=now) == 1
    assert await run_job(database, NOTIFIER, remind, now=now + timedelta(minutes=1)) == 0
    reminder = await notified(fake, database, IVAN, "⏰ A task is due now:")
    assert f"Task #{t[1]} · Call Maria back" in reminder.text
    assert reminder.buttons() == [f"✅ Done #{t[1]}"]
    # Task 2 (three hours on) is done before it falls due: no reminder for it.
    fake.send_text(IVAN, "/tasks")
    await bot_said(fake, IVAN, "Your open tasks")
    fake.press(IVAN, f"✅ Done #{t[2]}")
    await handled(fake)
    assert await run_job(database, NOTIFIER, remind, now=now + timedelta(hours=4)) == 0
    # Tom's falls due tomorrow: not yet. Brought forward, it is reminded (the outbox sends at
    # the job's moment, so the clock stays today's); Done under it takes the button away.
    assert await run_job(database, NOTIFIER, remind, now=now + timedelta(hours=5)) == 0
    await due_at(database, t[3], now - timedelta(minutes=1))
    assert await run_job(database, NOTIFIER, remind, now=utcnow()) == 1
    toms = await notified(fake, database, TOM, "⏰ A task is due now:")
    fake.press(TOM, f"✅ Done #{t[3]}")
    await handled(fake)
    assert next(m for m in fake.messages(TOM) if m.message_id == toms.message_id).buttons() == []
    assert (await task_row(database, t[3])).done_at is not None
    reminders = [m for m in fake.bot_messages(IVAN) if m.text.startswith("⏰")]
    assert len(reminders) == 1


async def test_a_client_writing_while_a_deal_is_open_reaches_its_owner_and_is_logged(
    bot_sales: tuple[Database, People, Sales], fake: FakeTelegram
) -> None:
    database, people, sales = bot_sales
    fake.send_text(MARIA, "Any news about my <website>?")
    # No question: the owner of her open deal has it, and she is told who.
    await bot_said(fake, MARIA, "✉️ Passed on to Ivan Kuznetsov, who works on “Website” with you.")
    relayed = await notified(fake, database, IVAN, "💬 Maria Lopez wrote about deal #")
    assert "Any news about my <website>?" in relayed.text  # escaped on the way, read as typed
    await handled(fake)
    assert await chats_logged(database) == [(people.maria.id, sales.website)]
    # A second message in the same conversation is the same moment of contact in the log.
    fake.send_text(MARIA, "Hello?")
    await notified(fake, database, IVAN, "Hello?")
    await handled(fake)
    assert await chats_logged(database) == [(people.maria.id, sales.website)]
    # A command is not the client writing to the business; Bob's deal is open too.
    fake.send_text(BOB, "/help")
    await handled(fake)
    assert await chats_logged(database) == [(people.maria.id, sales.website)]
    fake.send_text(BOB, "About the laptops")
    await notified(fake, database, TOM, "About the laptops")
    await handled(fake)
    assert (people.bob.id, sales.laptops) in await chats_logged(database)
