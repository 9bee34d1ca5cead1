"""Who sees what, role by row: the rule, the services, the bot's checks, pages and CSV agree.

The expected rows are written out here by hand from the rules in ``crm/visibility.py``'s
docstring; every surface that shows a ticket, a client, an employee or a department must give
exactly them.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import select

from bot.sandbox.telegram import FakeTelegram
from crm.errors import NotFound, PermissionDenied
from crm.people.clients import list_clients, visible_client
from crm.people.departments import list_departments
from crm.people.staff import list_employees
from crm.permissions import Actor
from crm.settings import Settings
from crm.tickets.listing import TicketFilter, list_tickets
from crm.tickets.queues import my_tickets, queue
from crm.tickets.tickets import ticket_for
from crm.visibility import (
    ticket_history,
    visible_clients,
    visible_departments,
    visible_employees,
    visible_tickets,
)
from db.engine import Database
from db.enums import Role, TicketEventKind, TicketStatus
from db.models import Client, Department, Employee, Ticket, TicketEvent
from tests.conftest import SECRET_KEY
from tests.support.desk import add_people
from tests.support.site import Client as SiteClient
from tests.support.site import give_logins, sign_in
from web.app import create_app

STAFF = ("olga", "anna", "ivan", "tom", "pavel")
MANAGERS = {"olga", "anna"}


@dataclass
class Business:
    """Named rows: tickets 1-4 and clients by first name, as the expectations below use them."""

    people: dict[str, Employee | Client]
    tickets: dict[int, int]  # the ticket's number here -> its id
    departments: list[int]


# Ticket 1: Maria's, Ivan's. Ticket 2: Carol's, in the queue. Ticket 3: Bob's, Tom's.
# Ticket 4: Bob's, assigned to Pavel (a helper, Maria's). Dave has no ticket.
TICKETS = {
    "olga": {1, 2, 3, 4},
    "anna": {1, 2, 3, 4},
    "ivan": {1, 2},  # his own and the queue
    "tom": {2, 3},
    "pavel": {1, 4},  # his client's, and the one assigned to him
    "maria": {1},
    "bob": {3, 4},
}
# /my: the open tickets assigned to them; a helper's are all of their clients' too.
MINE: dict[str, set[int]] = {"olga": set(), "anna": set(), "ivan": {1}, "tom": {3}, "pavel": {1, 4}}
CLIENTS = {
    "olga": {"maria", "bob", "carol", "dave"},
    "anna": {"maria", "bob", "carol", "dave"},
    "ivan": {"maria", "carol"},  # the clients of the tickets he sees
    "tom": {"carol", "bob"},
    "pavel": {"maria", "bob"},
    "maria": {"maria"},
}


@pytest.fixture
async def business(database: Database) -> Business:
    desk = await add_people(database, FakeTelegram("1:t"))
    async with database.writer() as session, session.begin():
        olga = Employee(full_name="Olga Smirnova", username="olga", role=Role.OWNER)
        carol = Client(full_name="Carol White", phone="+447700900002")
        dave = Client(full_name="Dave Green", phone="+447700900003")
        session.add_all([olga, carol, dave])
        await session.flush()
        rows = [
            (desk.maria.id, desk.ivan.id, TicketStatus.ASSIGNED),
            (carol.id, None, TicketStatus.NEW),
            (desk.bob.id, desk.tom.id, TicketStatus.IN_PROGRESS),
            (desk.bob.id, desk.pavel.id, TicketStatus.ASSIGNED),
        ]
        tickets = {}
        for number, (client_id, assignee_id, status) in enumerate(rows, start=1):
            ticket = Ticket(
                client_id=client_id,
                assignee_id=assignee_id,
                status=status,
                title=f"Problem {number}",
                description=f"Problem {number}",
            )
            session.add(ticket)
            await session.flush()
            tickets[number] = ticket.id
    await give_logins(database, olga, desk.anna, desk.ivan, desk.tom, desk.pavel)
    people: dict[str, Employee | Client] = {
        "olga": olga,
        "anna": desk.anna,
        "ivan": desk.ivan,
        "tom": desk.tom,
        "pavel": desk.pavel,
        "maria": desk.maria,
        "bob": desk.bob,
        "carol": carol,
        "dave": dave,
    }
    return Business(people, tickets, [desk.repair.id])


def _numbers(business: Business, ids: set[int]) -> set[int]:
    return {number for number, ticket_id in business.tickets.items() if ticket_id in ids}


def _names(business: Business, ids: set[int]) -> set[str]:
    return {
        name
        for name, person in business.people.items()
        if isinstance(person, Client) and person.id in ids
    }


async def _fresh(database: Database, who: Employee | Client) -> Actor:
    async with database.reader() as session:
        found = await session.get(type(who), who.id)
    assert isinstance(found, Employee | Client)
    return found


@pytest.mark.parametrize("name", [*STAFF, "maria", "bob"])
async def test_the_rule_and_every_service_agree_on_each_ticket(
    database: Database, business: Business, name: str
) -> None:
    actor = await _fresh(database, business.people[name])
    expected = TICKETS[name]
    async with database.reader() as session:
        by_rule = set(await session.scalars(select(Ticket.id).where(visible_tickets(actor))))
        assert _numbers(business, by_rule) == expected
        for number, ticket_id in business.tickets.items():
            if number in expected:
                assert (await ticket_for(session, actor=actor, ticket_id=ticket_id)).id == ticket_id
            else:  # the bot's /ticket and buttons: it does not exist, as far as they know
                with pytest.raises(NotFound):
                    await ticket_for(session, actor=actor, ticket_id=ticket_id)
        if isinstance(actor, Employee):
            listed = await list_tickets(session, actor, TicketFilter())
            assert _numbers(business, {t.id for t in listed.tickets}) == expected
            assert _numbers(business, {t.id for t in await queue(session, actor=actor)}) <= expected
            mine = {t.id for t in await my_tickets(session, actor=actor)}
            assert _numbers(business, mine) == MINE[name]


@pytest.mark.parametrize("name", ["olga", "ivan", "pavel", "maria"])
async def test_staff_read_a_tickets_internal_notes_and_its_client_never_does(
    database: Database, business: Business, name: str
) -> None:
    ticket_id = business.tickets[1]  # Maria's, Ivan's; Pavel helps Maria
    async with database.writer() as session, session.begin():
        session.add_all(
            [
                TicketEvent(ticket_id=ticket_id, kind=TicketEventKind.NOTE, text="Supplier: Acme"),
                TicketEvent(ticket_id=ticket_id, kind=TicketEventKind.REPLY, text="Part ordered"),
            ]
        )
    actor = await _fresh(database, business.people[name])
    async with database.reader() as session:
        ticket = await ticket_for(session, actor=actor, ticket_id=ticket_id)
    read = {event.text for event in ticket_history(actor, ticket)}
    assert "Part ordered" in read
    assert ("Supplier: Acme" in read) is (name != "maria")


@pytest.mark.parametrize("name", [*STAFF, "maria"])
async def test_the_rule_and_every_service_agree_on_each_client(
    database: Database, business: Business, name: str
) -> None:
    actor = await _fresh(database, business.people[name])
    async with database.reader() as session:
        by_rule = set(await session.scalars(select(Client.id).where(visible_clients(actor))))
        assert _names(business, by_rule) == CLIENTS[name]
        for client_name, person in business.people.items():
            if isinstance(person, Client):
                if client_name in CLIENTS[name]:
                    assert (await visible_client(session, actor, person.id)).id == person.id
                else:  # the card, its tickets and reports: no such client, as far as they know
                    with pytest.raises(NotFound):
                        await visible_client(session, actor, person.id)
        if isinstance(actor, Employee):
            listed, _ = await list_clients(session, actor=actor)
            assert _names(business, {client.id for client in listed}) == CLIENTS[name]


@pytest.mark.parametrize("name", STAFF)
async def test_employees_and_departments_are_for_managers_only(
    database: Database, business: Business, name: str
) -> None:
    actor = await _fresh(database, business.people[name])
    manager = name in MANAGERS
    async with database.reader() as session:
        employees = set(await session.scalars(select(Employee.id).where(visible_employees(actor))))
        departments = set(
            await session.scalars(select(Department.id).where(visible_departments(actor)))
        )
        every_employee = set(await session.scalars(select(Employee.id)))
        assert employees == (every_employee if manager else set())
        assert departments == (set(business.departments) if manager else set())
        if manager:
            assert {e.id for e in await list_employees(session, actor=actor)} == every_employee
            rows = await list_departments(session, actor=actor)
            assert [row.department.id for row in rows] == business.departments
        else:
            with pytest.raises(PermissionDenied):
                await list_employees(session, actor=actor)
            with pytest.raises(PermissionDenied):
                await list_departments(session, actor=actor)


@pytest.fixture
async def site(database: Database, business: Business) -> AsyncIterator[SiteClient]:
    app = create_app(Settings(_env_file=None), database, secret_key=SECRET_KEY)
    async with TestClient(TestServer(app)) as client:
        yield client


@pytest.mark.parametrize("name", STAFF)
async def test_pages_and_csv_show_exactly_what_the_rule_allows(
    site: SiteClient, business: Business, name: str
) -> None:
    signed_in = await sign_in(site, name)
    assert signed_in.status == 302
    listing = await (await site.get("/tickets")).text()
    linked = {int(found) for found in re.findall(r'href="/tickets/(\d+)"', listing)}
    assert _numbers(business, linked) == TICKETS[name]
    exported = csv.DictReader(io.StringIO(await (await site.get("/tickets.csv")).text()))
    assert _numbers(business, {int(row["id"]) for row in exported}) == TICKETS[name]
    for number, ticket_id in business.tickets.items():
        page = await site.get(f"/tickets/{ticket_id}")
        assert page.status == (200 if number in TICKETS[name] else 404), number
    clients_page = await (await site.get("/clients")).text()
    listed = {int(found) for found in re.findall(r'href="/clients/(\d+)"', clients_page)}
    assert _names(business, listed) == CLIENTS[name]
    for client_name, person in business.people.items():
        if isinstance(person, Client):
            page = await site.get(f"/clients/{person.id}")
            assert page.status == (200 if client_name in CLIENTS[name] else 404), client_name
    manager_status = 200 if name in MANAGERS else 403
    assert (await site.get("/employees")).status == manager_status
    assert (
        await site.get(f"/employees/{business.people['ivan'].id}/edit")
    ).status == manager_status
    assert (await site.get("/departments")).status == manager_status
    department = business.departments[0]
    assert (await site.get(f"/departments/{department}/edit")).status == manager_status
    # Every form and deletion page asks the service before it shows anything: a ticket or a
    # client the specialist may see is still not theirs to change.
    some_ticket = next(iter(business.tickets.values()))
    some_client = next(p for p in business.people.values() if isinstance(p, Client))
    for area, record in (
        ("tickets", some_ticket),
        ("clients", some_client.id),
        ("employees", business.people["ivan"].id),
        ("departments", department),
    ):
        for path in (f"/{area}/new", f"/{area}/{record}/edit", f"/{area}/{record}/delete"):
            page = await site.get(path)
            assert page.status in ((200,) if name in MANAGERS else (403, 404)), path
