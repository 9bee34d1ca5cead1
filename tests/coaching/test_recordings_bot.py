"""Recordings of sessions in the chat, with the bot in this process (tests/support/in_process.py):
the coach replies to a message about a session (its card) with an audio, a video file or a link
and it is kept on the session; what is not a recording, a session still to come, a client, or
another coach is refused and nothing is kept."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from bot.sandbox import objects
from bot.sandbox.telegram import FakeTelegram
from crm.notify import Notifier
from crm.subjects import Subject, remember_message
from db.base import utcnow
from db.engine import Database
from db.enums import RecordingKind, SubjectKind
from db.models import Recording
from tests.coaching.jobs import send_reminders
from tests.support.coaching import PARIS, audio, bot_coached, ivan_with_maria, send_media  # noqa: F401  (fixtures)
from tests.support.desk import (
    IVAN,
    MARIA,
    TOM,
    People,
)
from tests.support.e2e import bot_said, handled, last_message_id, notified

NOT_STARTED = "has not started yet: attach its recording afterwards"


async def recordings(database: Database) -> list[tuple[int, RecordingKind, str | None, str | None]]:
    async with database.reader() as session:
        rows = await session.scalars(select(Recording).order_by(Recording.id))
        return [(r.session_id, r.kind, r.telegram_file_id, r.url) for r in rows]


async def linked(database: Database, chat_id: int, message_id: int, session_id: int) -> None:
    """The bot message ``message_id`` in ``chat_id`` is about session ``session_id``."""
    async with database.writer() as session, session.begin():
        await remember_message(
            session,
            chat_id=chat_id,
            message_id=message_id,
            subject=Subject(SubjectKind.SESSION, session_id),
            now=utcnow(),
        )


async def test_a_coach_attaches_recordings_by_replying_and_others_are_refused(
    bot_coached: tuple[Database, People], fake: FakeTelegram
) -> None:
    database, people = bot_coached
    held, later = await ivan_with_maria(
        database, people, held_ago=timedelta(hours=2), planned_in=timedelta(days=2)
    )
    assert later is not None

    fake.send_text(IVAN, f"/session {held.id}")
    card = await bot_said(fake, IVAN, f"#{held.id} · done")
    assert "Recordings" not in card.text
    mark = last_message_id(fake, IVAN)
    send_media(fake, IVAN, card.message_id, audio=audio("voice-of-the-meeting"))
    await bot_said(fake, IVAN, f"🎙 The recording is attached to session #{held.id}.", after=mark)
    mark = last_message_id(fake, IVAN)
    fake.send_text(IVAN, "https://cloud.example.com/rec/1?t=<x>", reply_to=card.message_id)
    await bot_said(fake, IVAN, "The recording is attached", after=mark)
    video = objects.document("vid-1", file_name="meeting.mp4", mime_type="video/mp4")
    mark = last_message_id(fake, IVAN)
    send_media(fake, IVAN, card.message_id, document=video)
    await bot_said(fake, IVAN, "The recording is attached", after=mark)

    # Words that are no link, a PDF, a session still to come: a clear answer, nothing kept.
    mark = last_message_id(fake, IVAN)
    fake.send_text(IVAN, "see the cloud", reply_to=card.message_id)
    await bot_said(fake, IVAN, "reply with an audio, a voice message, a video", after=mark)
    pdf = objects.document("pdf-1", file_name="notes.pdf", mime_type="application/pdf")
    mark = last_message_id(fake, IVAN)
    send_media(fake, IVAN, card.message_id, document=pdf)
    await bot_said(fake, IVAN, "reply with an audio", after=mark)
    fake.send_text(IVAN, f"/session {later.id}")
    later_card = await bot_said(fake, IVAN, f"#{later.id} · planned")
    send_media(fake, IVAN, later_card.message_id, audio=audio("too-early"))
    await bot_said(fake, IVAN, NOT_STARTED)

    # Maria, the client, and Tom, another coach, reply to messages about the session.
    fake.send_text(MARIA, "/sessions")
    marias = await bot_said(fake, MARIA, "Your upcoming sessions")
    await linked(database, MARIA, marias.message_id, held.id)
    send_media(fake, MARIA, marias.message_id, audio=audio("from-maria"))
    await bot_said(fake, MARIA, f"Only the coach attaches recordings to session #{held.id}")
    mark = last_message_id(fake, MARIA)
    fake.send_text(MARIA, "https://evil.example.com/x", reply_to=marias.message_id)
    await bot_said(fake, MARIA, "nothing was kept", after=mark)
    fake.send_text(TOM, "/sessions")
    toms = await bot_said(fake, TOM, "No sessions are planned.")
    await linked(database, TOM, toms.message_id, held.id)
    send_media(fake, TOM, toms.message_id, audio=audio("from-tom"))
    await bot_said(fake, TOM, f"Session #{held.id} does not exist")
    await handled(fake)

    assert await recordings(database) == [
        (held.id, RecordingKind.AUDIO, "voice-of-the-meeting", None),
        (held.id, RecordingKind.LINK, None, "https://cloud.example.com/rec/1?t=<x>"),
        (held.id, RecordingKind.VIDEO, "vid-1", None),
    ]
    fake.send_text(IVAN, f"/session {held.id}")
    card = await bot_said(fake, IVAN, "Recordings (3):")
    assert "🎧 audio · " in card.text and " · Ivan Kuznetsov" in card.text
    assert "🔗 link · " in card.text and "https://cloud.example.com/rec/1?t=<x>" in card.text
    assert "🎬 video · " in card.text


async def test_a_voice_message_in_reply_to_the_report_reminder_is_kept(
    bot_coached: tuple[Database, People], fake: FakeTelegram
) -> None:
    database, people = bot_coached
    held, _ = await ivan_with_maria(database, people, held_ago=timedelta(hours=25))
    assert await send_reminders(database, Notifier("en", "EUR", PARIS), now=utcnow()) == 1
    nudge = await notified(fake, database, IVAN, f"Session #{held.id} with Maria Lopez")
    send_media(fake, IVAN, nudge.message_id, voice=audio("voice-after"))
    await bot_said(fake, IVAN, f"🎙 The recording is attached to session #{held.id}.")
    assert await recordings(database) == [(held.id, RecordingKind.VOICE, "voice-after", None)]
