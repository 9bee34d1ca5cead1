"""The language school for the contract tests, beside the desk's people (tests/support/desk.py): two
languages and one no longer taught, two discount tiers, two branches, Ivan teaching English
and Tom Spanish; and ``add_demo_school``, a small school beside the demo business's own."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from bot.sandbox.chat import ChatMessage, SandboxUser
from bot.sandbox.telegram import FakeTelegram
from db.base import utcnow
from db.engine import Database
from db.enums import ContractStatus, Role
from db.models import (
    Client,
    Contract,
    Department,
    DiscountTier,
    Employee,
    Language,
    Lesson,
    Payment,
)
from tests.support.desk import ANNA, MARIA, People
from tests.support.e2e import Product, bot_said, last_message_id
from tests.support.in_process import BotInProcess


@dataclass
class School:
    english: Language
    spanish: Language
    latin: Language  # not taught any more
    left_bank: Department  # the second branch (the desk's workshop has an address too)


async def add_school(database: Database, people: People) -> School:
    async with database.writer() as session, session.begin():
        english = Language(name="English", price_per_lesson=Decimal("20.00"))
        spanish = Language(name="Spanish", price_per_lesson=Decimal("25.50"))
        latin = Language(name="Latin", price_per_lesson=Decimal("30.00"), active=False)
        left_bank = Department(name="Left bank", address="3 Quai Voltaire")
        session.add_all(
            [
                english,
                spanish,
                latin,
                left_bank,
                DiscountTier(min_lessons=16, percent=Decimal("10")),
                DiscountTier(min_lessons=32, percent=Decimal("15")),
            ]
        )
        await session.flush()
        ivan = await session.get(Employee, people.ivan.id)
        tom = await session.get(Employee, people.tom.id)
        assert ivan is not None and tom is not None
        await session.refresh(ivan, ["languages"])
        await session.refresh(tom, ["languages"])
        ivan.languages = [english]
        tom.languages = [spanish]
    return School(english, spanish, latin, left_bank)


async def add_demo_school(database: Database) -> dict[str, int]:
    """Portuguese taught by Ivan and Dutch by Tom, and three contracts of the demo's clients:
    two Ivan teaches and one of Tom's (unpaid). Returns the contracts' ids by name."""
    async with database.writer() as session, session.begin():
        staff = {
            person.web_login: person
            for person in await session.scalars(
                select(Employee).where(Employee.web_login.in_(["ivan", "tom"]))
            )
        }
        clients = list(await session.scalars(select(Client).order_by(Client.id).limit(3)))
        branch = await session.scalar(
            select(Department).where(Department.address.is_not(None)).order_by(Department.id)
        )
        # Languages the demo's own school does not teach, beside it.
        english = Language(name="Portuguese", price_per_lesson=Decimal("20.00"))
        spanish = Language(name="Dutch", price_per_lesson=Decimal("25.50"))
        session.add_all([english, spanish, DiscountTier(min_lessons=16, percent=Decimal(10))])
        await session.flush()
        for login, language in (("ivan", english), ("tom", spanish)):
            await session.refresh(staff[login], ["languages"])
            staff[login].languages = [language]
        rows = {}
        for name, client, language, teacher, lessons, days_ago in (
            ("ivan_first", clients[0], english, "ivan", 8, 9),
            ("ivan_second", clients[1], english, "ivan", 16, 4),
            ("tom_unpaid", clients[2], spanish, "tom", 10, 2),
        ):
            total = (language.price_per_lesson * lessons).quantize(Decimal("0.01"))
            rows[name] = Contract(
                client=client,
                language=language,
                lessons=lessons,
                price_per_lesson=language.price_per_lesson,
                discount_percent=Decimal(0),
                total=total,
                paid=Decimal(0),
                status=ContractStatus.UNPAID,
                signed_at=utcnow() - timedelta(days=days_ago),
                teacher=staff[teacher],
                branch=branch,
                lessons_given=0,
            )
        session.add_all(rows.values())
        await session.flush()
        return {name: row.id for name, row in rows.items()}


OLGA = 8105
LEFT_BANK = "Left bank · 3 Quai Voltaire"


@dataclass
class Schooled:
    database: Database
    people: People
    school: School
    olga: Employee


async def open_school(database: Database, people: People, fake: FakeTelegram) -> Schooled:
    """The desk's people with the school's languages, tiers and second branch, and an owner,
    Olga."""
    school = await add_school(database, people)
    async with database.writer() as session, session.begin():
        olga = Employee(telegram_id=OLGA, full_name="Olga Owner", username="olga", role=Role.OWNER)
        session.add(olga)
    fake.add_user(SandboxUser(id=OLGA, first_name="Olga", language_code="en"))
    return Schooled(database, people, school, olga)


@pytest.fixture
async def schooled(desk: tuple[Product, Database, People], fake: FakeTelegram) -> Schooled:
    """The school in the product running over HTTP (``tests/support/desk.desk``)."""
    _, database, people = desk
    return await open_school(database, people, fake)


@pytest.fixture
async def bot_schooled(
    bot_desk: tuple[BotInProcess, Database, People], fake: FakeTelegram
) -> Schooled:
    """The school with the bot alone, in this process (``tests/support/desk.bot_desk``)."""
    _, database, people = bot_desk
    return await open_school(database, people, fake)


async def contract(database: Database, contract_id: int) -> Contract:
    async with database.reader() as session:
        found = await session.get(Contract, contract_id)
    assert found is not None
    return found


async def contracts(database: Database) -> list[tuple[object, ...]]:
    """Everything a refused action must leave as it was."""
    async with database.reader() as session:
        rows = await session.scalars(select(Contract).order_by(Contract.id))
        state = [
            (c.id, c.status, c.paid, c.teacher_id, c.lessons_given, c.termination_reason)
            for c in rows
        ]
        payments = await session.scalar(select(func.count()).select_from(Payment))
        lessons = await session.scalar(select(func.count()).select_from(Lesson))
    return [*state, ("payments", payments), ("lessons", lessons)]


async def payments(database: Database) -> list[Payment]:
    async with database.reader() as session:
        return list(await session.scalars(select(Payment).order_by(Payment.id)))


def whole_button(message: ChatMessage, label: str) -> str:
    """The callback data of the button ``label`` under ``message``."""
    for row in (message.reply_markup or {}).get("inline_keyboard", []):
        for button in row:
            if button["text"] == label:
                return str(button["callback_data"])
    raise AssertionError(f"no button {label!r}")


async def paid_in_full(fake: FakeTelegram, contract_id: int) -> None:
    """Anna records the balance of the contract in cash: ``/paid`` and the confirmation."""
    mark = last_message_id(fake, ANNA)
    fake.send_text(ANNA, f"/paid {contract_id}")
    await bot_said(fake, ANNA, f"on contract #{contract_id}?", after=mark)
    fake.press(ANNA, "💶 cash")
    await bot_said(fake, ANNA, f"recorded on #{contract_id}", after=mark)


async def sign_in_bot(fake: FakeTelegram, language: str, lessons: str) -> ChatMessage:
    """Maria signs a contract at the left bank through /contract; returns the confirmation."""
    mark = last_message_id(fake, MARIA)
    fake.send_text(MARIA, "/contract")
    await bot_said(fake, MARIA, "Which language", after=mark)
    fake.press(MARIA, language)
    await bot_said(fake, MARIA, "how many lessons?", after=mark)
    if lessons in {"8", "16", "32", "64"}:
        fake.press(MARIA, lessons)
    else:
        fake.send_text(MARIA, lessons)
    await bot_said(fake, MARIA, "Which branch", after=mark)
    fake.press(MARIA, LEFT_BANK)
    await bot_said(fake, MARIA, "Sign it?", after=mark)
    fake.press(MARIA, "✅ Sign")
    return await bot_said(fake, MARIA, "is signed", after=mark)
