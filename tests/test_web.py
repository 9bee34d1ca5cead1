"""The admin site through aiohttp's test client, on a real database."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import AsyncIterator
from datetime import timedelta
from decimal import Decimal

import pytest
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import func, select

from bot.sandbox.telegram import FakeTelegram
from crm.settings import Settings
from db.base import utcnow
from db.engine import Database
from db.enums import ClientStage, OutboxStatus, Role, TicketStatus
from db.models import (
    Client,
    CoachProfile,
    Department,
    Employee,
    Language,
    OutboxMessage,
    Ticket,
)
from tests.support.desk import People, add_people
from tests.support.site import PASSWORD, give_logins, post_form, sign_in, token
from tests.support.site import Client as SiteClient
from web.app import create_app

SECRET = "test-secret-key"


@pytest.fixture
async def people(database: Database) -> People:
    found = await add_people(database, FakeTelegram("1:t"))
    await give_logins(database, found.anna, found.ivan, found.tom, found.pavel)
    return found


@pytest.fixture
async def client(database: Database, people: People) -> AsyncIterator[SiteClient]:
    settings = Settings(_env_file=None)
    app = create_app(settings, database, secret_key=SECRET)
    async with TestClient(TestServer(app)) as test_client:
        yield test_client


async def add_tickets(database: Database, people: People, count: int) -> None:
    """``count`` tickets, a day apart, alternating clients; Ivan has the even ones."""
    now = utcnow()
    async with database.writer() as session, session.begin():
        for number in range(count):
            session.add(
                Ticket(
                    client_id=people.maria.id if number % 2 == 0 else people.bob.id,
                    assignee_id=people.ivan.id if number % 2 == 0 else None,
                    status=TicketStatus.IN_PROGRESS if number % 2 == 0 else TicketStatus.NEW,
                    department_id=people.repair.id if number % 3 == 0 else None,
                    title=f"Problem {number}",
                    description=f"Problem {number} in detail",
                    created_at=now - timedelta(days=count - number),
                    updated_at=now,
                )
            )


async def test_health_needs_no_sign_in(client: SiteClient) -> None:
    response = await client.get("/healthz")
    assert response.status == 200
    assert await response.json() == {
        "status": "ok",
        "database": True,
        "scheduler": "standby",  # the site alone runs no scheduler
    }


async def test_health_is_503_when_the_database_does_not_answer() -> None:
    broken = Database("postgresql+asyncpg://nobody@127.0.0.1:9/nothing")  # a closed port
    app = create_app(Settings(_env_file=None), broken, secret_key=SECRET)
    async with TestClient(TestServer(app)) as test_client:
        response = await test_client.get("/healthz")
        assert response.status == 503
        assert (await response.json())["database"] is False
    await broken.dispose()


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/tickets",
        "/tickets/1",
        "/tickets.csv",
        "/clients",
        "/employees",
        "/departments",
        "/departments/new",
    ],
)
async def test_every_page_needs_a_session(client: SiteClient, path: str) -> None:
    response = await client.get(path, allow_redirects=False)
    assert response.status == 302
    assert response.headers["Location"].startswith("/sign-in?next=")


async def test_sign_in_sets_a_safe_cookie_and_sign_out_ends_it(client: SiteClient) -> None:
    signed = await sign_in(client, "anna")
    assert signed.status == 302 and signed.headers["Location"] == "/"
    cookie = signed.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    home = await client.get("/")
    assert home.status == 200
    page = await home.text()
    assert "Dashboard" in page and "Anna Petrova (administrator)" in page
    assert home.headers["X-Content-Type-Options"] == "nosniff"
    assert "frame-ancestors 'none'" in home.headers["Content-Security-Policy"]
    out = await post_form(client, "/sign-out", {}, page="/")
    assert out.status == 302
    after = await client.get("/", allow_redirects=False)
    assert after.status == 302


async def test_a_new_session_on_sign_in(client: SiteClient) -> None:
    await client.get("/sign-in")
    before = {cookie.key: cookie.value for cookie in client.session.cookie_jar}
    await sign_in(client, "anna")
    after = {cookie.key: cookie.value for cookie in client.session.cookie_jar}
    assert after["frontdoor_session"] != before.get("frontdoor_session")


async def test_wrong_passwords_are_throttled_per_account(client: SiteClient) -> None:
    for _ in range(5):
        wrong = await sign_in(client, "anna", "not the password")
        assert wrong.status == 401
        assert "Wrong login or password." in await wrong.text()
    locked = await sign_in(client, "anna")  # even the right password waits now
    assert locked.status == 429
    assert "Too many failed attempts" in await locked.text()


async def test_forms_without_the_csrf_token_are_refused(
    client: SiteClient,
    database: Database,
) -> None:
    await sign_in(client, "anna")
    forged = await client.post("/departments/new", data={"name": "Forged"}, allow_redirects=False)
    assert forged.status == 403
    assert "did not come from this site" in await forged.text()
    wrong = await client.post(
        "/departments/new", data={"name": "Forged", "csrf_token": "guess"}, allow_redirects=False
    )
    assert wrong.status == 403
    async with database.reader() as session:
        assert (
            await session.scalar(
                select(func.count()).select_from(Department).where(Department.name == "Forged")
            )
            == 0
        )


@pytest.mark.parametrize("login", ["ivan", "pavel"])
async def test_managers_pages_are_403_for_specialists_and_helpers(
    client: SiteClient,
    login: str,
) -> None:
    await sign_in(client, login)
    for path in ("/employees", "/departments", "/departments/new", "/clients/new"):
        response = await client.get(path)
        assert response.status == 403, path
        assert "Only owners and administrators may do this." in await response.text()


async def test_each_role_sees_its_own_tickets(
    client: SiteClient,
    database: Database,
    people: People,
) -> None:
    await add_tickets(database, people, 6)
    await sign_in(client, "pavel")  # helper of Maria: the even tickets
    page = await (await client.get("/tickets")).text()
    assert "6 tickets" not in page and "3 tickets" in page
    assert "Problem 1<" not in page and "Problem 0<" in page
    other = await client.get("/tickets/2")
    assert other.status == 404
    await post_form(client, "/sign-out", {}, page="/")
    await sign_in(client, "tom")  # a specialist: his own (none) and the queue (the odd ones)
    page = await (await client.get("/tickets")).text()
    assert "3 tickets" in page and "Problem 1<" in page and "Problem 0<" not in page


async def test_filters_alone_and_combined(
    client: SiteClient,
    database: Database,
    people: People,
) -> None:
    await add_tickets(database, people, 10)
    await sign_in(client, "anna")

    async def ids(query: str) -> list[str]:
        response = await client.get(f"/tickets?{query}")
        assert response.status == 200
        text = await response.text()
        links = [part.split('"')[0] for part in text.split('<a href="/tickets/')[1:]]
        return [link for link in links if link.isdigit()]

    assert len(await ids("")) == 10
    assert len(await ids("client=Maria")) == 5
    assert len(await ids(f"client={people.bob.id}")) == 5
    assert len(await ids("status=new")) == 5
    assert len(await ids("status=new&status=in_progress")) == 10
    assert len(await ids(f"assignee={people.ivan.id}")) == 5
    assert len(await ids("assignee=none")) == 5
    assert len(await ids(f"department={people.repair.id}")) == 4
    assert await ids("q=Problem 7") == ["8"]
    today = utcnow().date()
    recent = await ids(f"from={(today - timedelta(days=3)).isoformat()}")
    assert len(recent) == 3
    six_days_ago, two_days_ago = today - timedelta(days=6), today - timedelta(days=2)
    span = await ids(f"from={six_days_ago.isoformat()}&to={two_days_ago.isoformat()}")
    assert len(span) == 5
    combined = await ids(
        f"client=Maria&status=in_progress&assignee={people.ivan.id}"
        f"&from={(today - timedelta(days=6)).isoformat()}"
    )
    assert len(combined) == 3
    bad = await client.get("/tickets?from=yesterday&to=2026-01-01&department=x")
    assert bad.status == 400  # the page, with each unreadable filter next to its field
    text = await bad.text()
    assert (
        "From must be a date (YYYY-MM-DD)" in text and "Department must be a whole number" in text
    )
    backwards = await client.get("/tickets?from=2026-05-01&to=2026-04-01")
    assert "The start date is after the end date" in await backwards.text()


def link(text: str, rel: str) -> str:
    """The address of the page's ``rel`` link ("next", "prev"), or "" when there is none."""
    if f'rel="{rel}"' not in text:
        return ""
    return text.split(f'rel="{rel}"')[0].rsplit('href="', 1)[1].split('"')[0].replace("&amp;", "&")


