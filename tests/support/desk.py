"""A small service desk for the ticket tests: people in the database and in the fake Telegram."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from bot.sandbox.chat import SandboxUser
from bot.sandbox.telegram import FakeTelegram
from crm.settings import Settings
from db.engine import Database
from db.enums import OutboxStatus, Role, SessionStatus
from db.models import (
    Client,
    CoachingSession,
    Department,
    Employee,
    OutboxMessage,
    Ticket,
    TicketEvent,
)
from notifications.sender import SenderConfig
from tests.conftest import BOT_TOKEN
from tests.support.e2e import Product, bot_said, last_message_id
from tests.support.in_process import FAKE_API_BASE, BotInProcess, bot_in_process

MARIA, BOB = 7001, 7002
ANNA, IVAN, TOM, PAVEL = 8101, 8102, 8103, 8104

# Fast enough for tests; the limits themselves are Telegram's.
FAST_SENDER = SenderConfig(
    per_chat_seconds=0.05,
    idle_seconds=0.05,
    backoff_base_seconds=0.05,
    backoff_cap_seconds=0.2,
    lease_seconds=5,
)
# The bot in this process is not held to Telegram's pace: that is the sender's own tests' subject
# (tests/test_delivery.py, the faults over HTTP), and a matrix would mostly wait on it.
UNPACED_SENDER = replace(FAST_SENDER, rate_per_second=1000.0, per_chat_seconds=0.0)


def desk_settings(url: str, database_url: str, **overrides: Any) -> Settings:
    """The product talking to the fake Bot API at ``url``, on a port of its own."""
    return Settings(
        _env_file=None,
        bot_token=BOT_TOKEN,
        telegram_api_url=url,
        database_url=database_url,
        web_port=0,
        **{"redis_url": None, **overrides},
    )


@dataclass
class People:
    maria: Client
    bob: Client
    anna: Employee
    ivan: Employee
    tom: Employee
    pavel: Employee
    repair: Department


async def add_people(database: Database, fake: FakeTelegram) -> People:
    """A department, an admin, two specialists, a helper, and two clients (Maria is Pavel's)."""
    async with database.writer() as session, session.begin():
        repair = Department(name="Repair workshop", address="12 Lesnaya St.")
        anna = Employee(
            telegram_id=ANNA, full_name="Anna Petrova", username="anna", role=Role.ADMIN
        )
        ivan = Employee(
            telegram_id=IVAN, full_name="Ivan Kuznetsov", username="ivan", role=Role.SPECIALIST
        )
        tom = Employee(telegram_id=TOM, full_name="Tom Baker", username="tom", role=Role.SPECIALIST)
        pavel = Employee(
            telegram_id=PAVEL, full_name="Pavel Orlov", username="pavel", role=Role.HELPER
        )
        maria = Client(
            full_name="Maria Lopez",
            phone="+34600123456",
            telegram_id=MARIA,
            language="en",
            helper=pavel,
        )
        bob = Client(full_name="Bob Stone", phone="+447700900001", telegram_id=BOB, language="en")
        session.add_all([repair, anna, ivan, tom, pavel, maria, bob])
    for user_id, first, last in [
        (MARIA, "Maria", "Lopez"),
        (BOB, "Bob", "Stone"),
        (ANNA, "Anna", "Petrova"),
        (IVAN, "Ivan", "Kuznetsov"),
        (TOM, "Tom", "Baker"),
        (PAVEL, "Pavel", "Orlov"),
    ]:
        fake.add_user(SandboxUser(id=user_id, first_name=first, last_name=last, language_code="en"))
    return People(maria, bob, anna, ivan, tom, pavel, repair)


async def set_coach(database: Database, coach: Employee, *clients: Client) -> None:
    """``coach`` becomes the coach of ``clients``: whom a coach may plan sessions with (planning
    never widens what a specialist sees)."""
    async with database.writer() as session, session.begin():
        for client in clients:
            stored = await session.get(Client, client.id)
            assert stored is not None
            stored.coach_id = coach.id


async def marias_session_with_ivan(
    database: Database, people: People, starts_at: datetime, status: SessionStatus
) -> int:
    """A one-hour session of Maria's with Ivan at ``starts_at``, written straight to the
    database (its time may be past, as planning it in the bot would refuse); its id."""
    async with database.writer() as session, session.begin():
        meeting = CoachingSession(
            client_id=people.maria.id,
            coach_id=people.ivan.id,
            starts_at=starts_at,
            minutes=60,
            status=status,
        )
        session.add(meeting)
    return meeting.id


async def ticket(database: Database, ticket_id: int) -> Ticket:
    async with database.reader() as session:
        found = await session.get(Ticket, ticket_id)
    assert found is not None
    return found


async def outbox(database: Database) -> list[OutboxMessage]:
    async with database.reader() as session:
        return list(await session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


async def all_sent(database: Database) -> bool:
    """Every notification in the outbox went out."""
    return all(message.status is OutboxStatus.SENT for message in await outbox(database))


async def events(database: Database, ticket_id: int) -> list[tuple[str, str | None, str | None]]:
    """A ticket's history: each event's kind, and what it changed from and to."""
    async with database.reader() as session:
        rows = await session.scalars(
            select(TicketEvent).where(TicketEvent.ticket_id == ticket_id).order_by(TicketEvent.id)
        )
        return [(event.kind.value, event.from_value, event.to_value) for event in rows]


@pytest.fixture
async def desk(
    fake_telegram: tuple[FakeTelegram, str], database_url: str, in_tmp_dir: Path
) -> AsyncIterator[tuple[Product, Database, People]]:
    """The product running with the desk's people, the sender paced for tests."""
    fake, url = fake_telegram
    product = Product(desk_settings(url, database_url), FAST_SENDER)
    running = await product.start()
    people = await add_people(running.database, fake)
    yield product, running.database, people
    await product.stop()


@pytest.fixture
async def bot_desk(
    fake: FakeTelegram, database_url: str
) -> AsyncIterator[tuple[BotInProcess, Database, People]]:
    """The bot alone, in this process (``tests/support/in_process.py``), with the desk's
    people and the sender paced for tests."""
    settings = desk_settings(FAKE_API_BASE, database_url)
    async with bot_in_process(settings, fake, UNPACED_SENDER) as bot:
        yield bot, bot.database, await add_people(bot.database, fake)


async def open_request(
    fake: FakeTelegram, text: str, department: str = "I don't know", client: int = MARIA
) -> int:
    """The client opens a request with /new; returns its id."""
    mark = last_message_id(fake, client)
    fake.send_text(client, f"/new {text}")
    await bot_said(fake, client, "Which department", after=mark)
    fake.press(client, department)
    opened = await bot_said(fake, client, "is open", after=mark)
    return int(opened.text.split("#")[1].split(" ")[0])
