"""A coaching session's card in the real bot, over HTTP against the fake Bot API, when Telegram
will not edit it. Sessions and requests in the chat run with the bot in this process, in
test_sessions_bot.py."""

from __future__ import annotations

from datetime import timedelta

from bot.sandbox.chat import Fault
from bot.sandbox.telegram import FakeTelegram
from db.base import utcnow
from db.engine import Database
from db.enums import SessionStatus
from tests.support.coaching import coached, statuses  # noqa: F401  (fixture)
from tests.support.desk import IVAN, People, marias_session_with_ivan
from tests.support.e2e import bot_said


async def test_a_card_telegram_will_not_edit_is_sent_anew_after_the_press(
    coached: tuple[Database, People], fake: FakeTelegram
) -> None:
    database, people = coached
    await marias_session_with_ivan(
        database, people, utcnow() - timedelta(minutes=10), SessionStatus.PLANNED
    )
    fake.send_text(IVAN, "/session 1")
    card = await bot_said(fake, IVAN, "#1 · planned")
    fake.faults.append(Fault("editMessageText", 400, "Bad Request: message can't be edited"))
    fake.press(IVAN, "✅ Done")
    anew = await bot_said(fake, IVAN, "#1 · done", after=card.message_id)
    assert anew.buttons() == ["📝 Meeting report", "🧭 My coach report"]
    await bot_said(fake, IVAN, "Session #1 is marked done.", after=anew.message_id)
    assert await statuses(database) == [(1, SessionStatus.DONE)]