def ticket_links(text: str) -> list[str]:
    links = [part.split('"')[0] for part in text.split('<a href="/tickets/')[1:]]
    return [found for found in links if found.isdigit()]


async def test_pagination_walks_every_row_once(
    client: SiteClient,
    database: Database,
    people: People,
) -> None:
    await add_tickets(database, people, 120)
    await sign_in(client, "anna")
    seen: list[str] = []
    url = "/tickets?status=new&status=in_progress"
    pages = 0
    while url:
        text = await (await client.get(url)).text()
        assert "120 tickets" in text
        seen += ticket_links(text)
        pages += 1
        url = link(text, "next")
    assert pages == 3
    assert len(seen) == 120 and len(set(seen)) == 120
    assert seen == sorted(seen, key=int, reverse=True)  # newest first
    broken = await client.get("/tickets?after=%%%")
    assert "That page link is broken" in await broken.text()


@pytest.mark.parametrize("order", ["newest", "oldest"])
async def test_previous_page_walks_back_to_the_same_pages(
    client: SiteClient, database: Database, people: People, order: str
) -> None:
    await add_tickets(database, people, 120)
    await sign_in(client, "anna")
    url, forward = f"/tickets?sort={order}", []
    first = await (await client.get(url)).text()
    assert link(first, "prev") == ""  # nothing before the first page
    text = first
    while True:
        forward.append(ticket_links(text))
        if not link(text, "next"):
            break
        text = await (await client.get(link(text, "next"))).text()
    assert len(forward) == 3
    backward = []
    while link(text, "prev"):
        text = await (await client.get(link(text, "prev"))).text()
        backward.append(ticket_links(text))
    # Each Previous shows exactly the page that came before it, down to the first one.
    assert backward == forward[-2::-1]
    assert link(text, "next")  # and from there the way forward is open again


