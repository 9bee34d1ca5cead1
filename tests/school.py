"""The language school for the contract tests, beside the desk's people (tests/desk.py): two
languages and one no longer taught, two discount tiers, two branches, Ivan teaching English
and Tom Spanish."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from db.engine import Database
from db.models import Department, DiscountTier, Employee, Language
from tests.desk import People


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
