"""Which departments take clients' requests: a workshop does, a language school or a coaching
practice does not, so a client with a cracked laptop is never offered the coaches; and the desk
is the work of those who take tickets, not of a teacher or a coach."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from crm.demo.seed import seed_demo
from crm.errors import InvalidInput
from crm.tickets.assignment import works_the_desk
from crm.tickets.tickets import departments, edit_ticket, open_ticket
from db.base import utcnow
from db.engine import Database
from db.enums import Role
from db.models import Client, Department, Employee, Ticket


async def test_only_the_departments_that_take_requests_are_offered_and_accepted(
    database: Database,
) -> None:
    async with database.writer() as session, session.begin():
        await seed_demo(session, now=utcnow())
    async with database.writer() as session, session.begin():
        offered = [department.name for department in await departments(session)]
        every = [department.name for department in await departments(session, taking_tickets=False)]
        assert offered == ["Branch Paris", "Repair workshop", "Support line"]
        assert {"Coaching practice", "Language school"} <= set(every)
        client = await session.scalar(select(Client).where(Client.full_name == "Dmitry Volkov"))
        coaching = await session.scalar(
            select(Department).where(Department.name == "Coaching practice")
        )
        assert client is not None and coaching is not None
        before = await session.scalar(select(Ticket.id).order_by(Ticket.id.desc()).limit(1))
        with pytest.raises(InvalidInput, match="takes no requests"):
            await open_ticket(
                session,
                actor=client,
                client=client,
                description="Cracked laptop screen",
                department_id=coaching.id,
                now=utcnow(),
            )
        assert await session.scalar(select(Ticket.id).order_by(Ticket.id.desc()).limit(1)) == before

    # A ticket filed before its department stopped taking requests keeps it when edited.
    async with database.writer() as session, session.begin():
        owner = await session.scalar(select(Employee).where(Employee.role == Role.OWNER))
        ticket = await session.scalar(select(Ticket).where(Ticket.department_id.is_not(None)))
        assert owner is not None and ticket is not None and ticket.department_id is not None
        department = await session.get(Department, ticket.department_id)
        assert department is not None
        department.takes_tickets = False
        edited = await edit_ticket(
            session,
            actor=owner,
            ticket_id=ticket.id,
            description="Still the same device",
            department_id=ticket.department_id,
            now=utcnow(),
        )
        assert edited.department_id == department.id
        with pytest.raises(InvalidInput, match="takes no requests"):
            await edit_ticket(
                session,
                actor=owner,
                ticket_id=ticket.id,
                description="Still the same device",
                department_id=coaching.id,
                now=utcnow(),
            )


async def test_the_desk_is_the_work_of_those_who_take_tickets_not_of_teachers_or_coaches(
    database: Database,
) -> None:
    async with database.writer() as session, session.begin():
        await seed_demo(session, now=utcnow())
    async with database.reader() as session:
        staff = {each.username: each for each in await session.scalars(select(Employee))}
        working = {
            username
            for username, employee in staff.items()
            if await works_the_desk(session, actor=employee)
        }
    assert {"olga_owner", "anna_admin", "ivan_repair", "tom_support", "pavel_helper"} <= working
    assert not {"svetlana_teacher", "claire_teacher", "ekaterina_coach", "julien_coach"} & working