async def test_csv_export_holds_exactly_the_filtered_rows(
    client: SiteClient,
    database: Database,
    people: People,
) -> None:
    await add_tickets(database, people, 30)
    async with database.writer() as session, session.begin():
        maria = await session.get(Client, people.maria.id)
        assert maria is not None
        maria.full_name = '=HYPERLINK("x")'  # a formula must not run in a spreadsheet
    await sign_in(client, "anna")
    response = await client.get(f"/tickets.csv?assignee={people.ivan.id}")
    assert response.status == 200
    assert response.headers["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(await response.text())))
    assert rows[0] == [
        "id",
        "created",
        "status",
        "client",
        "phone",
        "assignee",
        "department",
        "title",
    ]
    assert len(rows) == 16
    assert {row[5] for row in rows[1:]} == {"Ivan Kuznetsov"}
    assert {row[3] for row in rows[1:]} == {'\'=HYPERLINK("x")'}


async def test_validation_errors_appear_next_to_their_field(
    client: SiteClient,
    database: Database,
) -> None:
    await sign_in(client, "anna")
    response = await post_form(client, "/departments/new", {"name": "Repair workshop"})
    assert response.status == 400
    text = await response.text()
    assert 'id="name-error">There is already a department called Repair workshop' in text
    response = await post_form(
        client,
        "/employees/new",
        {"full_name": "", "role": "specialist", "salary": "lots", "experience_years": "3"},
    )
    assert response.status == 400
    text = await response.text()
    assert 'id="salary-error">lots is not an amount of money' in text


async def test_the_employee_form_shows_every_problem_at_once_next_to_its_field(
    client: SiteClient,
    database: Database,
) -> None:
    await sign_in(client, "anna")
    response = await post_form(
        client,
        "/employees/new",
        {
            "full_name": "",
            "role": "specialist",
            "telegram_id": "-5",
            "experience_years": "200",
            "salary": "lots",
            "web_login": "newcomer",
            "password": "short",
        },
    )
    assert response.status == 400
    text = await response.text()
    for field, message in (
        ("full_name", "The name must not be empty"),
        ("telegram_id", "Telegram id must be a positive number"),
        ("experience_years", "Experience must be between 0 and 80 years"),
        ("salary", "lots is not an amount of money"),
        ("password", "The password must be at least"),
    ):
        assert f'id="{field}-error">{message}' in text, field
    # The password's problem sits under the password field, not above the form.
    assert 'class="refusal"' not in text
    assert text.index('id="password-error"') > text.index('id="password"')
    response = await post_form(
        client, "/clients/new", {"full_name": "Ann", "phone": "12", "stage": "lead"}
    )
    assert response.status == 400
    assert 'id="phone-error">12 is not a phone number' in await response.text()


async def test_crud_of_a_department_with_a_refused_delete(
    client: SiteClient,
    database: Database,
    people: People,
) -> None:
    await sign_in(client, "anna")
    created = await post_form(
        client, "/departments/new", {"name": "Branch Lyon", "address": "3 rue de la Paix"}
    )
    assert created.status == 302 and created.headers["Location"] == "/departments"
    listing = await (await client.get("/departments")).text()
    assert "Department saved." in listing and "Branch Lyon" in listing
    async with database.reader() as session:
        lyon = await session.scalar(select(Department).where(Department.name == "Branch Lyon"))
    assert lyon is not None and lyon.is_branch
    edited = await post_form(client, f"/departments/{lyon.id}/edit", {"name": "Branch Lyon 2"})
    assert edited.status == 302
    confirm = await client.get(f"/departments/{lyon.id}/delete")
    assert "Delete the department Branch Lyon 2?" in await confirm.text()
    deleted = await post_form(client, f"/departments/{lyon.id}/delete", {})
    assert deleted.status == 302
    # A department somebody works in is not deleted: the page says why.
    async with database.writer() as session, session.begin():
        ivan = await session.get(Employee, people.ivan.id)
        assert ivan is not None
        ivan.department_id = people.repair.id
    refused = await post_form(client, f"/departments/{people.repair.id}/delete", {})
    assert refused.status == 409
    assert "still has 1 employees" in await refused.text()


async def test_assigning_in_the_site_tells_the_employee_through_the_outbox(
    client: SiteClient,
    database: Database,
    people: People,
) -> None:
    await add_tickets(database, people, 2)
    await sign_in(client, "anna")
    page = await client.get("/tickets/2")
    assert "Assign to" in await page.text()
    done = await post_form(
        client, "/tickets/2/assign", {"assignee": str(people.tom.id)}, page="/tickets/2"
    )
    assert done.status == 302
    async with database.reader() as session:
        queued = list(await session.scalars(select(OutboxMessage)))
        ticket = await session.get(Ticket, 2)
    assert ticket is not None and ticket.assignee_id == people.tom.id
    assert ticket.status is TicketStatus.ASSIGNED
    to_tom = [m for m in queued if m.chat_id == people.tom.telegram_id]
    assert to_tom and to_tom[0].payload["text"].startswith("📌 Ticket #2 is assigned to you.")
    assert all(m.status is OutboxStatus.PENDING for m in queued)
    impossible = await post_form(
        client, "/tickets/2/status", {"status": "closed"}, page="/tickets/2"
    )
    assert impossible.status == 400
    assert "cannot go from assigned to closed" in await impossible.text()


async def test_assign_to_offers_who_takes_tickets_department_first_and_chooses_nobody(
    client: SiteClient,
    database: Database,
    people: People,
) -> None:
    """Not helpers, nor specialists who teach or coach (Tina teaches, Carl coaches); Tom, of
    the ticket's department, first; nothing chosen until the manager chooses."""
    await add_tickets(database, people, 4)  # ticket 4 is the repair workshop's, nobody's
    async with database.writer() as session, session.begin():
        english = Language(name="English", price_per_lesson=Decimal(20))
        tina = Employee(full_name="Tina Teacher", username="tina", role=Role.SPECIALIST)
        carl = Employee(full_name="Carl Coach", username="carl", role=Role.SPECIALIST)
        session.add_all([english, tina, carl])
        await session.flush()
        await session.refresh(tina, ["languages"])
        tina.languages = [english]
        session.add(CoachProfile(employee_id=carl.id, bio="Leadership"))
        tom = await session.get(Employee, people.tom.id)
        assert tom is not None
        tom.department_id = people.repair.id
        tina_id = tina.id
    await sign_in(client, "anna")
    page = await (await client.get("/tickets/4")).text()
    select_box = page[
        page.index('<select id="assignee"') : page.index(
            "</select>", page.index('<select id="assignee"')
        )
    ]
    options = re.findall(r'<option value="(\d*)"( selected)?>([^<(]*)', select_box)
    assert options[0] == ("", " selected", "— choose who takes it —")
    assert [name.strip() for _, _, name in options[1:]] == [
        "Tom Baker",
        "Anna Petrova",
        "Ivan Kuznetsov",
    ]
    assert "selected" not in "".join(chosen for _, chosen, _ in options[1:])
    nobody = await post_form(client, "/tickets/4/assign", {"assignee": ""}, page="/tickets/4")
    assert nobody.status == 400 and "Choose who takes the ticket" in await nobody.text()
    refused = await post_form(
        client, "/tickets/4/assign", {"assignee": str(tina_id)}, page="/tickets/4"
    )
    assert refused.status == 400
    assert "Tina Teacher does not take tickets" in await refused.text()
    for helper in (people.pavel.id,):
        refused = await post_form(
            client, "/tickets/4/assign", {"assignee": str(helper)}, page="/tickets/4"
        )
        assert refused.status == 400 and "does not take tickets" in await refused.text()
    async with database.reader() as session:
        ticket = await session.get(Ticket, 4)
    assert ticket is not None and ticket.assignee_id is None


async def test_client_text_is_escaped_in_pages(
    client: SiteClient,
    database: Database,
    people: People,
) -> None:
    async with database.writer() as session, session.begin():
        session.add(
            Ticket(
                client_id=people.maria.id,
                status=TicketStatus.NEW,
                title="<script>alert(1)</script>",
                description="<script>alert(1)</script>",
            )
        )
    await sign_in(client, "anna")
    for path in ("/tickets", "/tickets/1"):
        text = await (await client.get(path)).text()
        assert "<script>alert(1)</script>" not in text
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text


async def test_unknown_pages_are_404_pages(client: SiteClient) -> None:
    await sign_in(client, "anna")
    for path in ("/tickets/999", "/clients/999", "/nothing-here"):
        response = await client.get(path)
        assert response.status == 404
        assert "Not found" in await response.text()
    assert await token(client, "/")


async def test_a_stray_request_does_not_spoil_the_sign_in_form(client: SiteClient) -> None:
    csrf = await token(client)
    await client.get("/favicon.ico", allow_redirects=False)  # browsers ask for it on their own
    signed = await client.post(
        "/sign-in",
        data={"login": "anna", "password": PASSWORD, "csrf_token": csrf, "next": "/"},
        allow_redirects=False,
    )
    assert signed.status == 302 and signed.headers["Location"] == "/"


async def test_a_switched_off_employee_is_signed_out(
    client: SiteClient, database: Database, people: People
) -> None:
    await sign_in(client, "tom")
    assert (await client.get("/tickets")).status == 200
    async with database.writer() as session, session.begin():
        tom = await session.get(Employee, people.tom.id)
        assert tom is not None
        tom.active = False
    response = await client.get("/tickets", allow_redirects=False)
    assert response.status == 302 and response.headers["Location"].startswith("/sign-in")


async def test_the_dashboard_counts_and_draws(
    client: SiteClient, database: Database, people: People
) -> None:
    await add_tickets(database, people, 8)
    async with database.writer() as session, session.begin():
        bob = await session.get(Client, people.bob.id)
        assert bob is not None
        bob.unreachable = True
    await sign_in(client, "anna")
    page = await (await client.get("/")).text()
    assert '<a href="/tickets?status=new">new</a></td><td>4</td>' in page
    assert '<a href="/tickets?status=in_progress">in progress</a></td><td>4</td>' in page
    # Each assignee's name opens their filtered listing.
    assert f'<a href="/tickets?assignee={people.ivan.id}">Ivan Kuznetsov</a></td><td>4</td>' in page
    assert '<a href="/tickets?assignee=none">nobody</a></td><td>4</td>' in page
    assert page.count('<rect class="bar"') == 30  # one bar a day, drawn on the server
    # Axes, value ticks and dates under them; the values are written, not only in hover titles.
    assert page.count('<line class="axis"') == 2
    assert page.count('<text class="tick"') >= 2 and '<text class="tick"' in page
    today = utcnow().date()
    assert f">{today.strftime('%b')} {today.day}</text>" in page  # today is named on the axis
    assert page.count('<text class="value"') == 8  # one per day that had a ticket
    assert "Bob Stone</a> blocked the bot" in page
    assert "<script" not in page


async def test_client_cards_search_and_a_helper_sees_only_theirs(
    client: SiteClient, database: Database, people: People
) -> None:
    await sign_in(client, "anna")
    found = await (await client.get("/clients?q=Lopez")).text()
    assert "Maria Lopez" in found and "Bob Stone" not in found
    card = await client.get(f"/clients/{people.maria.id}")
    assert card.status == 200 and "+34600123456" in await card.text()
    await post_form(client, "/sign-out", {}, page="/")
    await sign_in(client, "pavel")  # Maria's helper
    listing = await (await client.get("/clients")).text()
    assert "Maria Lopez" in listing and "Bob Stone" not in listing
    assert (await client.get(f"/clients/{people.bob.id}")).status == 404
    assert (await client.get(f"/clients/{people.maria.id}/edit")).status == 403


async def test_clients_filter_by_stage_in_the_url_and_the_csv_gives_the_same_rows(
    client: SiteClient, database: Database, people: People
) -> None:
    async with database.writer() as session, session.begin():
        maria = await session.get(Client, people.maria.id)
        assert maria is not None
        maria.stage = ClientStage.ACTIVE  # Bob stays a lead
    await sign_in(client, "anna")
    active = await client.get("/clients?stage=active")
    page = await active.text()
    assert active.status == 200
    assert "Maria Lopez" in page and "Bob Stone" not in page
    assert 'name="stage" value="active" checked' in page
    assert 'href="/clients.csv?stage=active"' in page
    both = await (await client.get("/clients?stage=active&stage=lead")).text()
    assert "Maria Lopez" in both and "Bob Stone" in both
    leads = await (await client.get("/clients?q=o&stage=lead")).text()
    assert "Bob Stone" in leads and "Maria Lopez" not in leads
    exported = await client.get("/clients.csv?stage=active")
    assert exported.status == 200
    rows = list(csv.reader(io.StringIO(await exported.text())))
    assert rows[0][:2] == ["id", "name"]
    assert [row[1] for row in rows[1:]] == ["Maria Lopez"]
    everyone = list(csv.reader(io.StringIO(await (await client.get("/clients.csv")).text())))
    assert {row[1] for row in everyone[1:]} == {"Maria Lopez", "Bob Stone"}
    bad = await client.get("/clients?stage=sleeping")
    assert bad.status == 400 and "unknown status" in await bad.text()
    assert (await client.get("/clients.csv?stage=sleeping")).status == 400
    await post_form(client, "/sign-out", {}, page="/")
    await sign_in(client, "pavel")  # Maria's helper: the CSV holds only what he may see
    theirs = list(csv.reader(io.StringIO(await (await client.get("/clients.csv")).text())))
    assert [row[1] for row in theirs[1:]] == ["Maria Lopez"]


async def test_the_ticket_page_takes_answers_and_notes_like_the_bot(
    client: SiteClient, database: Database, people: People
) -> None:
    await add_tickets(database, people, 2)  # #2 is Bob's, unassigned
    await sign_in(client, "tom")
    page = await (await client.get("/tickets/2")).text()
    assert "Take it" in page and "Assign to" not in page  # specialists take, managers assign
    assert (await post_form(client, "/tickets/2/take", {}, page="/tickets/2")).status == 302
    status = await post_form(
        client, "/tickets/2/status", {"status": "in_progress"}, page="/tickets/2"
    )
    assert status.status == 302
    reply = await post_form(
        client, "/tickets/2/reply", {"text": "We ordered the part"}, page="/tickets/2"
    )
    assert reply.status == 302
    empty = await post_form(client, "/tickets/2/note", {"text": "  "}, page="/tickets/2")
    assert empty.status == 400 and "The text must not be empty" in await empty.text()
    note = await post_form(client, "/tickets/2/note", {"text": "Supplier: Acme"}, page="/tickets/2")
    assert note.status == 302
    page = await (await client.get("/tickets/2")).text()
    assert "Note added." in page
    assert "answered: We ordered the part" in page and "🔒 note: Supplier: Acme" in page
    async with database.reader() as session:
        texts = [m.payload["text"] for m in await session.scalars(select(OutboxMessage))]
    assert any("We ordered the part" in text for text in texts)  # the client is told
    assert not any("Supplier: Acme" in text for text in texts)  # notes stay inside


async def test_a_local_phone_number_is_of_the_default_region(
    database: Database, people: People
) -> None:
    """With CRM_DEFAULT_REGION=FR, "06 12 34 56 79" on a client card and a department is the
    French number; a number with its country code stays what it is."""
    app = create_app(Settings(_env_file=None, default_region="fr"), database, secret_key=SECRET)
    async with TestClient(TestServer(app)) as client:
        await sign_in(client, "anna")
        for name, phone in (("Ann", "06 12 34 56 79"), ("Bea", "+44 7700 900124")):
            saved = await post_form(
                client, "/clients/new", {"full_name": name, "phone": phone, "stage": "lead"}
            )
            assert saved.status == 302, await saved.text()
        saved = await post_form(
            client, "/departments/new", {"name": "Lyon", "phone": "04 72 00 00 00"}
        )
        assert saved.status == 302, await saved.text()
        # The list finds the card by the local number too.
        found = await (await client.get("/clients", params={"q": "06 12 34 56 79"})).text()
    assert "Ann</a>" in found, found[:3000]
    async with database.reader() as session:
        phones = {
            c.full_name: c.phone
            for c in await session.scalars(
                select(Client).where(Client.full_name.in_(["Ann", "Bea"]))
            )
        }
        lyon = await session.scalar(select(Department).where(Department.name == "Lyon"))
    assert phones == {"Ann": "+33612345679", "Bea": "+447700900124"}
    assert lyon is not None and lyon.phone == "+33472000000"


async def test_without_a_default_region_a_local_number_is_refused(client: SiteClient) -> None:
    await sign_in(client, "anna")
    response = await post_form(
        client, "/clients/new", {"full_name": "Ann", "phone": "06 12 34 56 79", "stage": "lead"}
    )
    assert response.status == 400
    assert "06 12 34 56 79 is not a phone number" in await response.text()
