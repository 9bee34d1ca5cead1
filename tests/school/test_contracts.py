"""School contracts through the services, on a real database: the price, the life of a
contract, the refusals, and who may do what."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from decimal import Decimal
from typing import TypeVar

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.sandbox.telegram import FakeTelegram
from crm.errors import DomainError, InvalidInput, NotFound, PermissionDenied
from crm.money import format_money, parse_amount
from crm.notify import Notifier
from crm.people.staff_search import StaffRef
from crm.school.contracts import (
    ContractDraft,
    assign_teacher,
    contract_for,
    contracts_of,
    price_of,
    record_lesson,
    record_payment,
    sign_contract,
    terminate_contract,
)
from db.base import utcnow
from db.engine import Database
from db.enums import ContractStatus
from db.models import Client, Contract, Employee, OutboxMessage, Payment
from tests.support.desk import BOB, MARIA, People, add_people
from tests.support.school import School, add_school

NOTIFIER = Notifier("en", "EUR")
T = TypeVar("T")


@pytest.fixture
async def people(database: Database) -> People:
    return await add_people(database, FakeTelegram("1:t"))


@pytest.fixture
async def school(database: Database, people: People) -> School:
    return await add_school(database, people)


async def sign(
    database: Database, client_id: int, language_id: int, lessons: int, branch_id: int
) -> int:
    async with database.writer() as session, session.begin():
        client = await session.get(Client, client_id)
        assert client is not None
        contract = await sign_contract(
            session,
            NOTIFIER,
            actor=client,
            client=client,
            draft=ContractDraft(language_id, lessons, branch_id),
            now=utcnow(),
        )
        return contract.id


async def as_employee(
    database: Database, employee_id: int, action: Callable[[AsyncSession, Employee], Awaitable[T]]
) -> T:
    async with database.writer() as session, session.begin():
        actor = await session.get(Employee, employee_id)
        assert actor is not None
        return await action(session, actor)


async def pay(
    database: Database, employee_id: int, contract_id: int, amount: Decimal | None = None
) -> Payment:
    """The employee records a payment; ``None`` pays the balance."""
    return await as_employee(
        database,
        employee_id,
        lambda session, me: record_payment(
            session, NOTIFIER, actor=me, contract_id=contract_id, amount=amount, now=utcnow()
        ),
    )


async def assign(database: Database, employee_id: int, contract_id: int, teacher: str) -> None:
    await as_employee(
        database,
        employee_id,
        lambda session, me: assign_teacher(
            session,
            NOTIFIER,
            actor=me,
            contract_id=contract_id,
            teacher=StaffRef(username=teacher),
            now=utcnow(),
        ),
    )


async def give_lesson(database: Database, employee_id: int, contract_id: int) -> None:
    await as_employee(
        database,
        employee_id,
        lambda session, me: record_lesson(
            session, NOTIFIER, actor=me, contract_id=contract_id, now=utcnow()
        ),
    )


async def terminate(database: Database, employee_id: int, contract_id: int, reason: str) -> None:
    await as_employee(
        database,
        employee_id,
        lambda session, me: terminate_contract(
            session, NOTIFIER, actor=me, contract_id=contract_id, reason=reason, now=utcnow()
        ),
    )


@pytest.mark.parametrize(
    ("lessons", "expected"),
    [
        (1, Decimal("20.00")),
        (15, Decimal("300.00")),
        (16, Decimal("288.00")),  # 320 less 10 %
        (31, Decimal("558.00")),
        (32, Decimal("544.00")),  # 640 less 15 %
        (500, Decimal("8500.00")),
    ],
)
async def test_the_total_is_the_price_per_lesson_times_the_lessons_less_the_tier_reached(
    database: Database, school: School, lessons: int, expected: Decimal
) -> None:
    async with database.reader() as session:
        priced = await price_of(session, school.english.id, lessons)
    assert priced.total == expected
    assert isinstance(priced.total, Decimal)


async def test_an_odd_price_is_rounded_to_the_cent_half_up(
    database: Database, school: School
) -> None:
    async with database.reader() as session:
        priced = await price_of(session, school.spanish.id, 17)  # 433.50 less 10 % = 390.15
    assert priced.total == Decimal("390.15")


@pytest.mark.parametrize("lessons", [0, -3, 501, 10**9])
async def test_nonsense_numbers_of_lessons_are_refused(
    database: Database, school: School, people: People, lessons: int
) -> None:
    with pytest.raises(InvalidInput, match="from 1 to 500"):
        await sign(database, people.maria.id, school.english.id, lessons, school.left_bank.id)
    async with database.reader() as session:
        assert await session.scalar(select(func.count()).select_from(Contract)) == 0


async def test_a_language_no_longer_taught_is_not_sold(
    database: Database, school: School, people: People
) -> None:
    with pytest.raises(InvalidInput, match="Latin is not taught"):
        await sign(database, people.maria.id, school.latin.id, 8, school.left_bank.id)


async def test_with_several_branches_one_must_be_chosen(
    database: Database, school: School, people: People
) -> None:
    async with database.writer() as session, session.begin():
        maria = await session.get(Client, people.maria.id)
        assert maria is not None
        with pytest.raises(InvalidInput, match="choose the branch"):
            await sign_contract(
                session,
                NOTIFIER,
                actor=maria,
                client=maria,
                draft=ContractDraft(school.english.id, 8),
                now=utcnow(),
            )


async def test_the_life_of_a_contract_from_signing_to_completed(
    database: Database, school: School, people: People
) -> None:
    contract_id = await sign(database, people.maria.id, school.english.id, 3, school.left_bank.id)
    anna, ivan = people.anna.id, people.ivan.id

    await pay(database, anna, contract_id, Decimal("25"))
    async with database.reader() as session:
        contract = await session.get(Contract, contract_id)
        assert contract is not None
        assert (contract.status, contract.paid, contract.balance) == (
            ContractStatus.UNPAID,
            Decimal("25.00"),
            Decimal("35.00"),
        )
    with pytest.raises(InvalidInput, match="more than the balance"):
        await pay(database, anna, contract_id, Decimal("35.01"))
    payment = await pay(database, anna, contract_id)  # the balance
    assert payment.amount == Decimal("35.00")
    with pytest.raises(InvalidInput, match="paid in full"):
        await pay(database, anna, contract_id)

    # A teacher who does not teach English is refused with the reason.
    with pytest.raises(InvalidInput, match="Tom Baker does not teach English"):
        await assign(database, anna, contract_id, "tom")
    await assign(database, anna, contract_id, "ivan")
    for _ in range(3):
        await give_lesson(database, ivan, contract_id)
    with pytest.raises(InvalidInput, match="is completed"):
        await give_lesson(database, ivan, contract_id)
    async with database.reader() as session:
        contract = await session.get(Contract, contract_id)
        assert contract is not None
        assert (contract.status, contract.lessons_given, contract.lessons_left) == (
            ContractStatus.COMPLETED,
            3,
            0,
        )
        payments = await session.scalar(select(func.count()).select_from(Payment))
        assert payments == 2
        told = [
            row.payload["text"]
            for row in await session.scalars(
                select(OutboxMessage)
                .where(OutboxMessage.chat_id == MARIA)
                .order_by(OutboxMessage.id)
            )
        ]
    assert told == [
        "💳 Payment of €25.00 received for contract #1.\nStill to pay: €35.00.",
        "💳 Payment of €35.00 received for contract #1.\nThe contract is paid in full and active.",
        "👩\u200d🏫 Ivan Kuznetsov will teach you English (contract #1).",
        "✅ A lesson of contract #1 is given: 2 lessons left.",
        "✅ A lesson of contract #1 is given: 1 lesson left.",
        "🎓 Contract #1 is completed: every lesson is given. Thank you!",
    ]


async def test_lessons_wait_for_the_payment_and_a_terminated_contract_takes_nothing_more(
    database: Database, school: School, people: People
) -> None:
    contract_id = await sign(database, people.bob.id, school.english.id, 8, school.left_bank.id)
    anna = people.anna.id
    with pytest.raises(InvalidInput, match="not paid yet"):
        await give_lesson(database, anna, contract_id)
    with pytest.raises(InvalidInput, match="say why"):
        await terminate(database, anna, contract_id, " ")
    await terminate(database, anna, contract_id, "moved away")
    with pytest.raises(InvalidInput, match="is terminated"):
        await pay(database, anna, contract_id)
    async with database.reader() as session:
        told = await session.scalar(
            select(OutboxMessage.payload)
            .where(OutboxMessage.chat_id == BOB)
            .order_by(OutboxMessage.id.desc())
        )
    assert told is not None and told["text"] == "⛔ Contract #1 is terminated: moved away"


async def test_each_role_may_do_what_the_seed_says_and_no_more(
    database: Database, school: School, people: People
) -> None:
    mine = await sign(database, people.maria.id, school.english.id, 8, school.left_bank.id)
    other = await sign(database, people.bob.id, school.spanish.id, 8, school.left_bank.id)
    await assign(database, people.anna.id, mine, "ivan")
    # A teacher sees the contracts they teach, and nothing of another teacher's.
    async with database.reader() as session:
        ivan = await session.get(Employee, people.ivan.id)
        tom = await session.get(Employee, people.tom.id)
        maria = await session.get(Client, people.maria.id)
        assert ivan is not None and tom is not None and maria is not None
        assert [c.id for c in await contracts_of(session, actor=ivan)] == [mine]
        assert await contracts_of(session, actor=tom) == []
        with pytest.raises(NotFound):
            await contract_for(session, actor=ivan, contract_id=other)
        with pytest.raises(NotFound):
            await contract_for(session, actor=maria, contract_id=other)
        assert [c.id for c in await contracts_of(session, actor=maria)] == [mine]
    # Neither a teacher nor a plain employee may pay, assign or terminate.
    refused: dict[str, Callable[[int], Awaitable[object]]] = {
        "pay": lambda me: pay(database, me, mine),
        "assign": lambda me: assign(database, me, mine, "ivan"),
        "terminate": lambda me: terminate(database, me, mine, "no"),
    }
    refusals: list[tuple[str, int, type[DomainError]]] = []
    for employee_id, name in ((people.ivan.id, "ivan"), (people.pavel.id, "pavel")):
        for what, action in refused.items():
            with pytest.raises(PermissionDenied):
                await action(employee_id)
            refusals.append((f"{name} {what}", employee_id, PermissionDenied))
    assert len(refusals) == 6


def test_amounts_are_read_as_people_type_them_and_shown_in_their_locale() -> None:
    assert parse_amount("1 200,50") == Decimal("1200.50")
    assert parse_amount("99.9") == Decimal("99.90")
    # As the reader's language writes amounts: "1,200.50" is English, not French.
    assert parse_amount("1,200.50") == Decimal("1200.50")
    for wrong in ("abc", "12345678901", ""):
        with pytest.raises(InvalidInput):
            parse_amount(wrong)
    with pytest.raises(InvalidInput):
        parse_amount("1,200.50", language="fr")
    amount = Decimal("1200.5")
    assert format_money(amount, "EUR", "en") == "€1,200.50"
    assert format_money(amount, "EUR", "fr") == "1\u202f200,50\u00a0€"
    assert format_money(amount, "RUB", "ru") == "1\u00a0200,50\u00a0₽"
