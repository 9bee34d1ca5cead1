"""The rules of a ticket's life, and the services that enforce them, on a real database."""

from __future__ import annotations

import itertools

import pytest
from sqlalchemy import func, select

from bot.sandbox.markup import html_to_plain, utf16_length
from crm.errors import InvalidInput, NotFound, PermissionDenied
from crm.notify import Notifier
from crm.people.staff_search import StaffRef
from crm.telegram_html import escape, split_html
from crm.tickets.assignment import assign_ticket, take_ticket
from crm.tickets.rules import MOVES, check_move, next_actions, parse_status
from crm.tickets.tickets import (
    add_client_message,
    add_note,
    change_status,
    open_ticket,
    reply_to_client,
    ticket_for,
)
from db.base import utcnow
from db.engine import Database
from db.enums import Role, TicketStatus
from db.models import Client, Employee, OutboxMessage, Ticket, TicketEvent
from tests.support.desk import People, add_people


@pytest.mark.parametrize(("old", "new"), list(itertools.product(TicketStatus, TicketStatus)))
def test_only_the_listed_moves_exist(old: TicketStatus, new: TicketStatus) -> None:
    ticket = Ticket(id=1, status=old)
    if new in MOVES[old]:
        check_move(ticket, new)
    else:
        with pytest.raises(InvalidInput):
            check_move(ticket, new)


def test_status_words_are_read_as_people_type_them() -> None:
    assert parse_status("in progress") is TicketStatus.IN_PROGRESS
    assert parse_status("In-Progress") is TicketStatus.IN_PROGRESS
    assert parse_status(" closed ") is TicketStatus.CLOSED
    with pytest.raises(InvalidInput, match="unknown status"):
        parse_status("done-ish")


def test_the_next_actions_follow_the_role_and_the_assignee() -> None:
    owner = Employee(id=1, role=Role.OWNER, active=True)
    ivan = Employee(id=2, role=Role.SPECIALIST, active=True)
    tom = Employee(id=3, role=Role.SPECIALIST, active=True)
    maria = Client(id=10, helper_id=4)
    bob = Client(id=11)
    mine = Ticket(id=1, client=maria, client_id=10, assignee_id=2, status=TicketStatus.ASSIGNED)
    queued = Ticket(id=2, client=bob, client_id=11, assignee_id=None, status=TicketStatus.NEW)
    assert next_actions(ivan, mine) == ["in_progress", "waiting", "cancelled"]
    assert next_actions(tom, mine) == []
    assert next_actions(tom, queued) == ["take"]
    assert next_actions(owner, queued) == ["take", "cancelled"]


@pytest.fixture
async def people(database: Database) -> People:
    from bot.sandbox.telegram import FakeTelegram

    return await add_people(database, FakeTelegram("1:t"))


async def test_a_specialist_cannot_assign_nor_take_an_assigned_ticket(
    database: Database, people: People
) -> None:
    notifier = Notifier("en")
    async with database.writer() as session, session.begin():
        ticket = await open_ticket(
            session, actor=people.maria, client=people.maria, description="Printer", now=utcnow()
        )
        await take_ticket(session, notifier, actor=people.ivan, ticket_id=ticket.id, now=utcnow())
    async with database.writer() as session, session.begin():
        tom = await session.get(Employee, people.tom.id)
        assert tom is not None
        with pytest.raises(NotFound):
            await assign_ticket(
                session,
                notifier,
                actor=tom,
                ticket_id=ticket.id,
                assignee=StaffRef(username="tom"),
                now=utcnow(),
            )
        with pytest.raises(NotFound):
            await take_ticket(session, notifier, actor=tom, ticket_id=ticket.id, now=utcnow())
    async with database.writer() as session, session.begin():
        ivan = await session.get(Employee, people.ivan.id)
        assert ivan is not None
        with pytest.raises(PermissionDenied):
            await assign_ticket(
                session,
                notifier,
                actor=ivan,
                ticket_id=ticket.id,
                assignee=StaffRef(username="tom"),
                now=utcnow(),
            )


