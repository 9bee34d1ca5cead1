"""The private calendar link handed out under /sessions, through the real bot against the fake
Bot API: the URL is fetched over HTTP from the running product and parsed with icalendar;
asking again ends the old URL. Clients and staff alike."""

from __future__ import annotations

import re

import aiohttp
from icalendar import Calendar

from bot.sandbox.telegram import FakeTelegram
from db.engine import Database
from tests.support.coaching import CALENDAR_LINK, coached, paris_in, typed  # noqa: F401
from tests.support.desk import (
    IVAN,
    MARIA,
    People,
)
from tests.support.e2e import bot_said, last_message_id, notified

FEED_URL = re.compile(r"http://127\.0\.0\.1:\d+/calendar/[A-Za-z0-9_-]{20,100}\.ics")


async def link_of(fake: FakeTelegram, chat_id: int) -> str:
    """Press the button under /sessions; the URL the bot answers with."""
    fake.send_text(chat_id, "/sessions")
    listing = await bot_said(fake, chat_id, "sessions (", after=last_message_id(fake, chat_id))
    assert listing.buttons()[-1] == CALENDAR_LINK
    mark = last_message_id(fake, chat_id)
    fake.press(chat_id, CALENDAR_LINK)
    said = await bot_said(fake, chat_id, "📆 Your private calendar link:", after=mark)
    assert "anyone with the link sees your sessions" in said.text
    assert "Asking again gives a new link, and this one stops working." in said.text
    found = FEED_URL.search(said.text)
    assert found, said.text
    return found.group(0)


async def fetched(url: str) -> tuple[int, bytes]:
    async with aiohttp.ClientSession() as http, http.get(url) as response:
        return response.status, await response.read()


async def test_the_calendar_link_serves_my_sessions_and_asking_again_ends_the_old_one(
    coached: tuple[Database, People], fake: FakeTelegram
) -> None:
    database, people = coached
    start = paris_in(2, 11, 30)
    fake.send_text(IVAN, f"/plan {people.maria.id} {typed(start)} 45")
    await bot_said(fake, IVAN, "📅 Session #1 with Maria Lopez is planned")
    await notified(fake, database, MARIA, "📅 Session #1 with Ivan Kuznetsov")

    first = await link_of(fake, MARIA)
    status, body = await fetched(first)
    assert status == 200
    calendar = Calendar.from_ical(body)
    [event] = calendar.walk("VEVENT")
    assert str(event["uid"]) == "session-1@frontdoor"
    assert event.decoded("dtstart") == start
    assert "Ivan Kuznetsov" in str(event["summary"])

    again = await link_of(fake, MARIA)
    assert again != first
    assert (await fetched(first))[0] == 404
    assert (await fetched(again))[0] == 200

    ivans = await link_of(fake, IVAN)  # staff have theirs too, and it is not Maria's
    status, body = await fetched(ivans)
    assert status == 200 and ivans != again
    [event] = Calendar.from_ical(body).walk("VEVENT")
    assert "Maria Lopez" in str(event["summary"])
    assert (await fetched(again))[0] == 200
