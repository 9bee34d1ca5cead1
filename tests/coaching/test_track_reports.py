"""The client's periodic progress report on a track: asked once per period on a clock the test
moves (the job run twice, or by a second process, asks once), answered by a reply to the
question or through its button, kept, and the coach told."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select, update

from bot.sandbox.telegram import FakeTelegram
from crm.notify import Notifier
from db.base import utcnow
from db.engine import Database
from db.enums import TrackStatus
from db.models import ClientReport, Track
from tests.coaching.jobs import send_track_reports
from tests.support.coaching import PARIS, bot_coached  # noqa: F401  (fixtures)
from tests.support.desk import (
    IVAN,
    MARIA,
    People,
)
from tests.support.e2e import bot_said, last_message_id, notified

ASKED = "📈 How is it going with your goal “Find a job in UX”?"


async def asked_at(database: Database, track_id: int) -> datetime | None:
    async with database.reader() as session:
        track = await session.get(Track, track_id)
        assert track is not None
        return track.report_asked_at


async def kept(database: Database) -> list[tuple[int, int | None, str]]:
    async with database.reader() as session:
        rows = await session.scalars(select(ClientReport).order_by(ClientReport.id))
        return [(r.track_id, r.author_client_id, r.progress) for r in rows]


async def test_the_progress_report_is_asked_once_per_period_and_answered(
    bot_coached: tuple[Database, People], fake: FakeTelegram
) -> None:
    database, people = bot_coached
    opened = utcnow() - timedelta(days=30)
    async with database.writer() as session, session.begin():
        track = Track(
            client_id=people.maria.id,
            coach_id=people.ivan.id,
            goal="Find a job in UX",
            report_every_days=7,
            created_at=opened,
        )
        silent = Track(client_id=people.bob.id, coach_id=people.ivan.id, goal="No schedule")
        done = Track(
            client_id=people.bob.id,
            coach_id=people.ivan.id,
            goal="Achieved already",
            report_every_days=1,
            status=TrackStatus.ACHIEVED,
            created_at=opened,
        )
        session.add_all([track, silent, done])
    notifier = Notifier("en", "EUR", PARIS)

    async def run(at: datetime) -> int:
        return await send_track_reports(database, notifier, now=at)

    assert await run(opened + timedelta(days=6, hours=23)) == 0
    first = opened + timedelta(days=7)
    assert await run(first) == 1
    assert await run(first) == 0  # the job again: asked already
    assert await run(first + timedelta(hours=1)) == 0
    assert await asked_at(database, track.id) == first
    # A second process that read the track before the first one wrote it asks nobody again.
    async with database.writer() as session, session.begin():
        await session.execute(
            update(Track).where(Track.id == track.id).values(report_asked_at=None)
        )
    assert await run(first) == 0
    async with database.writer() as session, session.begin():
        await session.execute(
            update(Track).where(Track.id == track.id).values(report_asked_at=first)
        )

    question = await notified(fake, database, MARIA, ASKED)
    assert question.buttons() == ["✍️ Write my progress"]
    fake.send_text(MARIA, "Two interviews <booked>", reply_to=question.message_id)
    await bot_said(fake, MARIA, "your progress report is kept and your coach is told")
    await notified(
        fake,
        database,
        IVAN,
        "📈 Maria Lopez on the goal “Find a job in UX”: Two interviews <booked>",
    )

    assert await run(first + timedelta(days=6)) == 0
    mark = last_message_id(fake, MARIA)
    assert await run(first + timedelta(days=7)) == 1
    await bot_said(fake, MARIA, ASKED, after=mark)
    mark = last_message_id(fake, MARIA)
    fake.press(MARIA, "✍️ Write my progress")
    await bot_said(fake, MARIA, "Write a few words", after=mark)
    fake.send_text(MARIA, "Got an offer")
    await bot_said(fake, MARIA, "your progress report is kept", after=mark)

    assert await kept(database) == [
        (track.id, people.maria.id, "Two interviews <booked>"),
        (track.id, people.maria.id, "Got an offer"),
    ]
    assert len([m for m in fake.bot_messages(MARIA) if ASKED in m.text]) == 2
