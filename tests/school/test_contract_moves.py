"""A contract's lifecycle walked through ``crm.school.rules.MOVES`` on a real database: every
move from every status, by every kind of person, is made by the service where the table holds
it for them and refused, changing nothing, where it does not; and for each status and role the
bot's card and the site's page offer the same actions, those a person of that role should see."""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from bot.sandbox.telegram import FakeTelegram
from crm.errors import DomainError
from crm.notify import Notifier
from crm.permissions import Actor
from crm.school.contracts import contract_for, record_lesson, record_payment, terminate_contract
from crm.school.rules import MOVES, may_move
from db.base import utcnow
from db.engine import Database
from db.enums import ContractStatus
from db.models import Contract
from handlers.i18n import CatalogI18n
from handlers.school.cards import BUTTONS, card_markup
from handlers.school.keyboards import ContractAction
from tests.support.desk import People, add_people
from tests.support.lifecycles import (
    database_state,
    keyboard_actions,
    page_actions,
    signed_in_as,
    site_for,
    stored,
)
from tests.support.school import add_school
from tests.support.site import Client as SiteClient

NOTIFIER = Notifier("en", "EUR")
C = ContractStatus
# Whom each move is tried by: an administrator, the contract's teacher, another teacher (who
# does not see it), the helper of its client, and its client.
PEOPLE = ("anna", "ivan", "tom", "pavel", "maria")
STAFF = ("anna", "ivan", "tom", "pavel")
# The service that asks for each status a contract may move to. Nothing asks for unpaid: it is
# the status a contract is signed in, and no move leads back to it.
Service = Callable[[Any, Actor, int], Awaitable[object]]
LEADS_TO: dict[ContractStatus, Service] = {
    C.ACTIVE: lambda session, actor, contract_id: record_payment(
        session, NOTIFIER, actor=actor, contract_id=contract_id, amount=None, now=utcnow()
    ),
    C.COMPLETED: lambda session, actor, contract_id: record_lesson(
        session, NOTIFIER, actor=actor, contract_id=contract_id, now=utcnow()
    ),
    C.TERMINATED: lambda session, actor, contract_id: terminate_contract(
        session, NOTIFIER, actor=actor, contract_id=contract_id, reason="Moved", now=utcnow()
    ),
}
# What each person sees offered on a contract (Maria's English, Ivan teaching it) in each status:
# the site's page offers all of it, the bot's card what it has buttons for (``BUTTONS``).
EVERYTHING_OPEN = {"pay", "assign", "edit", "terminate", "delete"}
SHOWN: dict[str, dict[ContractStatus, set[str] | None]] = {
    "anna": {
        C.UNPAID: EVERYTHING_OPEN,
        C.ACTIVE: EVERYTHING_OPEN | {"lesson"},
        C.COMPLETED: {"delete"},
        C.TERMINATED: {"delete"},
    },
    "ivan": {C.UNPAID: set(), C.ACTIVE: {"lesson"}, C.COMPLETED: set(), C.TERMINATED: set()},
    "tom": dict.fromkeys(C, None),  # not his: neither shows him the contract
    "pavel": {status: set() for status in C},
}


@dataclass
class Setting:
    people: People
    language_id: int
    branch_id: int


@pytest.fixture
async def setting(database: Database) -> Setting:
    people = await add_people(database, FakeTelegram("1:t"))
    school = await add_school(database, people)
    return Setting(people, school.english.id, school.left_bank.id)


