"""The client's side of coaching in the chat, with the bot in this process
(tests/support/in_process.py): the /book dialog (domain, coach, time, message) ending in a
request the coach accepts, its /cancel and bad input, and the rating asked after a session held.
Paris time, UTC kept."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import delete, select, update

from bot.sandbox.telegram import FakeTelegram
from crm.moments import button_day, written_clock
from db.engine import Database
from db.enums import RequestStatus, SessionStatus
from db.models import (
    CoachingRequest,
    CoachingSession,
    CoachProfile,
    ExpertiseDomain,
)
from tests.support.coaching import PARIS, bot_coached, paris_in, shown, typed  # noqa: F401  (fixtures)
from tests.support.desk import (
    IVAN,
    MARIA,
    TOM,
    People,
)
from tests.support.e2e import bot_said, handled, last_message_id, notified, press

NOT_OPEN = "That choice is no longer open: /book starts again."


@pytest.fixture
async def booking(bot_coached: tuple[Database, People]) -> AsyncIterator[tuple[Database, People]]:
    """Ivan (60 an hour) and Tom (no rate given, no bio) coach Career; nobody coaches
    Leadership yet."""
    database, people = bot_coached
    async with database.writer() as session, session.begin():
        career = await session.scalar(
            select(ExpertiseDomain).where(ExpertiseDomain.name == "Career")
        )
        assert career is not None
        await session.execute(
            update(CoachProfile)
            .where(CoachProfile.employee_id == people.ivan.id)
            .values(hourly_rate=Decimal("60"))
        )
        session.add(ExpertiseDomain(name="Leadership"))
        tom = CoachProfile(employee_id=people.tom.id, domains=[])
        session.add(tom)
        await session.flush()
        await session.refresh(tom, ["domains"])
        tom.domains = [career]
    yield database, people


async def requests(database: Database) -> list[CoachingRequest]:
    async with database.reader() as session:
        return list(await session.scalars(select(CoachingRequest).order_by(CoachingRequest.id)))


async def test_a_booking_becomes_a_request_the_coach_accepts_into_a_session(
    booking: tuple[Database, People], fake: FakeTelegram
) -> None:
    database, people = booking
    wanted = paris_in(5, 17, 45)
    fake.send_text(MARIA, "/book")
    domains = await bot_said(fake, MARIA, "What would you like coaching on?")
    assert domains.buttons() == ["Career"]  # Leadership has no coach yet
    fake.press(MARIA, "Career")
    listing = await bot_said(fake, MARIA, "Coaches in Career:")
    assert "Ivan Kuznetsov · €60.00 an hour\nTen years in HR\nExpertise: Career" in listing.text
    assert "Tom Baker · rate on request\nExpertise: Career" in listing.text
    assert listing.buttons() == ["Ivan Kuznetsov", "Tom Baker", "Any coach in Career"]
    assert domains.message_id != listing.message_id
    fake.press(MARIA, "Ivan Kuznetsov")
    await bot_said(fake, MARIA, "When would you like to meet?")
    assert "(time zone Europe/Paris)" in fake.bot_messages(MARIA)[-1].text

    # Bad times are refused and asked again; the dialog goes on.
    for bad, said in (
        ("tomorrow evening", "“tomorrow evening” is not a date and time"),
        ("2026-02-30 10:00", "“2026-02-30 10:00” is not a date and time"),
        ("2020-01-01 10:00", "The session must start in the future"),
        (typed(paris_in(400, 10)), "A session is planned at most a year ahead"),
    ):
        mark = last_message_id(fake, MARIA)
        fake.send_text(MARIA, bad)
        refused = await bot_said(fake, MARIA, said, after=mark)
        assert "When would you like to meet?" in refused.text
    assert await requests(database) == []

    mark = last_message_id(fake, MARIA)
    fake.send_text(MARIA, typed(wanted))
    await bot_said(fake, MARIA, "Anything the coach should know", after=mark)
    fake.send_text(MARIA, "I want <b>to</b> change careers")
    sent = await bot_said(fake, MARIA, "🙋 Your coaching request #1 is sent to Ivan Kuznetsov.")
    assert f"Preferred: {shown(wanted)}" in sent.text
    told = await notified(fake, database, IVAN, "🙋 Coaching request #1 from Maria Lopez.")
    assert "I want <b>to</b> change careers" in told.text  # shown as typed, not as markup
    assert not [m for m in fake.bot_messages(TOM) if "Coaching request" in m.text]
    [request] = await requests(database)
    assert (request.client_id, request.coach_id, request.status) == (
        people.maria.id,
        people.ivan.id,
        RequestStatus.PENDING,
    )
    assert request.preferred_at is not None
    assert request.preferred_at == wanted.astimezone(UTC)

    # The old buttons are gone from the dialog: pressing one again sends nothing.
    query = await press(fake, MARIA, listing.message_id, f"bk:coach:{people.tom.id}")
    assert fake.answered_callbacks[query]["text"] == NOT_OPEN
    assert len(await requests(database)) == 1

    fake.send_text(IVAN, "/requests")
    await bot_said(fake, IVAN, "Coaching requests waiting for your answer (1):")
    fake.press(IVAN, "✅ Accept #1")
    await bot_said(fake, IVAN, f"Request #1 accepted: session #1 on {shown(wanted)}")
    await notified(fake, database, MARIA, "✅ Ivan Kuznetsov accepted your request #1: session #1")
    async with database.reader() as session:
        meeting = await session.get(CoachingSession, 1)
    assert meeting is not None and meeting.status is SessionStatus.PLANNED
    assert (meeting.client_id, meeting.coach_id) == (people.maria.id, people.ivan.id)


async def test_any_coach_of_a_domain_and_skip_reaches_every_coach_of_it(
    booking: tuple[Database, People], fake: FakeTelegram
) -> None:
    database, _people = booking
    fake.send_text(MARIA, "/book")
    await bot_said(fake, MARIA, "What would you like coaching on?")
    fake.press(MARIA, "Career")
    await bot_said(fake, MARIA, "Coaches in Career:")
    fake.press(MARIA, "Any coach in Career")
    await bot_said(fake, MARIA, "When would you like to meet?")
    fake.send_text(MARIA, typed(paris_in(2, 9)))
    await bot_said(fake, MARIA, "Anything the coach should know")
    fake.send_text(MARIA, "/skip")
    await bot_said(fake, MARIA, "🙋 Your coaching request #1 is sent to the coaches of Career.")
    await notified(fake, database, IVAN, "🙋 Coaching request #1 from Maria Lopez.")
    await notified(fake, database, TOM, "🙋 Coaching request #1 from Maria Lopez.")
    [request] = await requests(database)
    assert (request.coach_id, request.message) == (None, None)
    assert request.domain_id is not None


async def test_cancel_in_the_middle_keeps_nothing_and_stale_buttons_send_nothing(
    booking: tuple[Database, People], fake: FakeTelegram
) -> None:
    database, people = booking
    fake.send_text(MARIA, "/book")
    domains = await bot_said(fake, MARIA, "What would you like coaching on?")
    fake.press(MARIA, "Career")
    listing = await bot_said(fake, MARIA, "Coaches in Career:")
    fake.press(MARIA, "Ivan Kuznetsov")
    await bot_said(fake, MARIA, "When would you like to meet?")
    fake.send_text(MARIA, typed(paris_in(2, 9)))
    await bot_said(fake, MARIA, "Anything the coach should know")
    fake.send_text(MARIA, "/cancel")
    await bot_said(fake, MARIA, "Cancelled.")
    mark = last_message_id(fake, MARIA)
    fake.send_text(MARIA, "Please call me")  # out of the dialog: no message to a coach
    await bot_said(fake, MARIA, "", after=mark)
    for data, message_id in (
        (f"bk:coach:{people.ivan.id}", listing.message_id),
        ("bk:coach:0", listing.message_id),
        ("bk:domain:1", domains.message_id),
    ):
        query = await press(fake, MARIA, message_id, data)
        assert fake.answered_callbacks[query]["text"] == NOT_OPEN
    await handled(fake)
    assert await requests(database) == []
    assert not [m for m in fake.bot_messages(IVAN) if "Coaching request" in m.text]


async def test_book_is_for_clients_and_says_so_when_nobody_coaches(
    bot_coached: tuple[Database, People], fake: FakeTelegram
) -> None:
    database, _people = bot_coached
    fake.send_text(IVAN, "/book")
    await bot_said(fake, IVAN, "/book is for clients")
    async with database.writer() as session, session.begin():
        await session.execute(delete(CoachProfile))
    fake.send_text(MARIA, "/book")
    await bot_said(fake, MARIA, "No coach takes requests yet.")
    assert await requests(database) == []


async def test_book_offers_the_coach_days_then_times_and_any_example_is_in_the_future(
    booking: tuple[Database, People], fake: FakeTelegram
) -> None:
    """The coach's hours are shown; the days offered are the next ones the coach works, the
    times those of their hours; the example to copy is a moment to come."""
    database, people = booking
    async with database.writer() as session, session.begin():
        await session.execute(
            update(CoachProfile)
            .where(CoachProfile.employee_id == people.ivan.id)
            .values(availability="Mon–Thu 10:00–19:00, online")
        )
    fake.send_text(MARIA, "/book")
    await bot_said(fake, MARIA, "What would you like coaching on?")
    fake.press(MARIA, "Career")
    listing = await bot_said(fake, MARIA, "Coaches in Career:")
    assert "Hours: Mon–Thu 10:00–19:00, online" in listing.text
    fake.press(MARIA, "Ivan Kuznetsov")
    asked = await bot_said(fake, MARIA, "When would you like to meet?")
    assert "The coach's hours: Mon–Thu 10:00–19:00, online" in asked.text
    tomorrow = (datetime.now(PARIS) + timedelta(days=1)).date()
    assert f"write the date and time as {tomorrow.isoformat()} 18:30" in asked.text
    # Mon–Thu from today, today only while its last start (18:00) is still to come.
    now = datetime.now(PARIS)
    works = [
        day
        for day in _days_from_today(7)
        if day.weekday() < 4 and datetime.combine(day, time(18), tzinfo=PARIS) > now
    ]
    assert asked.buttons() == [button_day(day, "en") for day in works[:7]]
    first = next(day for day in works if day > now.date())  # a whole day of hours
    fake.press(MARIA, button_day(first, "en"))
    times = await bot_said(fake, MARIA, f"At what time on {button_day(first, 'en')}?")
    assert times.buttons() == [written_clock(time(hour), "en") for hour in range(10, 19)]
    assert times.buttons()[-1] == "6:00\u202fPM"
    fake.press(MARIA, "6:00\u202fPM")
    await bot_said(fake, MARIA, "Anything the coach should know")
    fake.send_text(MARIA, "/skip")
    await bot_said(fake, MARIA, "🙋 Your coaching request #1 is sent to Ivan Kuznetsov.")
    [request] = await requests(database)
    wanted = datetime.combine(first, time(18), tzinfo=PARIS)
    assert request.preferred_at == wanted.astimezone(UTC)


def _days_from_today(count: int) -> list[date]:
    today = datetime.now(PARIS).date()
    return [today + timedelta(days=step) for step in range(count * 3)]


@pytest.mark.parametrize(
    "form",
    ["{day:%d/%m/%Y} 18:30", "{day:%d.%m.%Y} 18:30", "{day:%Y-%m-%d} 18:30", "tomorrow 18:30"],
)
async def test_book_takes_dates_as_people_type_them(
    booking: tuple[Database, People], fake: FakeTelegram, form: str
) -> None:
    database, _people = booking
    day = (datetime.now(PARIS) + timedelta(days=1)).date()
    fake.send_text(MARIA, "/book")
    await bot_said(fake, MARIA, "What would you like coaching on?")
    fake.press(MARIA, "Career")
    await bot_said(fake, MARIA, "Coaches in Career:")
    fake.press(MARIA, "Ivan Kuznetsov")
    await bot_said(fake, MARIA, "When would you like to meet?")
    fake.send_text(MARIA, form.format(day=day))
    await bot_said(fake, MARIA, "Anything the coach should know")
    fake.send_text(MARIA, "/skip")
    await bot_said(fake, MARIA, "🙋 Your coaching request #1 is sent to Ivan Kuznetsov.")
    [request] = await requests(database)
    wanted = datetime.combine(day, time(18, 30), tzinfo=PARIS)
    assert request.preferred_at == wanted.astimezone(UTC)
