"""Services on a real database (SQLite, and PostgreSQL when configured)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import func, select

from crm.demo.seed import is_empty, seed_demo
from crm.errors import Conflict, InvalidInput, NotFound
from crm.people.identity import identify, set_language
from crm.people.passwords import verify_password
from crm.people.staff import EmployeeDraft, add_from_command_line
from crm.people.telegram_clients import TelegramContact, register_client
from crm.permissions import Stranger, require_staff
from crm.tickets.tickets import ticket_for
from db.base import utcnow
from db.engine import Database
from db.enums import ClientStage, Role
from db.models import Client, Department, Employee, FsmRecord
from db.telegram_state import claim_update, load_fsm, save_fsm
from tests.support.sql import statements


def contact(
    sender: int = 501, owner: int | None = 501, phone: str = "79161234567"
) -> TelegramContact:
    return TelegramContact(
        sender_id=sender,
        contact_user_id=owner,
        phone=phone,
        full_name="Ivan Ivanov",
        username="@ivan",
        language="ru",
    )


async def test_a_shared_contact_creates_the_client_card(database: Database) -> None:
    async with database.writer() as session, session.begin():
        _, created = await register_client(session, contact())
    assert created
    async with database.reader() as session:
        card = await session.scalar(select(Client).where(Client.telegram_id == 501))
    assert card is not None
    assert (card.full_name, card.phone, card.username, card.language) == (
        "Ivan Ivanov",
        "+79161234567",
        "ivan",
        "ru",
    )
    assert card.stage is ClientStage.LEAD
    assert card.unreachable is False
    assert card.created_at.tzinfo is not None


async def test_someone_elses_contact_is_refused_and_nothing_is_written(database: Database) -> None:
    async with database.writer() as session, session.begin():
        with pytest.raises(InvalidInput):
            await register_client(session, contact(owner=777))
    async with database.reader() as session:
        assert await session.scalar(select(func.count()).select_from(Client)) == 0


async def test_a_card_made_by_staff_is_linked_not_duplicated(database: Database) -> None:
    async with database.writer() as session, session.begin():
        session.add(Client(full_name="Ivan (front desk)", phone="+79161234567"))
    async with database.writer() as session, session.begin():
        _, created = await register_client(session, contact())
    assert not created
    async with database.reader() as session:
        cards = list(await session.scalars(select(Client)))
    assert len(cards) == 1
    assert cards[0].telegram_id == 501
    assert cards[0].full_name == "Ivan (front desk)"


async def test_a_phone_already_linked_to_another_account_is_refused(database: Database) -> None:
    async with database.writer() as session, session.begin():
        await register_client(session, contact())
    async with database.writer() as session, session.begin():
        with pytest.raises(Conflict):
            await register_client(session, contact(sender=502, owner=502))


async def test_registering_twice_returns_the_same_card(database: Database) -> None:
    async with database.writer() as session, session.begin():
        first, _ = await register_client(session, contact())
    async with database.writer() as session, session.begin():
        again, created = await register_client(session, contact())
    assert not created
    assert again.id == first.id


async def test_a_malformed_phone_is_refused(database: Database) -> None:
    async with database.writer() as session, session.begin():
        with pytest.raises(InvalidInput, match="not a phone number"):
            await register_client(session, contact(phone="12"))


async def test_staff_add_creates_then_updates_by_telegram_id(database: Database) -> None:
    draft = EmployeeDraft(
        telegram_id=42,
        full_name="Anna Petrova",
        role=Role.ADMIN,
        username="@anna",
        department="Repair",
        position="Administrator",
        login="anna",
        password="correct horse battery",
    )
    async with database.writer() as session, session.begin():
        employee, created = await add_from_command_line(session, draft)
    assert created
    async with database.writer() as session, session.begin():
        updated, created = await add_from_command_line(
            session, EmployeeDraft(telegram_id=42, full_name="Anna P.", role=Role.OWNER)
        )
    assert not created
    assert updated.id == employee.id
    async with database.reader() as session:
        stored = await session.scalar(select(Employee).where(Employee.telegram_id == 42))
        department = await session.scalar(select(Department))
    assert stored is not None and department is not None
    assert (stored.full_name, stored.role, stored.username) == ("Anna P.", Role.OWNER, "anna")
    assert stored.department_id == department.id and department.name == "Repair"
    assert stored.web_login == "anna"
    assert stored.password_hash is not None
    assert stored.password_hash.startswith("$argon2id$")
    assert verify_password(stored.password_hash, "correct horse battery")
    assert not verify_password(stored.password_hash, "wrong")


async def test_staff_add_refuses_a_telegram_id_of_a_client(database: Database) -> None:
    async with database.writer() as session, session.begin():
        await register_client(session, contact())
    async with database.writer() as session, session.begin():
        with pytest.raises(InvalidInput, match="already belongs to client"):
            await add_from_command_line(
                session, EmployeeDraft(telegram_id=501, full_name="X", role=Role.HELPER)
            )
    async with database.reader() as session:
        assert await session.scalar(select(func.count()).select_from(Employee)) == 0


@pytest.mark.parametrize(
    ("draft", "message"),
    [
        (EmployeeDraft(telegram_id=0, full_name="A", role=Role.HELPER), "positive"),
        (EmployeeDraft(telegram_id=5, full_name="  ", role=Role.HELPER), "empty"),
        (EmployeeDraft(telegram_id=5, full_name="A" * 201, role=Role.HELPER), "longer"),
        (EmployeeDraft(telegram_id=5, full_name="A", role=Role.HELPER, login="a"), "password"),
        (
            EmployeeDraft(telegram_id=5, full_name="A", role=Role.HELPER, login="a", password="1"),
            "at least 8",
        ),
    ],
)
async def test_staff_add_refuses_bad_input(
    database: Database, draft: EmployeeDraft, message: str
) -> None:
    async with database.writer() as session, session.begin():
        with pytest.raises(InvalidInput, match=message):
            await add_from_command_line(session, draft)


async def test_a_login_used_by_another_employee_is_refused(database: Database) -> None:
    async with database.writer() as session, session.begin():
        await add_from_command_line(
            session,
            EmployeeDraft(
                telegram_id=1, full_name="A", role=Role.ADMIN, login="boss", password="12345678"
            ),
        )
    async with database.writer() as session, session.begin():
        with pytest.raises(InvalidInput, match="already used by employee #"):
            await add_from_command_line(
                session,
                EmployeeDraft(
                    telegram_id=2, full_name="B", role=Role.ADMIN, login="boss", password="abcdefgh"
                ),
            )


async def test_identify_tells_staff_clients_and_strangers_apart(database: Database) -> None:
    """Staff first, then clients, else a stranger, each found in one statement: an employee who
    is also a client is the employee, a former one is a stranger, or the client if they are
    one."""
    async with database.writer() as session, session.begin():
        await add_from_command_line(
            session, EmployeeDraft(telegram_id=10, full_name="Spec", role=Role.SPECIALIST)
        )
        for telegram_id in (11, 12):
            retired, _ = await add_from_command_line(
                session,
                EmployeeDraft(telegram_id=telegram_id, full_name="Gone", role=Role.SPECIALIST),
            )
            retired.active = False
        await register_client(session, contact())
        await register_client(session, contact(10, 10, phone="79161234568"))
        await register_client(session, contact(12, 12, phone="79161234569"))
    with statements(database) as run:
        async with database.reader() as session:
            staff, client, stranger, former, former_client = [
                await identify(session, telegram_id) for telegram_id in (10, 501, 999, 11, 12)
            ]
    assert isinstance(staff, Employee) and require_staff(staff) is staff
    assert isinstance(client, Client)
    assert stranger == Stranger(telegram_id=999)
    assert isinstance(former, Stranger)
    assert isinstance(former_client, Client) and former_client.telegram_id == 12
    assert [ran.verb for ran in run].count("SELECT") == 5


async def test_a_chosen_language_is_kept_on_the_card(database: Database) -> None:
    async with database.writer() as session, session.begin():
        client, _ = await register_client(session, contact())
        await set_language(session, client, "fr")
    async with database.reader() as session:
        card = await session.scalar(select(Client))
    assert card is not None and card.language == "fr"


async def test_demo_goes_only_into_an_empty_database(database: Database) -> None:
    async with database.writer() as session, session.begin():
        assert await is_empty(session)
        made = await seed_demo(session, now=utcnow())
    assert made["employees"] >= 4 and made["clients"] >= 4
    async with database.reader() as session:
        roles = set(await session.scalars(select(Employee.role)))
        branches = list(
            await session.scalars(select(Department).where(Department.address.is_not(None)))
        )
    assert roles == set(Role)
    assert branches
    async with database.writer() as session, session.begin():
        with pytest.raises(Conflict, match="not empty"):
            await seed_demo(session, now=utcnow())


async def test_an_update_is_claimed_once(database: Database) -> None:
    async with database.writer() as session, session.begin():
        assert await claim_update(session, 1001)
        assert not await claim_update(session, 1001)
    async with database.writer() as session, session.begin():
        assert not await claim_update(session, 1001)
        assert await claim_update(session, 1002)


async def test_a_claim_rolled_back_can_be_claimed_again(database: Database) -> None:
    async with database.writer() as session:
        transaction = await session.begin()
        assert await claim_update(session, 7)
        await transaction.rollback()
    async with database.writer() as session, session.begin():
        assert await claim_update(session, 7)


async def test_dialog_state_is_stored_and_emptied(database: Database) -> None:
    async with database.writer() as session, session.begin():
        await save_fsm(session, "k", state="Registration:phone")
        await save_fsm(session, "k", data={"language": "ru"})
    async with database.reader() as session:
        record = await load_fsm(session, "k")
    assert record is not None
    assert (record.state, record.data) == ("Registration:phone", {"language": "ru"})
    async with database.writer() as session, session.begin():
        await save_fsm(session, "k", state="")
        await save_fsm(session, "k", data={})
        await save_fsm(session, "fresh", state="", data={})
    async with database.reader() as session:
        assert await session.scalar(select(func.count()).select_from(FsmRecord)) == 0


@pytest.mark.parametrize("ticket_id", [10**30, 2**31, 0, -1])
async def test_a_ticket_number_no_record_can_have_is_not_found(
    database: Database, ticket_id: int
) -> None:
    async with database.writer() as session, session.begin():
        owner = Employee(telegram_id=8301, full_name="Olga", username="olga", role=Role.OWNER)
        session.add(owner)
        await session.flush()
        with pytest.raises(NotFound, match="does not exist"):
            await ticket_for(session, actor=owner, ticket_id=ticket_id)


@pytest.mark.parametrize(
    ("change", "refusal"),
    [
        ({"salary": Decimal("-1")}, "the salary cannot be negative"),
        ({"experience_years": 200}, "experience must be between 0 and 80 years"),
        ({"login": "x" * 65, "password": "a long enough password"}, "the login is longer than"),
    ],
)
async def test_the_command_line_and_the_site_save_an_employee_by_the_same_rules(
    database: Database, change: dict[str, object], refusal: str
) -> None:
    """One write path: what the site's form refuses, ``crm staff add`` refuses too."""
    draft = EmployeeDraft(telegram_id=77, full_name="Zoe", role=Role.SPECIALIST, **change)  # type: ignore[arg-type]
    async with database.writer() as session, session.begin():
        with pytest.raises(InvalidInput, match=refusal):
            await add_from_command_line(session, draft)
    async with database.reader() as session:
        assert await session.scalar(select(func.count()).select_from(Employee)) == 0
