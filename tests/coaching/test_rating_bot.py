"""The client's rating of a session held, in the chat, with the bot in this process
(tests/support/in_process.py): the question the outbox sends when the coach marks the session
done, the star pressed kept at once as the rating and an optional comment added to it, for that
participant only, and every press checked again (a second rating, a forged button for someone
else's session, a coach pressing). A client's card shows their own rating, never another
participant's."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from bot.sandbox.telegram import FakeTelegram
from db.base import utcnow
from db.engine import Database
from db.enums import SessionStatus
from db.models import CoachingSession, OutboxMessage, SessionParticipant
from tests.support.coaching import bot_coached  # noqa: F401  (fixtures)
from tests.support.desk import (
    BOB,
    IVAN,
    MARIA,
    People,
    marias_session_with_ivan,
)
from tests.support.e2e import bot_said, handled, last_message_id, notified, press

QUESTION = "⭐ How was session #1 with Ivan Kuznetsov"


async def ratings(database: Database, session_id: int) -> dict[str, tuple[int | None, str | None]]:
    """Each client's rating and comment of the session, by first name."""
    async with database.reader() as session:
        meeting = await session.scalar(
            select(CoachingSession)
            .where(CoachingSession.id == session_id)
            .options(
                selectinload(CoachingSession.client),
                selectinload(CoachingSession.participants).selectinload(SessionParticipant.client),
            )
        )
    assert meeting is not None
    found = {meeting.client.full_name.split()[0]: (meeting.rating, meeting.comment)}
    for participant in meeting.participants:
        found[participant.client.full_name.split()[0]] = (participant.rating, participant.comment)
    return found


async def test_each_client_rates_a_session_held_once_and_only_their_own(
    bot_coached: tuple[Database, People], fake: FakeTelegram
) -> None:
    database, people = bot_coached
    async with database.writer() as session, session.begin():
        group = CoachingSession(
            client_id=people.maria.id,
            coach_id=people.ivan.id,
            starts_at=utcnow() - timedelta(hours=1),
            minutes=60,
            participants=[SessionParticipant(client_id=people.bob.id)],
        )
        bobs = CoachingSession(
            client_id=people.bob.id,
            coach_id=people.tom.id,
            starts_at=utcnow() - timedelta(days=1),
            minutes=60,
            status=SessionStatus.DONE,
        )
        session.add_all([group, bobs])
    assert (group.id, bobs.id) == (1, 2)

    fake.send_text(IVAN, "/session 1")
    await bot_said(fake, IVAN, "#1 · planned")
    fake.press(IVAN, "✅ Done")
    await bot_said(fake, IVAN, "Session #1 is marked done.")
    # The question was written with the status change, in the outbox.
    async with database.reader() as session:
        queued = list(await session.scalars(select(OutboxMessage)))
    asked = sorted(row.chat_id for row in queued if row.payload["text"].startswith("⭐"))
    assert asked == sorted([MARIA, BOB])
    question = await notified(fake, database, MARIA, QUESTION)
    assert question.buttons() == ["1", "2", "3", "4", "5"]
    assert "Rate it from 1 (poor) to 5 (excellent)" in question.text
    bobs_question = await notified(fake, database, BOB, QUESTION)

    fake.press(MARIA, "4")
    await bot_said(fake, MARIA, "⭐ Thank you: your 4/5 for session #1 is saved. Anything to add?")
    await handled(fake)
    # The press is the rating: kept before any comment, and the question's buttons are gone.
    assert await ratings(database, 1) == {"Maria": (4, None), "Bob": (None, None)}
    shown = next(m for m in fake.messages(MARIA) if m.message_id == question.message_id)
    assert shown.buttons() == []
    fake.send_text(MARIA, "Clear <and> kind")
    await bot_said(fake, MARIA, "⭐ Your comment is added to your rating of session #1.")
    assert await ratings(database, 1) == {"Maria": (4, "Clear <and> kind"), "Bob": (None, None)}

    # A second rating (the old question pressed again), a forged button for Bob's own session,
    # a rating out of range: refused, and nothing changes.
    for data, refusal in (
        ("sr:1:1", "You have already rated session #1"),
        ("sr:5:2", "Session #2 does not exist"),
        ("sr:9:1", "You have already rated session #1"),
    ):
        query = await press(fake, MARIA, question.message_id, data)
        assert refusal in fake.answered_callbacks[query]["text"]
    query = await press(fake, BOB, bobs_question.message_id, "sr:9:1")
    assert "A rating is from 1 to 5" in fake.answered_callbacks[query]["text"]
    query = await press(fake, IVAN, last_message_id(fake, IVAN), "sr:5:1")
    assert "You may not do this with that session." in fake.answered_callbacks[query]["text"]
    assert await ratings(database, 1) == {"Maria": (4, "Clear <and> kind"), "Bob": (None, None)}

    # Bob: the press is kept though he leaves with /cancel, writing no comment.
    fake.press(BOB, "2")
    await bot_said(fake, BOB, "⭐ Thank you: your 2/5 for session #1 is saved.")
    fake.send_text(BOB, "/cancel")
    await bot_said(fake, BOB, "Cancelled.")
    assert (await ratings(database, 1))["Bob"] == (2, None)
    query = await press(fake, BOB, bobs_question.message_id, "sr:5:1")
    assert "You have already rated session #1" in fake.answered_callbacks[query]["text"]
    assert await ratings(database, 1) == {"Maria": (4, "Clear <and> kind"), "Bob": (2, None)}
    assert await ratings(database, 2) == {"Bob": (None, None)}

    # Each sees their own rating on the card, never the other's, nor the other's name.
    mark = last_message_id(fake, BOB)
    await press(fake, BOB, bobs_question.message_id, "ss:view:1")
    bobs_card = await bot_said(fake, BOB, "#1 · done", after=mark)
    assert "Rating: 2/5" in bobs_card.text
    assert "4/5" not in bobs_card.text and "Clear" not in bobs_card.text
    assert "Maria" not in bobs_card.text
    mark = last_message_id(fake, MARIA)
    await press(fake, MARIA, question.message_id, "ss:view:1")
    marias_card = await bot_said(fake, MARIA, "#1 · done", after=mark)
    assert "Rating: 4/5" in marias_card.text and "Comment: Clear <and> kind" in marias_card.text
    assert "Bob" not in marias_card.text and "2/5" not in marias_card.text


async def test_skip_ends_the_comment_and_keeps_the_rating(
    bot_coached: tuple[Database, People], fake: FakeTelegram
) -> None:
    database, people = bot_coached
    await marias_session_with_ivan(
        database, people, utcnow() - timedelta(hours=1), SessionStatus.PLANNED
    )
    fake.send_text(IVAN, "/session 1")
    await bot_said(fake, IVAN, "#1 · planned")
    fake.press(IVAN, "✅ Done")
    await notified(fake, database, MARIA, QUESTION)
    fake.press(MARIA, "5")
    await bot_said(fake, MARIA, "your 5/5 for session #1 is saved")
    fake.send_text(MARIA, "/skip")
    await bot_said(fake, MARIA, "⭐ Your rating of session #1 is saved.")
    mark = last_message_id(fake, MARIA)
    fake.send_text(MARIA, "Thanks again")  # the dialog is over: no comment now
    await handled(fake)
    assert await ratings(database, 1) == {"Maria": (5, None)}
    assert not [m for m in fake.bot_messages(MARIA) if m.message_id > mark and "⭐" in m.text]
