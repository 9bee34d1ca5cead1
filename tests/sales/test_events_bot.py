"""Events in the chat with the bot in this process (tests/support/in_process.py): a client joins
and leaves from /events by buttons that say what a press does, the organiser (or with none the
managers) is told, an old or forged press changes nothing, a past or deleted event is refused;
the participants are reminded once the day before with the clock the test sets, never one who
left, never of a deleted event; staff see how many go, and only the organiser and the managers
who."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select

from bot.sandbox.telegram import FakeTelegram
from crm.notify import Notifier
from crm.sales.events import delete_event
from crm.sales.tasks import add_task
from db.base import utcnow
from db.engine import Database
from db.enums import ParticipantStatus
from db.models import Employee, Event, EventParticipant, OutboxMessage
from tests.sales.jobs import send_event_reminders
from tests.support.desk import ANNA, BOB, IVAN, MARIA, PAVEL, TOM, People, bot_desk  # noqa: F401
from tests.support.e2e import bot_said, last_message_id, notified, press
from tests.support.in_process import BotInProcess

NOTIFIER = Notifier("en", "EUR")


async def _events(database: Database, people: People) -> tuple[datetime, datetime]:
    """#1 Demo day in two days (Ivan organises), #2 a meetup yesterday, #3 Launch in five days
    (nobody organises: the managers hear)."""
    soon = (utcnow() + timedelta(days=2)).replace(microsecond=0)
    later = (utcnow() + timedelta(days=5)).replace(microsecond=0)
    async with database.writer() as session, session.begin():
        session.add(
            Event(title="Demo day", starts_at=soon, place="Hall A", organiser_id=people.ivan.id)
        )
        session.add(Event(title="Old meetup", starts_at=utcnow() - timedelta(days=1)))
        session.add(Event(title="Launch", starts_at=later))
    return soon, later


async def _told(database: Database, chat_id: int, fragment: str) -> int:
    async with database.reader() as session:
        rows = await session.scalars(select(OutboxMessage).where(OutboxMessage.chat_id == chat_id))
        return sum(fragment in row.payload.get("text", "") for row in rows)


async def _rows(database: Database) -> list[tuple[int, int, ParticipantStatus]]:
    async with database.reader() as session:
        found = await session.scalars(select(EventParticipant).order_by(EventParticipant.id))
        return [(row.event_id, row.client_id, row.status) for row in found]


async def test_clients_join_and_leave_events_and_are_reminded_once_the_day_before(
    bot_desk: tuple[BotInProcess, Database, People], fake: FakeTelegram
) -> None:
    _bot, database, people = bot_desk
    soon, later = await _events(database, people)

    fake.send_text(MARIA, "/events")
    listed = await bot_said(fake, MARIA, "📅 Upcoming events (a button joins or leaves):")
    assert "Demo day" in listed.text and "Hall A" in listed.text and "Launch" in listed.text
    assert "Old meetup" not in listed.text
    assert listed.buttons() == ["✅ Join: Demo day", "✅ Join: Launch"]

    fake.press(MARIA, "✅ Join: Demo day")
    await bot_said(fake, MARIA, "You are going to event #1 “Demo day”. We will remind you")
    now_shown = fake.bot_messages(MARIA)
    assert any(m.buttons() == ["🚪 Leave: Demo day", "✅ Join: Launch"] for m in now_shown)
    # The list itself now says so under the event, as /events would.
    (redrawn,) = [m for m in now_shown if m.message_id == listed.message_id]
    assert "Demo day" in redrawn.text and "✅ You are going." in redrawn.text
    assert redrawn.text.index("✅ You are going.") < redrawn.text.index("Launch")
    await notified(fake, database, IVAN, "🎟 Maria Lopez joined event #1 “Demo day” (1 going).")

    # The old button pressed again (a second tap, a stale message): nothing changes, nobody
    # is told twice; a forged or stale id and a past event are refused in words.
    mark = last_message_id(fake, MARIA)
    await press(fake, MARIA, listed.message_id, "ev:join:1")
    await bot_said(fake, MARIA, "You are already going to event #1.", after=mark)
    assert await _told(database, IVAN, "joined event #1") == 1
    for data, said in (
        ("ev:join:999", "That event does not exist"),
        ("ev:leave:999", "That event does not exist"),
        ("ev:join:2", "Event #2 has already begun"),
        ("ev:dance:1", "That button is not valid any more."),
    ):
        query = await press(fake, MARIA, listed.message_id, data)
        assert fake.answered_callbacks[query]["text"] == said
    assert await _rows(database) == [(1, people.maria.id, ParticipantStatus.GOING)]

    # Bob goes to the launch (the managers hear, nobody organises it), and to the demo day,
    # leaves, comes back and leaves again: one row, left; Ivan hears each change.
    fake.send_text(BOB, "/events")
    await bot_said(fake, BOB, "📅 Upcoming events")
    fake.press(BOB, "✅ Join: Launch")
    await bot_said(fake, BOB, "You are going to event #3 “Launch”.")
    await notified(fake, database, ANNA, "🎟 Bob Stone joined event #3 “Launch” (1 going).")
    for button, said in (
        ("✅ Join: Demo day", "You are going to event #1"),
        ("🚪 Leave: Demo day", "You left event #1 “Demo day”."),
        ("✅ Join: Demo day", "You are going to event #1"),
        ("🚪 Leave: Demo day", "You left event #1 “Demo day”."),
    ):
        mark = last_message_id(fake, BOB)
        fake.press(BOB, button)
        await bot_said(fake, BOB, said, after=mark)
    assert await _told(database, IVAN, "🚪 Bob Stone left event #1") == 2
    assert await _told(database, IVAN, "🎟 Bob Stone joined event #1") == 2
    assert sorted(await _rows(database)) == [
        (1, people.maria.id, ParticipantStatus.GOING),
        (1, people.bob.id, ParticipantStatus.LEFT),
        (3, people.bob.id, ParticipantStatus.GOING),
    ]

    # The reminders, with the clock set by the test: none more than a day ahead; once within
    # the day before, to Maria alone (Bob left); never again.
    assert await send_event_reminders(database, NOTIFIER, now=soon - timedelta(hours=25)) == 0
    assert await send_event_reminders(database, NOTIFIER, now=soon - timedelta(hours=23)) == 1
    assert await send_event_reminders(database, NOTIFIER, now=soon - timedelta(hours=2)) == 0
    # Queued for the moment the test's clock said (a day ahead of the real one): in the outbox.
    assert await _told(database, MARIA, "⏰ Reminder: event #1 “Demo day” starts") == 1
    assert await _told(database, MARIA, "Place: Hall A") == 1
    assert await _told(database, BOB, "⏰ Reminder") == 0

    # The launch is deleted: Bob, who was going, hears nothing of it.
    async with database.writer() as session, session.begin():
        anna = await session.get(Employee, people.anna.id)
        assert anna is not None
        await delete_event(session, actor=anna, event_id=3)
    assert await send_event_reminders(database, NOTIFIER, now=later - timedelta(hours=23)) == 0
    assert await _told(database, BOB, "⏰ Reminder") == 0
    async with database.reader() as session:
        assert await session.scalar(select(func.count()).select_from(EventParticipant)) == 2


async def test_staff_see_how_many_go_and_only_the_organiser_and_managers_see_who(
    bot_desk: tuple[BotInProcess, Database, People], fake: FakeTelegram
) -> None:
    _bot, database, people = bot_desk
    await _events(database, people)
    async with database.writer() as session, session.begin():
        session.add_all(
            [
                EventParticipant(event_id=1, client_id=people.maria.id),
                EventParticipant(
                    event_id=1, client_id=people.bob.id, status=ParticipantStatus.LEFT
                ),
            ]
        )

    fake.send_text(TOM, "/events")
    listing = await bot_said(fake, TOM, "📅 Upcoming events (who takes part: /events 3):")
    assert "Demo day" in listing.text and "1 going" in listing.text
    assert "Launch" in listing.text and "0 going" in listing.text
    assert "Old meetup" not in listing.text and not listing.buttons()

    for who in (IVAN, ANNA):  # the organiser, an administrator
        fake.send_text(who, "/events 1")
        card = await bot_said(fake, who, "Going (1):")
        assert "• Maria Lopez" in card.text and "Left (1):\n• Bob Stone" in card.text
    for who in (TOM, PAVEL):  # another specialist, a helper
        fake.send_text(who, "/events 1")
        await bot_said(fake, who, "Only the organiser and the managers see who takes part.")
    fake.send_text(ANNA, "/events 99")
    await bot_said(fake, ANNA, "That event does not exist")
    fake.send_text(ANNA, "/events soon")
    await bot_said(fake, ANNA, "Write /events for the upcoming events")
    # A client's /events takes no number: the list, never who takes part.
    fake.send_text(MARIA, "/events 1")
    mine = await bot_said(fake, MARIA, "📅 Upcoming events (a button joins or leaves):")
    assert "Bob Stone" not in mine.text and "✅ You are going." in mine.text


async def test_the_agenda_lists_the_events_a_client_joined_and_the_tasks_due_to_staff(
    bot_desk: tuple[BotInProcess, Database, People], fake: FakeTelegram
) -> None:
    _bot, database, people = bot_desk
    await _events(database, people)
    fake.send_text(MARIA, "/agenda")
    await bot_said(fake, MARIA, "Nothing is on your agenda.")
    fake.send_text(MARIA, "/events")
    await bot_said(fake, MARIA, "📅 Upcoming events")
    fake.press(MARIA, "✅ Join: Launch")
    await bot_said(fake, MARIA, "You are going to event #3 “Launch”.")
    mark = last_message_id(fake, MARIA)
    fake.send_text(MARIA, "/agenda")
    agenda = await bot_said(fake, MARIA, "📅 Coming for you:", after=mark)
    assert "Launch" in agenda.text and "Demo day" not in agenda.text
    # A task given to Ivan, due in three hours, is on his agenda.
    async with database.writer() as session, session.begin():
        await add_task(
            session,
            actor=people.anna,
            title="Call Maria back",
            assignee_id=people.ivan.id,
            client_id=people.maria.id,
            due_at=utcnow() + timedelta(hours=3),
            now=utcnow(),
        )
    fake.send_text(IVAN, "/agenda")
    staff = await bot_said(fake, IVAN, "📅 Your agenda from today on:")
    assert "Call Maria back" in staff.text
