"""Finding things on the admin site the way a newcomer types them: words from a ticket's
history, phone numbers written with spaces, and phone numbers checked where they are typed."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select, text

from crm.tickets import search
from db.engine import Database
from db.enums import TicketEventKind
from db.models import Client, Department, Ticket, TicketEvent
from tests.support.desk import People
from tests.support.site import Client as SiteClient
from tests.support.site import post_form, sign_in
from tests.test_web import add_tickets, client, people  # noqa: F401  (fixtures)


async def listed(site: SiteClient, **query: str) -> list[int]:
    """The ticket numbers the listing shows for ``query``."""
    page = await site.get("/tickets", params=query)
    assert page.status == 200, await page.text()
    text = await page.text()
    return sorted(int(part.split("<", 1)[0]) for part in text.split('">#')[1:])


# Every way the listing may take finds the same tickets: the index read in order, the other
# filters leading, and (on SQLite, for texts the index cannot serve) the tables themselves, a
# rare text read by id and a common one row by row.
WAYS = {
    "index": {},
    "filters lead": {"PROBE": 1},
    "tables, by id": {"TRIGRAM": 10**6},
    "tables, row by row": {"TRIGRAM": 10**6, "IDS_INLINE": 0},
}


@pytest.mark.parametrize("way", WAYS)
async def test_the_text_filter_finds_words_in_replies_notes_and_client_messages(
    client: SiteClient,
    database: Database,
    people: People,
    way: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name, value in WAYS[way].items():
        monkeypatch.setattr(search, name, value)
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


# The searched texts' trigram index exists on PostgreSQL only.
@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
async def test_the_text_filter_uses_the_trigram_index_on_postgresql(
    database: Database, database_url: str
) -> None:
    query = select(Ticket.id).where(search.saying_on_postgresql("capacitor 50%"))
    async with database.reader() as session:
        await session.execute(text("SET enable_seqscan = off"))  # the table is tiny here
        compiled = query.compile(session.bind, compile_kwargs={"literal_binds": True})
        plan = "\n".join(await session.scalars(text(f"EXPLAIN {compiled}")))
    assert "ix_tickets_search_trgm" in plan, plan


async def test_sqlites_trigram_index_keeps_step_with_every_change_and_finds_odd_texts(
    client: SiteClient, database: Database, people: People, database_url: str
) -> None:
    # PostgreSQL answers the same texts through its own trigram indexes.
    await add_tickets(database, people, 4)
    async with database.writer() as session, session.begin():
        first = await session.get(Ticket, 1)
        assert first is not None
        first.title, first.description = "Ноутбук ШУМИТ", 'The "fan" 100% broken'
        session.add(TicketEvent(ticket_id=2, kind=TicketEventKind.NOTE, text="ask about_it"))
        session.add(TicketEvent(ticket_id=3, kind=TicketEventKind.STATUS, text="not searched"))
    await sign_in(client, "anna")
    if database_url.startswith("sqlite"):
        assert await listed(client, q="шумит") == [1]  # any case, any alphabet
    assert await listed(client, q='"fan" 100%') == [1]  # quotes and wildcards as written
    assert await listed(client, q="about_it") == [2]
    assert await listed(client, q="not searched") == []
    assert await listed(client, q="he") == [1]  # too short for trigrams: still found
    async with database.writer() as session, session.begin():
        first = await session.get(Ticket, 1)
        assert first is not None
        first.title, first.description = "Printer", "paper jam"
        await session.delete(await session.get(Ticket, 2))
    assert await listed(client, q="шумит") == []
    assert await listed(client, q="paper jam") == [1]
    assert await listed(client, q="about_it") == []
    if database_url.startswith("sqlite"):
        async with database.reader() as session:
            compiled = search.matching_on_sqlite("paper").compile(
                session.bind, compile_kwargs={"literal_binds": True}
            )
            plan = " ".join(
                str(row) for row in await session.execute(text(f"EXPLAIN QUERY PLAN {compiled}"))
            )
            left = list(await session.scalars(text("SELECT rowid FROM ticket_search ORDER BY 1")))
        assert "VIRTUAL TABLE INDEX" in plan and ":M" in plan, plan
        # A row per ticket, its rowid the ticket's id; ticket 2 and its note are gone.
        assert left == [1, 3, 4]


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


async def test_a_new_ticket_finds_its_client_by_name_or_phone_without_javascript(
    client: SiteClient, database: Database, people: People
) -> None:
    await sign_in(client, "anna")
    maria = f"#{people.maria.id} Maria Lopez (+34600123456)"
    for typed in ("lopez", "600 123 456"):
        step = await post_form(
            client, "/tickets/new", {"client": typed, "description": "Boiler <leaks>"}
        )
        assert step.status == 200  # not saved yet: a choice to make
        page = await step.text()
        assert '<label for="client_id">Which client?' in page
        assert f'<option value="{people.maria.id}">{maria}</option>' in page
        assert "Bob Stone" not in page
        assert "Boiler &lt;leaks&gt;</textarea>" in page  # what was written is kept
    saved = await post_form(
        client,
        "/tickets/new",
        {"client": "lopez", "client_id": str(people.maria.id), "description": "Boiler"},
        page="/tickets/new",
    )
    assert saved.status == 302
    # A suggestion chosen while typing names the card: saved at once.
    chosen = await post_form(client, "/tickets/new", {"client": maria, "description": "Tap"})
    assert chosen.status == 302
    async with database.reader() as session:
        owners = list(await session.scalars(select(Ticket.client_id).order_by(Ticket.id)))
    assert owners == [people.maria.id, people.maria.id]


async def test_a_new_ticket_for_a_client_nobody_matches_says_so_next_to_the_field(
    client: SiteClient, database: Database, people: People
) -> None:
    await sign_in(client, "anna")
    for typed, said in [
        ("Nobody Atall", "No client matches “Nobody Atall”"),
        ("", "Choose the client: type a name, a phone or a card number"),
        ("#99999", "That client does not exist"),
    ]:
        refused = await post_form(client, "/tickets/new", {"client": typed, "description": "x"})
        assert refused.status == 400, typed
        assert f'id="client-error">{said}</div>' in await refused.text()
    async with database.reader() as session:
        assert await session.scalar(select(func.count()).select_from(Ticket)) == 0


async def test_client_suggestions_are_json_for_signed_in_staff_within_what_they_may_see(
    client: SiteClient, database: Database, people: People
) -> None:
    signed_out = await client.get("/clients/search?q=o", allow_redirects=False)
    assert signed_out.status == 302 and signed_out.headers["Location"].startswith("/sign-in")
    await sign_in(client, "anna")
    found = await (await client.get("/clients/search", params={"q": "o"})).json()
    assert {person["name"] for person in found} == {"Maria Lopez", "Bob Stone"}
    by_phone = await (await client.get("/clients/search", params={"q": "7700 900"})).json()
    assert by_phone == [
        {
            "id": people.bob.id,
            "name": "Bob Stone",
            "phone": "+447700900001",
            "label": f"#{people.bob.id} Bob Stone (+447700900001)",
        }
    ]
    assert await (await client.get("/clients/search?q=")).json() == []
    client.session.cookie_jar.clear()
    await sign_in(client, "pavel")  # a helper: Maria is his, Bob is not
    found = await (await client.get("/clients/search", params={"q": "o"})).json()
    assert [person["name"] for person in found] == ["Maria Lopez"]
