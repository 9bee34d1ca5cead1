"""The issue's "done means", in one journey through the running product, over HTTP: a client
books a coach in the bot, the coach accepts the request into a session, both are reminded (the
clock is the test's), the coach marks it done, files the meeting report and a recording from
Telegram and moves the client on in their programme, the client rates it — and the per-coach
and per-programme reports in the admin site show all of it on the next request."""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path

import aiohttp
import pytest
from sqlalchemy import select, update

from bot.runner import Running
from bot.sandbox.telegram import FakeTelegram
from crm.coaching.programs import create_program, enrol
from crm.notify import Notifier
from db.base import utcnow
from db.enums import RecordingKind, SessionStatus
from db.models import (
    CoachingSession,
    CoachProfile,
    Employee,
    ExpertiseDomain,
    MeetingReport,
    Recording,
)
from tests.coaching.jobs import send_reminders
from tests.support.coaching import PARIS, audio, send_media, shown, typed
from tests.support.desk import (
    FAST_SENDER,
    IVAN,
    MARIA,
    People,
    add_people,
    desk_settings,
)
from tests.support.e2e import Product, bot_said, handled, last_message_id, notified
from tests.support.site import give_logins, sign_in


@pytest.fixture
async def practice(
    fake_telegram: tuple[FakeTelegram, str], database_url: str, in_tmp_dir: Path
) -> AsyncIterator[tuple[Running, People, int]]:
    """The desk on Paris time; Ivan coaches Career; Maria is at the first of two stages of a
    programme; Ivan signs in to the site. Yields the running product, the people and the
    programme's id."""
    fake, url = fake_telegram
    product = Product(desk_settings(url, database_url, timezone="Europe/Paris"), FAST_SENDER)
    running = await product.start()
    database = running.database
    people = await add_people(database, fake)
    async with database.writer() as session, session.begin():
        career = ExpertiseDomain(name="Career")
        session.add(career)
        await session.flush()
        profile = CoachProfile(employee_id=people.ivan.id, bio="Ten years in HR", domains=[])
        session.add(profile)
        await session.flush()
        await session.refresh(profile, ["domains"])
        profile.domains = [career]
        anna = await session.get(Employee, people.anna.id)
        assert anna is not None
        program = await create_program(
            session, actor=anna, name="Career Reboot", stages=["Diagnosis", "Action"]
        )
        await enrol(
            session, actor=anna, client_id=people.maria.id, program_id=program.id, now=utcnow()
        )
    await give_logins(database, people.ivan)
    yield running, people, program.id
    await product.stop()


async def csv_rows(http: aiohttp.ClientSession, url: str) -> list[dict[str, str]]:
    async with http.get(url) as response:
        text = await response.text()
        assert response.status == 200, text
    return list(csv.DictReader(io.StringIO(text)))


