"""The admin site at the edges of its input: ids and dates out of range, broken cursors, LIKE
wildcards, methods a URL does not serve, and what every response carries."""

from __future__ import annotations

import base64

import pytest
from aiohttp import ClientTimeout
from sqlalchemy import func, select, text

from crm.text_search import contains
from db.engine import Database
from db.models import Client, Department, Ticket
from tests.support.desk import People
from tests.support.site import Client as SiteClient
from tests.support.site import post_form, sign_in
from tests.test_web import add_tickets, client, people  # noqa: F401  (fixtures)

HUGE = str(10**30)


def cursor_of(raw: str) -> str:
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


BAD_QUERIES = [
    ("/tickets?to=9999-12-31", 400, "To must be a date between"),
    ("/tickets?from=9999-12-31", 400, "From must be a date between"),
    ("/tickets?from=0001-01-01", 400, "From must be a date between"),
    (f"/tickets?department={HUGE}", 400, "Department is out of range"),
    (f"/tickets?client={HUGE}", 400, "Client id is out of range"),
    (f"/tickets?assignee={HUGE}", 400, "Assignee must be an employee id or none"),
    (f"/tickets?after={cursor_of('2026-01-01T00:00:00|1')}", 400, "That page link is broken"),
    (f"/tickets?after={cursor_of('9999-12-31T23:00:00-05:00|1')}", 400, "page link is broken"),
    (f"/tickets?after={cursor_of(f'2026-01-01T00:00:00+00:00|{HUGE}')}", 400, "link is broken"),
    (f"/clients?page={10**20}", 400, "Page is out of range"),
    ("/clients?page=0", 400, "Page is out of range"),
    (f"/tickets/{HUGE}", 404, "Not found"),
    (f"/tickets/{HUGE}/edit", 404, "Not found"),
    (f"/tickets/{HUGE}/delete", 404, "Not found"),
    (f"/clients/{HUGE}", 404, "Not found"),
    (f"/clients/{HUGE}/edit", 404, "Not found"),
    (f"/clients/{HUGE}/delete", 404, "Not found"),
    (f"/employees/{HUGE}/edit", 404, "Not found"),
    (f"/employees/{HUGE}/delete", 404, "Not found"),
    (f"/departments/{HUGE}/edit", 404, "Not found"),
    (f"/departments/{HUGE}/delete", 404, "Not found"),
    ("/tickets.csv?to=9999-12-31", 400, "To must be a date between"),
    ("/tickets.csv?from=2026-05-01&to=2026-04-01", 400, "The start date is after the end date"),
    (f"/tickets.csv?after=x&client={HUGE}", 400, "Client id is out of range"),
    # A NUL character (PostgreSQL text cannot hold one) is dropped where input is read.
    ("/tickets?q=a%00b", 200, "0 tickets"),
    ("/tickets?client=a%00b", 200, "0 tickets"),
    ("/clients?q=a%00b", 200, "No clients found."),
]


@pytest.mark.parametrize(("path", "status", "message"), BAD_QUERIES)
async def test_unreadable_input_in_a_url_is_a_clean_400_or_404_never_a_500(
    client: SiteClient,
    database: Database,
    people: People,
    path: str,
    status: int,
    message: str,
) -> None:
    await add_tickets(database, people, 3)
    await sign_in(client, "anna")
    response = await client.get(path, timeout=ClientTimeout(total=20))
    # The whole body arrives (a CSV export refused before it starts, not a broken stream).
    text = await response.text()
    assert (response.status, message in text) == (status, True), text[:2000]
    assert response.headers["Content-Type"].startswith("text/html")


BAD_POSTS = [
    ("/tickets/new", {"client_id": HUGE, "description": "x"}, 400, "Client id is out of range"),
    ("/tickets/new", {"client_id": "1", "department_id": HUGE, "description": "x"}, 400, "out of"),
    ("/employees/new", {"full_name": "E", "role": "helper", "telegram_id": HUGE}, 400, "out of"),
    ("/employees/new", {"full_name": "E", "role": "helper", "department_id": HUGE}, 400, "out"),
    ("/employees/new", {"full_name": "E", "experience_years": HUGE}, 400, "Experience is out"),
    ("/clients/new", {"full_name": "C", "helper_id": HUGE}, 400, "Helper is out of range"),
    ("/tickets/1/assign", {"assignee": HUGE}, 400, "That employee does not exist"),
    (f"/tickets/{HUGE}/note", {"text": "hello"}, 404, "Not found"),
    (f"/tickets/{HUGE}/edit", {"description": "hello"}, 404, "Not found"),
    (f"/departments/{HUGE}/delete", {}, 404, "Not found"),
    (f"/clients/{HUGE}/edit", {"full_name": "C"}, 404, "Not found"),
    ("/departments/new", {"name": "Nul\x00 branch"}, 302, ""),  # PostgreSQL text holds no NUL
    ("/tickets/1/note", {"text": "a\x00b"}, 302, ""),
    # Text longer than its column: PostgreSQL refuses it, so the service does first.
    ("/departments/new", {"name": "L", "address": "x" * 600}, 400, "longer than 500 characters"),
    ("/departments/new", {"name": "L", "phone": "1" * 40}, 400, "is not a phone number"),
    ("/clients/new", {"full_name": "L", "source": "x" * 300}, 400, "longer than 200 characters"),
    ("/clients/new", {"full_name": "L", "email": "a@b." + "c" * 300}, 400, "longer than 254"),
    ("/employees/new", {"full_name": "L", "position": "x" * 300}, 400, "longer than 200"),
]


