"""Finding things on the admin site the way a newcomer types them: words from a ticket's
history, phone numbers written with spaces, and phone numbers checked where they are typed."""

from __future__ import annotations

from sqlalchemy import select

from db.engine import Database
from db.enums import TicketEventKind
from db.models import Client, Department, TicketEvent
from tests.desk import People
from tests.site import Client as SiteClient
from tests.site import post_form, sign_in
from tests.test_web import add_tickets, client, people  # noqa: F401  (fixtures)


async def listed(site: SiteClient, **query: str) -> list[int]:
    """The ticket numbers the listing shows for ``query``."""
    page = await site.get("/tickets", params=query)
    assert page.status == 200, await page.text()
    text = await page.text()
    return sorted(int(part.split("<", 1)[0]) for part in text.split('">#')[1:])


async def test_the_text_filter_finds_words_in_replies_notes_and_client_messages(
    client: SiteClient, database: Database, people: People
) -> None:
    await add_tickets(database, people, 5)
    async with database.writer() as session, session.begin():
        for ticket_id, kind, text in [
            (1, TicketEventKind.REPLY, "We ordered the capacitor"),
            (2, TicketEventKind.NOTE, "Supplier says CAPACITOR in stock"),
            (3, TicketEventKind.CLIENT_MESSAGE, "is the capacitor here yet?"),
            (4, TicketEventKind.STATUS, "capacitor"),  # not something anyone wrote
        ]:
            session.add(TicketEvent(ticket_id=ticket_id, kind=kind, text=text))
    await sign_in(client, "anna")
    assert await listed(client, q="capacitor") == [1, 2, 3]
    assert await listed(client, q="Problem 4") == [5]  # the title still counts
    assert await listed(client, q="4 in detail") == [5]  # and the description
    assert await listed(client, q="capacitor", client="Maria") == [1, 3]


async def test_a_phone_typed_with_spaces_or_dashes_finds_its_client(
    client: SiteClient, database: Database, people: People
) -> None:
    await add_tickets(database, people, 2)  # #1 Maria's (+34600123456), #2 Bob's
    async with database.writer() as session, session.begin():
        session.add(Client(full_name="Grace Hopper", phone="+12025550143"))
    await sign_in(client, "anna")
    for typed in ("555 0143", "(202) 555-0143", "+1 202 555 01 43", "2025550143"):
        page = await (await client.get("/clients", params={"q": typed})).text()
        assert ">Grace Hopper</a>" in page, typed
        assert ">Maria Lopez</a>" not in page and ">Bob Stone</a>" not in page
    assert await listed(client, client="600 12 34 56") == [1]
    assert await listed(client, client="+34 600-123-456") == [1]
    assert await listed(client, client="34600123456") == [1]  # too long for an id
    assert await listed(client, client=str(people.bob.id)) == [2]  # a short number is an id


async def test_a_department_phone_that_is_not_a_phone_is_refused_next_to_its_field(
    client: SiteClient, database: Database, people: People
) -> None:
    await sign_in(client, "anna")
    refused = await post_form(
        client, "/departments/new", {"name": "Branch Nice", "phone": "not a phone"}
    )
    assert refused.status == 400
    assert 'id="phone-error">not a phone is not a phone number' in await refused.text()
    saved = await post_form(
        client, "/departments/new", {"name": "Branch Nice", "phone": "04 93 00 00 00 x"}
    )
    assert saved.status == 400
    saved = await post_form(
        client, "/departments/new", {"name": "Branch Nice", "phone": "+33 4 93 16 64 00"}
    )
    assert saved.status == 302
    async with database.reader() as session:
        nice = await session.scalar(select(Department).where(Department.name == "Branch Nice"))
    assert nice is not None and nice.phone == "+33493166400"
