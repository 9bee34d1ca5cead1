"""The coach's own report in the chat, with the bot in this process (tests/support/in_process.py):
from the session card's button (on that session) and with /coachreport (on a period, this week
unless named), five skippable parts filed once at the end; /cancel or every part skipped keeps
nothing; who may not is refused."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import select

from bot.sandbox.telegram import FakeTelegram
from db.engine import Database
from db.models import CoachReport
from tests.support.coaching import PARIS, bot_coached, ivan_with_maria  # noqa: F401  (fixtures)
from tests.support.desk import (
    IVAN,
    MARIA,
    PAVEL,
    TOM,
    People,
)
from tests.support.e2e import STAFF_ONLY, bot_said, handled, last_message_id

Row = tuple[int | None, date | None, date | None, str | None, str | None, str | None, str | None]


async def reports(database: Database) -> list[Row]:
    async with database.reader() as session:
        rows = await session.scalars(select(CoachReport).order_by(CoachReport.id))
        return [
            (
                r.session_id,
                r.period_start,
                r.period_end,
                r.preparation,
                r.results,
                r.self_reflection,
                r.supervision_request,
            )
            for r in rows
        ]


async def answer_all(fake: FakeTelegram, answers: list[str], last: str) -> None:
    """Answer questions 2/5 to 5/5 in turn; ``last`` is what the bot says at the end."""
    for number, answer in enumerate(answers, 3):
        mark = last_message_id(fake, IVAN)
        fake.send_text(IVAN, answer)
        expected = f"{number}/5" if number <= 5 else last
        await bot_said(fake, IVAN, expected, after=mark)


async def test_coach_reports_on_a_session_and_on_a_period(
    bot_coached: tuple[Database, People], fake: FakeTelegram
) -> None:
    database, people = bot_coached
    held, _ = await ivan_with_maria(database, people, held_ago=timedelta(hours=3))
    today = datetime.now(PARIS).date()
    monday = today - timedelta(days=today.weekday())
    week = (monday, monday + timedelta(days=6))

    # Who may not: a client, a helper, another coach on Ivan's session.
    fake.send_text(MARIA, "/coachreport")
    await bot_said(fake, MARIA, STAFF_ONLY)
    fake.send_text(PAVEL, "/coachreport")
    await bot_said(fake, PAVEL, "Only coaches, teachers and managers may do this.")
    fake.send_text(TOM, f"/coachreport {held.id}")
    await bot_said(fake, TOM, f"Session #{held.id} does not exist")

    # From the card's button, on the session.
    fake.send_text(IVAN, f"/session {held.id}")
    card = await bot_said(fake, IVAN, f"#{held.id} · done")
    assert card.buttons() == ["📝 Meeting report", "🧭 My coach report"]
    fake.press(IVAN, "🧭 My coach report")
    await bot_said(fake, IVAN, "1/5 How did you prepare?")
    mark = last_message_id(fake, IVAN)
    fake.send_text(IVAN, "Read her CV")
    await bot_said(fake, IVAN, "2/5", after=mark)
    await answer_all(
        fake,
        ["/skip", "I talked too much <sometimes>", "/skip", "How to hold silence"],
        f"🧭 Your coach report on session #{held.id} is filed.",
    )

    # On a period: /cancel halfway, then every part skipped, keep nothing.
    fake.send_text(IVAN, "/coachreport")
    asked = await bot_said(fake, IVAN, "Which period is your report on?")
    assert f"this week ({week[0]} – {week[1]})" in asked.text
    for typed, said in (
        ("2026-12-06 2026-11-30", "The period ends before it starts"),
        ("last week", "Write the period's first and last day"),
        ("2026-11-02 2026-11-08", "1/5 How did you prepare?"),
    ):
        mark = last_message_id(fake, IVAN)
        fake.send_text(IVAN, typed)
        await bot_said(fake, IVAN, said, after=mark)
    fake.send_text(IVAN, "Two workshops")
    await bot_said(fake, IVAN, "2/5")
    fake.send_text(IVAN, "/cancel")
    await bot_said(fake, IVAN, "Cancelled.")
    mark = last_message_id(fake, IVAN)
    fake.send_text(IVAN, "/coachreport")
    await bot_said(fake, IVAN, "Which period", after=mark)
    mark = last_message_id(fake, IVAN)
    fake.send_text(IVAN, "/skip")
    await bot_said(fake, IVAN, "1/5", after=mark)
    mark = last_message_id(fake, IVAN)
    fake.send_text(IVAN, "/skip")
    await bot_said(fake, IVAN, "2/5", after=mark)
    await answer_all(fake, ["/skip"] * 4, "Every part was skipped: no report is filed.")
    await handled(fake)
    assert len(await reports(database)) == 1

    # This week by default, one part is enough.
    mark = last_message_id(fake, IVAN)
    fake.send_text(IVAN, "/coachreport")
    await bot_said(fake, IVAN, "Which period", after=mark)
    mark = last_message_id(fake, IVAN)
    fake.send_text(IVAN, "/skip")
    await bot_said(fake, IVAN, f"Your report on {week[0]} – {week[1]}.", after=mark)
    mark = last_message_id(fake, IVAN)
    fake.send_text(IVAN, "/skip")
    await bot_said(fake, IVAN, "2/5", after=mark)
    await answer_all(
        fake,
        ["Three clients moved on", "/skip", "/skip", "/skip"],
        f"🧭 Your coach report on {week[0]} – {week[1]} is filed.",
    )
    assert await reports(database) == [
        (
            held.id,
            None,
            None,
            "Read her CV",
            None,
            "I talked too much <sometimes>",
            "How to hold silence",
        ),
        (None, week[0], week[1], None, "Three clients moved on", None, None),
    ]
