"""Deals for the sales tests, beside the desk's people (tests/support/desk.py): a company, and
two open deals — Ivan's with Maria (whom Pavel helps) and Tom's with Bob — opened by Anna
through the service, so the board's kept totals hold them."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from bot.sandbox.telegram import FakeTelegram
from crm.sales.deals import DealDraft, load_deal, open_deal
from db.base import utcnow
from db.engine import Database
from db.enums import DealStage
from db.models import Company, Deal, DealTotal, Employee
from tests.support.desk import UNPACED_SENDER, People, add_people, desk_settings
from tests.support.in_process import FAKE_API_BASE, BotInProcess, bot_in_process


@dataclass
class Sales:
    people: People
    company: Company
    ivans: int  # Ivan's deal with Maria
    toms: int  # Tom's deal with Bob


async def add_sales(database: Database, people: People) -> Sales:
    async with database.writer() as session, session.begin():
        company = Company(name="Nordlight Systems", industry="Software")
        session.add(company)
        await session.flush()
        anna = await session.get(Employee, people.anna.id)
        assert anna is not None
        ivans = await open_deal(
            session,
            actor=anna,
            draft=DealDraft(
                name="Warehouse <pilot>",
                value=Decimal("12000.00"),
                currency="EUR",
                client_id=people.maria.id,
                company_id=company.id,
                owner_id=people.ivan.id,
                expected_close=date(2031, 3, 15),
            ),
            now=utcnow(),
        )
        toms = await open_deal(
            session,
            actor=anna,
            draft=DealDraft(
                name="Scanner licences",
                value=Decimal("28500.50"),
                currency="EUR",
                client_id=people.bob.id,
                owner_id=people.tom.id,
            ),
            now=utcnow(),
        )
    return Sales(people, company, ivans.id, toms.id)


async def deal(database: Database, deal_id: int) -> Deal:
    async with database.reader() as session:
        return await load_deal(session, deal_id, visible_to=None)


async def stage_of(database: Database, deal_id: int) -> DealStage:
    return (await deal(database, deal_id)).stage


Figures = set[tuple[int, str, str, int, Decimal]]


async def kept_and_counted(database: Database) -> tuple[Figures, Figures]:
    """The board's kept totals, and the same figures counted here in Python from every deal,
    each as (owner or 0, stage, currency, count, value), leaving out empty rows."""
    async with database.reader() as session:
        kept = {
            (row.owner_id, row.stage.value, row.currency, row.count, row.value)
            for row in await session.scalars(select(DealTotal))
            if row.count
        }
        deals = list(await session.scalars(select(Deal)))
    sums: dict[tuple[int, str, str], tuple[int, Decimal]] = {}
    for each in deals:
        key = (each.owner_id or 0, each.stage.value, each.currency)
        count, value = sums.get(key, (0, Decimal(0)))
        sums[key] = (count + 1, value + each.value)
    counted = {(*key, count, value) for key, (count, value) in sums.items()}
    return kept, counted


@pytest.fixture
async def bot_sales(
    fake: FakeTelegram, database_url: str
) -> AsyncIterator[tuple[BotInProcess, Sales]]:
    """The bot in this process with the desk's people and their two deals."""
    settings = desk_settings(FAKE_API_BASE, database_url)
    async with bot_in_process(settings, fake, UNPACED_SENDER) as bot:
        people = await add_people(bot.database, fake)
        yield bot, await add_sales(bot.database, people)