@pytest.mark.parametrize(("path", "data", "status", "message"), BAD_POSTS)
async def test_unreadable_ids_in_a_form_are_a_clean_400_or_404_never_a_500(
    client: SiteClient,
    database: Database,
    people: People,
    path: str,
    data: dict[str, str],
    status: int,
    message: str,
) -> None:
    await add_tickets(database, people, 3)
    await sign_in(client, "anna")
    response = await post_form(client, path, data, page="/")
    text = await response.text()
    assert (response.status, message in text) == (status, True), text[:2000]


async def test_the_dashboard_lists_only_unreachable_clients_the_viewer_may_open(
    client: SiteClient,
    database: Database,
    people: People,
) -> None:
    async with database.writer() as session, session.begin():
        for card in await session.scalars(select(Client)):
            card.unreachable = True
    await sign_in(client, "pavel")  # Maria's helper; Bob's page is a 404 for him
    page = await (await client.get("/")).text()
    assert "Maria Lopez</a> blocked the bot" in page
    assert "Bob Stone" not in page
    assert (await client.get(f"/clients/{people.bob.id}")).status == 404


SECURITY_HEADERS = ("Content-Security-Policy", "X-Content-Type-Options", "X-Frame-Options")


async def test_csv_exports_and_error_pages_carry_the_security_headers(
    client: SiteClient,
    database: Database,
    people: People,
) -> None:
    await add_tickets(database, people, 3)
    await sign_in(client, "anna")
    for method, path, status in [
        ("GET", "/tickets.csv", 200),
        ("HEAD", "/tickets.csv", 200),
        ("GET", "/tickets.csv?to=9999-12-31", 400),
        ("GET", "/tickets/999", 404),
        ("GET", "/nothing-here", 404),
        ("OPTIONS", "/tickets/1/delete", 405),
        ("GET", "/static/nothing.css", 404),
    ]:
        response = await client.request(method, path)
        await response.read()
        assert response.status == status, path
        for header in SECURITY_HEADERS:
            assert header in response.headers, (method, path, header)
        assert response.headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("method", ["HEAD", "OPTIONS", "PUT", "DELETE", "PATCH"])
async def test_only_a_post_deletes(
    client: SiteClient,
    database: Database,
    people: People,
    method: str,
) -> None:
    await add_tickets(database, people, 1)
    await sign_in(client, "anna")
    for path in (f"/departments/{people.repair.id}/delete", "/tickets/1/delete"):
        response = await client.request(method, path, allow_redirects=False)
        body = await response.text()
        assert response.status in (200, 403, 405), (method, path, response.status)
        assert "deleted" not in body.lower() and "Location" not in response.headers
    listing = await (await client.get("/departments")).text()
    assert "deleted" not in listing.lower()  # no "Department deleted." waiting to be shown
    async with database.reader() as session:
        assert await session.get(Department, people.repair.id) is not None
        assert await session.scalar(select(func.count()).select_from(Ticket)) == 1


async def test_percent_and_underscore_in_a_search_match_only_themselves(
    client: SiteClient,
    database: Database,
    people: People,
) -> None:
    async with database.writer() as session, session.begin():
        cotton = Client(full_name="100% Cotton Ltd")
        snake = Client(full_name="Snake_Case Studio")
        slash = Client(full_name="Back\\slash Co")
        session.add_all([cotton, snake, slash])
        await session.flush()
        session.add(Ticket(client_id=cotton.id, title="50% off", description="a discount"))
        session.add(Ticket(client_id=snake.id, title="plain", description="plain"))
    await sign_in(client, "anna")

    async def clients_found(search: str) -> set[str]:
        page = await (await client.get("/clients", params={"q": search})).text()
        names = {"Maria Lopez", "Bob Stone", "100% Cotton Ltd", "Snake_Case Studio"}
        return {name for name in names | {"Back\\slash Co"} if f">{name}</a>" in page}

    assert await clients_found("%") == {"100% Cotton Ltd"}
    assert await clients_found("_") == {"Snake_Case Studio"}
    assert await clients_found("\\") == {"Back\\slash Co"}
    assert await clients_found("e_c") == {"Snake_Case Studio"}

    async def tickets_found(**query: str) -> int:
        page = await client.get("/tickets", params=query)
        assert page.status == 200
        return (await page.text()).count('">#')  # one link "#id" per ticket row

    assert await tickets_found(q="%") == 1
    assert await tickets_found(client="%") == 1
    assert await tickets_found(client="_") == 1


# Trigram indexes exist on PostgreSQL only.
@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
async def test_client_search_still_uses_the_trigram_index_on_postgresql(
    database: Database, database_url: str
) -> None:
    query = select(Client.id).where(contains(Client.full_name, "50%_off"))
    async with database.reader() as session:
        await session.execute(text("SET enable_seqscan = off"))  # the table is tiny here
        compiled = query.compile(session.bind, compile_kwargs={"literal_binds": True})
        plan = "\n".join(await session.scalars(text(f"EXPLAIN {compiled}")))
    assert "ix_clients_name_trgm" in plan, plan
