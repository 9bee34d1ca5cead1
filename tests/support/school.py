"""The language school for the contract tests, beside the desk's people (tests/support/desk.py): two
languages and one no longer taught, two discount tiers, two branches, Ivan teaching English
and Tom Spanish; and ``add_demo_school``, a small school beside the demo business's own."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from sqlalchemy import select

from db.base import utcnow
from db.engine import Database
from db.enums import ContractStatus
from db.models import Client, Contract, Department, DiscountTier, Employee, Language
from tests.support.desk import People


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
