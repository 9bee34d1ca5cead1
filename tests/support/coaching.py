"""The coaching practice for the tests of sessions, requests and reports in the chat: the desk's
people (tests/support/desk.py) on Paris time, Ivan coaching Career and Maria, and helpers that
read and move sessions. The business runs on Paris time; the database keeps UTC."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select, update

from bot.sandbox.telegram import FakeTelegram
from crm.coaching.requests import send_request
from crm.moments import written_moment
from crm.notify import Notifier
from db.base import utcnow
from db.engine import Database
from db.enums import SessionStatus, TicketStatus
from db.models import (
    Client,
    CoachingRequest,
    CoachingSession,
    CoachProfile,
    ExpertiseDomain,
    SessionParticipant,
    Ticket,
)
from tests.support.desk import FAST_SENDER, UNPACED_SENDER, People, add_people, desk_settings
from tests.support.e2e import Product
from tests.support.in_process import FAKE_API_BASE, bot_in_process

PARIS = ZoneInfo("Europe/Paris")
CALENDAR_LINK = "📆 Calendar link"
NOT_YOURS = "You may not do this with that session."


async def open_practice(database: Database, people: People) -> None:
    """Ivan coaches Career and Maria; Tom repairs her laptop; Bob's Telegram username is
    bstone, and he is nobody's client."""
    async with database.writer() as session, session.begin():
        career = ExpertiseDomain(name="Career")
        session.add(career)
        await session.flush()
        profile = CoachProfile(employee_id=people.ivan.id, bio="Ten years in HR", domains=[])
        session.add(profile)
        await session.flush()
        await session.refresh(profile, ["domains"])
        profile.domains = [career]
        await session.execute(
            update(Client).where(Client.id == people.bob.id).values(username="bstone")
        )
        # Whom each may plan with: Ivan coaches Maria; Tom repairs her laptop. Bob is
        # nobody's, and only managers may name him.
        await session.execute(
            update(Client).where(Client.id == people.maria.id).values(coach_id=people.ivan.id)
        )
        session.add(
            Ticket(
                client_id=people.maria.id,
                assignee_id=people.tom.id,
                status=TicketStatus.ASSIGNED,
                title="Laptop",
                description="It does not start",
            )
        )


@pytest.fixture
async def coached(
    fake_telegram: tuple[FakeTelegram, str], database_url: str, in_tmp_dir: Path
) -> AsyncIterator[tuple[Database, People]]:
    """The product running over HTTP on Paris time, with the desk's people and the practice."""
    fake, url = fake_telegram
    product = Product(desk_settings(url, database_url, timezone=PARIS.key), FAST_SENDER)
    running = await product.start()
    people = await add_people(running.database, fake)
    await open_practice(running.database, people)
    yield running.database, people
    await product.stop()


@pytest.fixture
async def bot_coached(
    fake: FakeTelegram, database_url: str
) -> AsyncIterator[tuple[Database, People]]:
    """The bot alone, in this process (``tests/support/in_process.py``), on Paris time, with
    the desk's people and the practice."""
    settings = desk_settings(FAKE_API_BASE, database_url, timezone=PARIS.key)
    async with bot_in_process(settings, fake, UNPACED_SENDER) as bot:
        people = await add_people(bot.database, fake)
        await open_practice(bot.database, people)
        yield bot.database, people


def paris_in(days: int, hour: int, minute: int = 0) -> datetime:
    """A moment ``days`` from today on Paris time, at ``hour:minute`` there."""
    day = datetime.now(PARIS) + timedelta(days=days)
    return day.replace(hour=hour, minute=minute, second=0, microsecond=0)


def typed(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M")


def shown(moment: datetime, language: str = "en") -> str:
    """A moment as the bot (and the site) writes it for a reader of ``language``."""
    return written_moment(moment, language, PARIS)


async def ask(database: Database, client_id: int, coach_id: int, at: datetime | None) -> int:
    """A client's coaching request to a coach (the /book dialog is not the bot's yet)."""
    async with database.writer() as session, session.begin():
        client = await session.get(Client, client_id)
        assert client is not None
        request = await send_request(
            session,
            Notifier("en", "EUR", PARIS),
            actor=client,
            coach_id=coach_id,
            domain_id=None,
            preferred_at=at,
            message="I want to change careers",
            now=utcnow(),
        )
        return request.id


async def meeting(database: Database, session_id: int) -> CoachingSession:
    async with database.reader() as session:
        found = await session.get(CoachingSession, session_id)
    assert found is not None
    return found


async def request_row(database: Database, request_id: int) -> CoachingRequest:
    async with database.reader() as session:
        found = await session.get(CoachingRequest, request_id)
    assert found is not None
    return found


async def starts(database: Database, session_id: int, at: datetime) -> None:
    """The session's start moved to ``at``: its hour has come (or not) for the bot's clock."""
    async with database.writer() as session, session.begin():
        await session.execute(
            update(CoachingSession).where(CoachingSession.id == session_id).values(starts_at=at)
        )


async def statuses(database: Database) -> list[tuple[int, SessionStatus]]:
    async with database.reader() as session:
        rows = await session.scalars(select(CoachingSession).order_by(CoachingSession.id))
        return [(row.id, row.status) for row in rows]


async def participants(database: Database, session_id: int) -> set[int]:
    async with database.reader() as session:
        found = await session.scalars(
            select(SessionParticipant.client_id).where(SessionParticipant.session_id == session_id)
        )
        return set(found)


def send_media(fake: FakeTelegram, user_id: int, reply_to: int, **media: Any) -> None:
    """The user sends ``media`` (``audio={...}``, ``document={...}``) as a reply."""
    _, payload = fake._message_from(user_id, reply_to=reply_to)
    payload.update(media)
    fake.push({"message": payload})


def audio(file_id: str) -> dict[str, Any]:
    """An audio file as Telegram describes it in a message."""
    return {"file_id": file_id, "file_unique_id": f"u-{file_id}", "duration": 3120}


async def ivan_with_maria(
    database: Database, people: People, *, held_ago: timedelta, planned_in: timedelta | None = None
) -> tuple[CoachingSession, CoachingSession | None]:
    """Ivan's session with Maria held ``held_ago`` (done), and one planned in ``planned_in``."""
    async with database.writer() as session, session.begin():
        held = CoachingSession(
            client_id=people.maria.id,
            coach_id=people.ivan.id,
            starts_at=utcnow() - held_ago,
            minutes=60,
            status=SessionStatus.DONE,
        )
        session.add(held)
        planned = None
        if planned_in is not None:
            planned = CoachingSession(
                client_id=people.maria.id,
                coach_id=people.ivan.id,
                starts_at=utcnow() + planned_in,
                minutes=60,
            )
            session.add(planned)
    return held, planned