async def test_a_refused_change_writes_nothing(database: Database, people: People) -> None:
    notifier = Notifier("en")
    async with database.writer() as session, session.begin():
        ticket = await open_ticket(
            session, actor=people.maria, client=people.maria, description="Kettle", now=utcnow()
        )
        await take_ticket(session, notifier, actor=people.ivan, ticket_id=ticket.id, now=utcnow())
        await change_status(
            session,
            notifier,
            actor=people.ivan,
            ticket_id=ticket.id,
            status=TicketStatus.CANCELLED,
            now=utcnow(),
        )

    async def counts() -> tuple[int, int]:
        async with database.reader() as session:
            events = await session.scalar(select(func.count()).select_from(TicketEvent))
            queued = await session.scalar(select(func.count()).select_from(OutboxMessage))
        return int(events or 0), int(queued or 0)

    before = await counts()
    async with database.writer() as session, session.begin():
        ivan = await session.get(Employee, people.ivan.id)
        maria = await session.get(Client, people.maria.id)
        assert ivan is not None and maria is not None
        with pytest.raises(InvalidInput, match="no longer open"):
            await reply_to_client(
                session, notifier, actor=ivan, ticket_id=ticket.id, text="hi", now=utcnow()
            )
        with pytest.raises(InvalidInput, match="cannot go from cancelled"):
            await change_status(
                session,
                notifier,
                actor=ivan,
                ticket_id=ticket.id,
                status=TicketStatus.CLOSED,
                now=utcnow(),
            )
        with pytest.raises(InvalidInput, match="closed; send it as a new request"):
            await add_client_message(
                session, notifier, client=maria, ticket_id=ticket.id, text="hello?", now=utcnow()
            )
        with pytest.raises(InvalidInput, match="must not be empty"):
            await add_note(session, actor=ivan, ticket_id=ticket.id, text="   ", now=utcnow())
    assert await counts() == before


async def test_a_client_sees_only_their_own_tickets(database: Database, people: People) -> None:
    async with database.writer() as session, session.begin():
        ticket = await open_ticket(
            session, actor=people.maria, client=people.maria, description="Oven", now=utcnow()
        )
    async with database.reader() as session:
        bob = await session.get(Client, people.bob.id)
        assert bob is not None
        with pytest.raises(NotFound, match="does not exist"):
            await ticket_for(session, actor=bob, ticket_id=ticket.id)


async def test_notifications_speak_the_recipients_language(
    database: Database, people: People
) -> None:
    notifier = Notifier("en")
    async with database.writer() as session, session.begin():
        maria = await session.get(Client, people.maria.id)
        assert maria is not None
        maria.language = "ru"
        ticket = await open_ticket(
            session, actor=maria, client=maria, description="Утюг <не греет>", now=utcnow()
        )
        await take_ticket(session, notifier, actor=people.ivan, ticket_id=ticket.id, now=utcnow())
    async with database.reader() as session:
        texts = [m.payload["text"] for m in await session.scalars(select(OutboxMessage))]
    to_ivan, to_maria = texts
    assert "Ticket #1 is assigned to you." in to_ivan
    assert "Утюг &lt;не греет&gt;" in to_ivan  # user text escaped for Telegram's HTML
    assert to_maria == "👤 Ivan Kuznetsov теперь занимается вашей заявкой #1."


def test_long_html_is_split_into_valid_parts_that_keep_everything() -> None:
    text = "<b>Title &amp; more</b>\n" + escape("<script>x</script> ") * 400 + "\n😀" * 2000
    parts = split_html(text, 1000)
    assert len(parts) > 2
    plain_parts = [html_to_plain(part) for part in parts]  # each part valid Telegram HTML
    assert all(utf16_length(plain) <= 1000 for plain in plain_parts)
    assert "".join(plain_parts).replace("\n", "") == html_to_plain(text).replace("\n", "")
    bold = split_html("<b>" + "y" * 30 + "</b>", 10)
    assert bold == ["<b>" + "y" * 10 + "</b>"] * 3
    assert split_html("short") == ["short"]


async def test_a_ticket_is_opened_one_way_from_the_bot_and_the_site(
    database: Database, people: People
) -> None:
    """The client in the bot and a manager on the site go through one service, one set of
    checks: the same refusal for a department that does not exist, and only the client
    themselves or a manager may open one for a client."""
    async with database.writer() as session, session.begin():
        for actor in (people.maria, people.anna):
            with pytest.raises(InvalidInput, match="that department does not exist"):
                await open_ticket(
                    session,
                    actor=actor,
                    client=people.maria,
                    description="Printer",
                    department_id=9999,
                    now=utcnow(),
                )
        for stranger in (people.bob, people.ivan):
            with pytest.raises(PermissionDenied):
                await open_ticket(
                    session, actor=stranger, client=people.maria, description="Hi", now=utcnow()
                )
    async with database.reader() as session:
        assert await session.scalar(select(func.count()).select_from(Ticket)) == 0
