"""The demo business's language school: what a tester finds in the sandbox, and that its
invented history obeys the same rules as real contracts (SQLite, and PostgreSQL when set)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from crm.demo.seed import DEMO_PASSWORD, demo_logins, seed_demo
from crm.people.passwords import verify_password
from crm.school.contracts import branches, contracts_of
from crm.school.languages import active_languages, all_languages, discount_tiers, teachers
from crm.school.rules import discount_for
from crm.visibility import visible_contracts
from db.base import utcnow
from db.engine import Database
from db.enums import ContractStatus, Role
from db.models import Contract, Employee, OutboxMessage

C = ContractStatus


@pytest.fixture
async def now(database: Database) -> datetime:
    moment = utcnow()
    async with database.writer() as session, session.begin():
        await seed_demo(session, now=moment)
    return moment


async def all_contracts(database: Database) -> list[Contract]:
    async with database.reader() as session:
        found = await session.scalars(
            select(Contract)
            .options(
                selectinload(Contract.payments),
                selectinload(Contract.lessons_log),
                selectinload(Contract.language),
                selectinload(Contract.branch),
                selectinload(Contract.teacher).selectinload(Employee.languages),
            )
            .order_by(Contract.id)
        )
        return list(found)


async def test_the_demo_has_contracts_in_every_status(database: Database, now: datetime) -> None:
    contracts = await all_contracts(database)
    assert {contract.status for contract in contracts} == set(ContractStatus)
    unpaid = [contract for contract in contracts if contract.status is C.UNPAID]
    assert any(contract.paid == 0 for contract in unpaid)
    assert any(0 < contract.paid < contract.total for contract in unpaid), "none partly paid"
    assert any(
        contract.status is C.ACTIVE and 0 < contract.lessons_given < contract.lessons
        for contract in contracts
    ), "no active contract with lessons given"
    assert any(contract.discount_percent > 0 for contract in contracts), "no discount reached"
    for contract in contracts:
        if contract.status is C.TERMINATED:
            assert contract.termination_reason and contract.ended_at is not None
        else:
            assert contract.termination_reason is None


async def test_the_demos_money_and_lessons_add_up(database: Database, now: datetime) -> None:
    async with database.reader() as session:
        tiers = await discount_tiers(session)
    for contract in await all_contracts(database):
        where = f"contract #{contract.id}"
        assert contract.paid == sum((p.amount for p in contract.payments), Decimal(0)), where
        assert 0 <= contract.paid <= contract.total, where
        assert contract.lessons_given == len(contract.lessons_log) <= contract.lessons, where
        assert contract.discount_percent == discount_for(contract.lessons, tiers), where
        full = contract.price_per_lesson * contract.lessons
        assert contract.total == (full * (100 - contract.discount_percent) / 100).quantize(
            Decimal("0.01")
        ), where
        paid_in_full = contract.paid >= contract.total
        assert (contract.status is C.UNPAID) == (not paid_in_full), where
        if contract.status is C.ACTIVE:
            assert contract.lessons_given < contract.lessons, where
        if contract.status is C.COMPLETED:
            assert contract.lessons_given == contract.lessons and paid_in_full, where
        if contract.lessons_given:
            assert paid_in_full, f"{where}: lessons given before it was paid"
            last_payment = max(payment.paid_at for payment in contract.payments)
            assert min(lesson.given_at for lesson in contract.lessons_log) > last_payment, where
        # Every step happened after the signing and before now.
        moments = [
            contract.signed_at,
            *(payment.paid_at for payment in contract.payments),
            *(lesson.given_at for lesson in contract.lessons_log),
            *([contract.ended_at] if contract.ended_at else []),
        ]
        assert moments == sorted(moments), where
        assert contract.signed_at == min(moments) and max(moments) < now, where
        assert contract.signed_at.year >= now.year - 1, where
        # The teacher teaches the language, in a branch of the school.
        assert contract.branch is not None and contract.branch.address, where
        if contract.teacher is not None:
            assert contract.language in contract.teacher.languages, where
        else:
            assert contract.status is C.UNPAID, f"{where}: taught by nobody"


async def test_the_demo_catalog_and_teachers(database: Database, now: datetime) -> None:
    async with database.reader() as session:
        taught = await active_languages(session)
        every = len(await all_languages(session))
        tiers = await discount_tiers(session)
        school_branches = await branches(session)
        people = await teachers(session)
    assert len(taught) >= 4 and every == len(taught) + 1, "one language is no longer taught"
    assert all(language.price_per_lesson > 0 for language in taught)
    assert len(tiers) >= 1
    assert len(school_branches) == 2
    assert {teacher.department_id for teacher in people} == {
        branch.id for branch in school_branches
    }, "teachers in both branches"
    # Nobody is told of the demo's invented history.
    async with database.reader() as session:
        assert await session.scalar(select(func.count()).select_from(OutboxMessage)) == 0


async def test_a_tester_can_sign_in_as_a_teacher_or_an_administrator(
    database: Database, now: datetime
) -> None:
    async with database.reader() as session:
        logins = {login: role for login, _, role in await demo_logins(session)}
        people = await teachers(session)
        irina = await session.scalar(select(Employee).where(Employee.web_login == "irina"))
    assert {"olga", "anna", "ivan", "pavel"} <= set(logins)  # the desk's logins stay
    assert logins["irina"] is Role.ADMIN
    assert people and all(teacher.web_login in logins for teacher in people)
    assert irina is not None and irina.password_hash is not None
    assert verify_password(irina.password_hash, DEMO_PASSWORD)


async def test_a_demo_teacher_sees_the_contracts_they_teach(
    database: Database, now: datetime
) -> None:
    async with database.reader() as session:
        for teacher in await teachers(session):
            seen = list(await session.scalars(select(Contract).where(visible_contracts(teacher))))
            theirs = await contracts_of(session, actor=teacher)
            assert seen, f"{teacher.full_name} teaches nothing in the demo"
            assert {contract.id for contract in seen} == {contract.id for contract in theirs}
            assert all(contract.teacher_id == teacher.id for contract in seen)
