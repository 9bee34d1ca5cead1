"""Private calendar feeds over HTTP, parsed back with icalendar: a coach's feed holds their
sessions, a client's only theirs, and a revoked or unknown token is a 404."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from aiohttp.test_utils import TestClient, TestServer
from icalendar import Calendar

from bot.sandbox.telegram import FakeTelegram
from crm.coaching.calendar_feeds import issue_feed, revoke_feeds
from crm.coaching.sessions import SessionDraft, end_session, plan_session
from crm.notify import Notifier
from crm.settings import Settings
from db.base import utcnow
from db.engine import Database
from db.enums import SessionStatus
from db.models import Client, Employee
from tests.support.desk import People, add_people, set_coach
from tests.support.site import Client as SiteClient
from web.app import create_app

NOTIFIER = Notifier("en", "EUR")


@pytest.fixture
async def people(database: Database) -> People:
    found = await add_people(database, FakeTelegram("1:t"))
    await set_coach(database, found.ivan, found.maria)
    await set_coach(database, found.tom, found.bob)
    return found


@pytest.fixture
async def http(database: Database) -> AsyncIterator[SiteClient]:
    app = create_app(Settings(_env_file=None), database, secret_key="calendar-test-key")
    async with TestClient(TestServer(app)) as client:
        yield client


async def events(http: SiteClient, token: str) -> list[tuple[str, str, str]]:
    response = await http.get(f"/calendar/{token}.ics")
    assert response.status == 200
    assert response.content_type == "text/calendar"
    calendar = Calendar.from_ical(await response.read())
    return [
        (str(event["summary"]), event.decoded("dtstart").isoformat(), str(event["status"]))
        for event in calendar.walk("VEVENT")
    ]


async def test_each_person_s_feed_holds_their_sessions_and_a_revoked_url_stops(
    database: Database, people: People, http: SiteClient
) -> None:
    now = utcnow().replace(microsecond=0)
    start = now + timedelta(days=1)
    async with database.writer() as session, session.begin():
        ivan = await session.get(Employee, people.ivan.id)
        tom = await session.get(Employee, people.tom.id)
        maria = await session.get(Client, people.maria.id)
        assert ivan is not None and tom is not None and maria is not None
        first = await plan_session(
            session, NOTIFIER, actor=ivan, draft=SessionDraft(maria.id, start), now=now
        )
        second = await plan_session(
            session,
            NOTIFIER,
            actor=tom,
            draft=SessionDraft(people.bob.id, start, online=True),
            now=now,
        )
        await end_session(
            session, NOTIFIER, actor=tom, session_id=second.id, to=SessionStatus.CANCELLED, now=now
        )
        ivans = await issue_feed(session, actor=ivan, now=now)
        toms = await issue_feed(session, actor=tom, now=now)
        marias = await issue_feed(session, actor=maria, now=now)
    assert await events(http, ivans) == [
        (f"#{first.id} Maria Lopez · Ivan Kuznetsov", start.isoformat(), "CONFIRMED")
    ]
    # A client's feed names the coach, not the client (a group's clients see each other's).
    assert await events(http, marias) == [
        (f"#{first.id} · Ivan Kuznetsov", start.isoformat(), "CONFIRMED")
    ]
    assert await events(http, toms) == [
        (f"#{second.id} Bob Stone · Tom Baker", start.isoformat(), "CANCELLED")
    ]
    async with database.writer() as session, session.begin():
        ivan = await session.get(Employee, people.ivan.id)
        assert ivan is not None
        assert await revoke_feeds(session, actor=ivan, now=now) == 1
    for token in (ivans, "x" * 43):
        assert (await http.get(f"/calendar/{token}.ics")).status == 404
    assert len(await events(http, toms)) == 1  # Tom's own URL still works


async def test_a_participant_s_feed_never_names_another_client_of_the_group(
    database: Database, people: People, http: SiteClient
) -> None:
    now = utcnow().replace(microsecond=0)
    start = now + timedelta(days=2)
    await set_coach(database, people.ivan, people.bob)  # Ivan plans only with clients he sees
    async with database.writer() as session, session.begin():
        ivan = await session.get(Employee, people.ivan.id)
        bob = await session.get(Client, people.bob.id)
        assert ivan is not None and bob is not None
        group = await plan_session(
            session,
            NOTIFIER,
            actor=ivan,
            draft=SessionDraft(people.maria.id, start, participant_ids=[bob.id]),
            now=now,
        )
        bobs = await issue_feed(session, actor=bob, now=now)
        ivans = await issue_feed(session, actor=ivan, now=now)
    response = await http.get(f"/calendar/{bobs}.ics")
    assert "Maria" not in (await response.read()).decode()
    assert await events(http, bobs) == [
        (f"#{group.id} · Ivan Kuznetsov", start.isoformat(), "CONFIRMED")
    ]
    assert await events(http, ivans) == [
        (f"#{group.id} Maria Lopez · Ivan Kuznetsov", start.isoformat(), "CONFIRMED")
    ]