async def contract_in(database: Database, setting: Setting, status: ContractStatus) -> int:
    """Maria's English contract, taught by Ivan, in ``status``, one lesson from its last (all
    given once completed); paid in full unless unpaid."""
    lessons = 4
    given = lessons if status is C.COMPLETED else lessons - 1 if status is C.ACTIVE else 0
    total = Decimal(20 * lessons)
    async with database.writer() as session, session.begin():
        contract = Contract(
            client_id=setting.people.maria.id,
            language_id=setting.language_id,
            lessons=lessons,
            price_per_lesson=Decimal(20),
            discount_percent=Decimal(0),
            total=total,
            paid=Decimal(0) if status is C.UNPAID else total,
            status=status,
            signed_at=utcnow() - timedelta(days=30),
            teacher_id=setting.people.ivan.id,
            branch_id=setting.branch_id,
            lessons_given=given,
            ended_at=utcnow() if status in (C.COMPLETED, C.TERMINATED) else None,
            termination_reason="Moved away" if status is C.TERMINATED else None,
        )
        session.add(contract)
    return contract.id


async def person(session: AsyncSession, setting: Setting, name: str) -> Actor:
    """``name`` (``anna``, ``maria``...) as the services take them."""
    return await stored(session, getattr(setting.people, name))


def test_nothing_leads_back_to_unpaid_and_a_service_asks_for_every_other_status() -> None:
    assert all(C.UNPAID not in moves for moves in MOVES.values())
    assert set(LEADS_TO) == set(C) - {C.UNPAID}


@pytest.mark.parametrize(("old", "new"), list(itertools.product(C, LEADS_TO)))
async def test_a_move_is_made_where_the_table_holds_it_and_refused_with_nothing_changed_elsewhere(
    database: Database, setting: Setting, old: ContractStatus, new: ContractStatus
) -> None:
    for name in PEOPLE:
        contract_id = await contract_in(database, setting, old)
        before = await database_state(database, Contract, contract_id)
        async with database.reader() as session:
            actor = await person(session, setting, name)
            contract = await session.get(Contract, contract_id)
            assert contract is not None
            allowed = may_move(actor, contract, new)
        try:
            async with database.writer() as session, session.begin():
                await LEADS_TO[new](session, await person(session, setting, name), contract_id)
        except DomainError as refusal:
            assert not allowed, f"{name}: {old} → {new} is in the table, yet refused: {refusal}"
            assert await database_state(database, Contract, contract_id) == before, name
        else:
            assert allowed, f"{name}: {old} → {new} is not in the table, yet made"
            async with database.reader() as session:
                moved = await session.get(Contract, contract_id)
                assert moved is not None and moved.status is new, name
                assert moved.ended_at is not None or new is C.ACTIVE


@pytest.fixture
async def site(database: Database, setting: Setting) -> AsyncIterator[SiteClient]:
    people = setting.people
    async with site_for(database, people.anna, people.ivan, people.tom, people.pavel) as client:
        yield client


async def bot_offers(database: Database, setting: Setting, name: str, contract_id: int) -> Any:
    """The actions under the card the bot shows ``name``, or None when it shows them none."""
    async with database.reader() as session:
        actor = await person(session, setting, name)
        try:
            contract = await contract_for(session, actor=actor, contract_id=contract_id)
        except DomainError:
            return None
        with CatalogI18n(default_locale="en").context():
            markup = card_markup(contract, actor)
        return keyboard_actions(markup, ContractAction, **dict(BUTTONS))


async def test_the_bot_and_the_site_offer_each_person_the_same_actions_in_every_status(
    database: Database, setting: Setting, site: SiteClient
) -> None:
    contracts = {status: await contract_in(database, setting, status) for status in C}
    on_buttons = {action for _, action in BUTTONS}
    for name in STAFF:
        await signed_in_as(site, name)
        for status, contract_id in contracts.items():
            page = await site.get(f"/contracts/{contract_id}")
            shown = SHOWN[name][status]
            on_site = None
            if page.status != 404:
                assert page.status == 200, (name, status)
                on_site = page_actions(await page.text(), f"/contracts/{contract_id}")
            on_bot = await bot_offers(database, setting, name, contract_id)
            on_buttons_shown = None if shown is None else shown & on_buttons
            assert (name, status, on_site, on_bot) == (name, status, shown, on_buttons_shown)
    for contract_id in contracts.values():  # the client's card: no buttons
        assert await bot_offers(database, setting, "maria", contract_id) == set()