async def test_a_request_becomes_a_session_reported_recorded_rated_and_counted(
    practice: tuple[Running, People, int], fake: FakeTelegram
) -> None:
    running, people, _program = practice
    database = running.database
    # Within a day: the first reminder is due as soon as the session is planned.
    wanted = (datetime.now(PARIS) + timedelta(hours=20)).replace(second=0, microsecond=0)

    # The client books Ivan; Ivan accepts the request into a session.
    fake.send_text(MARIA, "/book")
    await bot_said(fake, MARIA, "What would you like coaching on?")
    fake.press(MARIA, "Career")
    await bot_said(fake, MARIA, "Coaches in Career:")
    fake.press(MARIA, "Ivan Kuznetsov")
    await bot_said(fake, MARIA, "When would you like to meet?")
    fake.send_text(MARIA, typed(wanted))
    await bot_said(fake, MARIA, "Anything the coach should know")
    fake.send_text(MARIA, "/skip")
    await bot_said(fake, MARIA, "Your coaching request #1 is sent to Ivan Kuznetsov.")
    await notified(fake, database, IVAN, "🙋 Coaching request #1 from Maria Lopez.")
    fake.send_text(IVAN, "/requests")
    await bot_said(fake, IVAN, "Coaching requests waiting for your answer (1):")
    fake.press(IVAN, "✅ Accept #1")
    await bot_said(fake, IVAN, f"Request #1 accepted: session #1 on {shown(wanted)}")
    await notified(fake, database, MARIA, "accepted your request #1: session #1")

    # Less than a day before, both are reminded; the job's next run reminds nobody again.
    notifier = Notifier("en", "EUR", PARIS)
    now = utcnow()
    assert await send_reminders(database, notifier, now=now) == 2
    assert await send_reminders(database, notifier, now=now + timedelta(minutes=1)) == 0
    reminder = f"⏰ Reminder: session #1 at {shown(wanted)}, 60 min."
    await notified(fake, database, MARIA, reminder)
    await notified(fake, database, IVAN, reminder)

    # The meeting takes place: the test moves it into the past rather than waiting two days.
    async with database.writer() as session, session.begin():
        await session.execute(
            update(CoachingSession)
            .where(CoachingSession.id == 1)
            .values(starts_at=utcnow() - timedelta(hours=2))
        )
    fake.send_text(IVAN, "/session 1")
    card = await bot_said(fake, IVAN, "#1 · planned")
    fake.press(IVAN, "✅ Done")
    await bot_said(fake, IVAN, "Session #1 is marked done.")
    question = await notified(fake, database, MARIA, "⭐ How was session #1 with Ivan Kuznetsov")

    # The coach files the meeting report, attaches the recording, moves Maria on.
    fake.send_text(IVAN, "/report 1")
    await bot_said(fake, IVAN, "1/5 What happened in the session?")
    for answer, then in (
        ("We mapped her options", "2/5"),
        ("Hopeful", "3/5"),
        ("/skip", "4/5"),
        ("Three informational interviews", "5/5"),
    ):
        mark = last_message_id(fake, IVAN)
        fake.send_text(IVAN, answer)
        await bot_said(fake, IVAN, then, after=mark)
    fake.send_text(IVAN, "/skip")
    await bot_said(fake, IVAN, "The report of session #1 is filed.")
    mark = last_message_id(fake, IVAN)
    send_media(fake, IVAN, card.message_id, audio=audio("meeting-1"))
    await bot_said(fake, IVAN, "🎙 The recording is attached to session #1.", after=mark)
    fake.send_text(IVAN, "/session 1")
    card = await bot_said(fake, IVAN, "#1 · done", after=mark)
    fake.press(IVAN, "🪜 Next stage")
    await bot_said(fake, IVAN, "Maria Lopez moves on")
    fake.send_text(IVAN, "Ready to act")
    await bot_said(fake, IVAN, "🪜 Maria Lopez is now at the stage “Action” of “Career Reboot”")

    # The client rates it.
    fake.press(MARIA, "5")
    await bot_said(fake, MARIA, "⭐ Thank you: your 5/5 for session #1 is saved. Anything to add?")
    fake.send_text(MARIA, "/skip")
    await bot_said(fake, MARIA, "⭐ Your rating of session #1 is saved.")
    await handled(fake)
    assert question.buttons() == []  # rated: the question's buttons are gone

    async with database.reader() as session:
        meeting = await session.get(CoachingSession, 1)
        report = await session.scalar(select(MeetingReport).where(MeetingReport.session_id == 1))
        recording = await session.scalar(select(Recording).where(Recording.session_id == 1))
    assert meeting is not None and (meeting.status, meeting.rating) == (SessionStatus.DONE, 5)
    assert report is not None and report.agreements is None and report.client_state == "Hopeful"
    assert recording is not None and (recording.kind, recording.telegram_file_id) == (
        RecordingKind.AUDIO,
        "meeting-1",
    )

    # The same minute, the coach's figures and the programme's board count it.
    # The site's cookie is set for 127.0.0.1: a jar that keeps cookies of a bare address.
    jar = aiohttp.CookieJar(unsafe=True)
    async with aiohttp.ClientSession(base_url=running.web_url, cookie_jar=jar) as http:
        await sign_in(http, "ivan")
        [mine] = await csv_rows(http, "/reports/coaches.csv")
        assert int(mine["coach_id"]) == people.ivan.id
        assert (int(mine["held"]), int(mine["reports_filed"]), int(mine["reports_overdue"])) == (
            1,
            1,
            0,
        )
        assert (Decimal(mine["average_rating"]), int(mine["ratings"])) == (Decimal(5), 1)
        stages = {row["stage"]: row for row in await csv_rows(http, "/reports/programs.csv")}
        assert (int(stages["Diagnosis"]["clients_now"]), int(stages["Action"]["clients_now"])) == (
            0,
            1,
        )
        assert int(stages["Diagnosis"]["stays"]) == 1
