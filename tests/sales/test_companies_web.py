"""Companies, events and the client's contact fields on the admin site, through aiohttp's test
client on a real database: the listing's search, industry and CSV; a company's page with the
contacts the viewer may see; a deletion refused with its reason; the unique e-mail refused next
to its field whatever its case; the participants of an event shown to its organiser and the
managers only; bad input and unknown ids never a 500."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import select

from bot.sandbox.telegram import FakeTelegram
from crm.settings import Settings
from db.base import utcnow
from db.engine import Database
from db.models import Client, Company, Event, EventParticipant, Founder
from tests.support.desk import People, add_people
from tests.support.site import Client as SiteClient
from tests.support.site import give_logins, post_form, sign_in
from web.app import create_app

SECRET = "test-secret-key"


@pytest.fixture
async def people(database: Database) -> People:
    people = await add_people(database, FakeTelegram("1:t"))
    async with database.writer() as session, session.begin():
        acme = Company(name="Acme", industry="Robotics", website="https://acme.example")
        beta = Company(name="Beta Foods", industry="Food")
        session.add_all([acme, beta])
        await session.flush()
        for client_id in (people.maria.id, people.bob.id):
            client = await session.get(Client, client_id)
            assert client is not None
            client.company_id = acme.id
        session.add(
            Event(
                title="Demo day",
                starts_at=utcnow() + timedelta(days=2),
                organiser_id=people.ivan.id,
                company_id=acme.id,
            )
        )
        session.add(Event(title="Old fair", starts_at=utcnow() - timedelta(days=3)))
        await session.flush()
        session.add(EventParticipant(event_id=1, client_id=people.maria.id))
    await give_logins(database, people.anna, people.ivan, people.tom, people.pavel)
    return people


@pytest.fixture
async def site(database: Database, people: People) -> AsyncIterator[SiteClient]:
    app = create_app(Settings(_env_file=None), database, secret_key=SECRET)
    async with TestClient(TestServer(app)) as client:
        yield client


async def _company_id(database: Database, name: str) -> int:
    async with database.reader() as session:
        found = await session.scalar(select(Company.id).where(Company.name == name))
    assert found is not None
    return found


def _error(page: str, field: str) -> str:
    found = re.search(rf'<div class="error" id="{field}-error">([^<]*)</div>', page)
    return found.group(1) if found else ""


async def test_the_same_email_in_another_case_is_refused_next_to_the_field(
    site: SiteClient, database: Database
) -> None:
    await sign_in(site, "anna")
    first = await post_form(
        site, "/clients/new", {"full_name": "Ada King", "email": "Ada@Example.com"}
    )
    assert first.status == 302
    again = await post_form(
        site, "/clients/new", {"full_name": "Ada Clone", "email": "ADA@example.COM"}
    )
    assert again.status == 400
    page = await again.text()
    assert _error(page, "email") == "Another client has the e-mail address ada@example.com"
    async with database.reader() as session:
        named = await session.scalars(select(Client.full_name).where(Client.email.is_not(None)))
        assert list(named) == ["Ada King"]


async def test_a_client_card_takes_first_and_last_name_and_a_company(
    site: SiteClient, database: Database
) -> None:
    await sign_in(site, "anna")
    acme = await _company_id(database, "Acme")
    form = await site.get("/clients/new")
    assert 'data-suggest="/companies/suggest"' in await form.text()
    suggested = await site.get("/companies/suggest?q=acm")
    assert [each["label"] for each in await suggested.json()] == [f"#{acme} Acme"]
    saved = await post_form(
        site,
        "/clients/new",
        {"full_name": "", "first_name": "Grace", "last_name": "Hopper", "company": f"#{acme} Acme"},
    )
    assert saved.status == 302
    async with database.reader() as session:
        grace = await session.scalar(select(Client).where(Client.full_name == "Grace Hopper"))
        assert grace is not None and grace.company_id == acme and grace.last_name == "Hopper"
    refused = await post_form(site, "/clients/new", {"full_name": "X", "company": "Nobody Inc"})
    assert refused.status == 400
    assert _error(await refused.text(), "company") == "No company is called Nobody Inc"


async def test_the_listing_searches_by_name_and_industry_and_its_csv_gives_the_same_rows(
    site: SiteClient,
) -> None:
    await sign_in(site, "tom")
    for query, expected in (
        ("", ["Acme", "Beta Foods"]),
        ("q=bet", ["Beta Foods"]),
        ("industry=robotics", ["Acme"]),
        ("q=zzz", []),
    ):
        page = await (await site.get(f"/companies?{query}")).text()
        assert re.findall(r'<a href="/companies/\d+">([^<]+)</a>', page) == expected
        exported = await site.get(f"/companies.csv?{query}")
        rows = list(csv.DictReader(io.StringIO(await exported.text())))
        assert [row["name"] for row in rows] == expected
    assert (await site.get("/companies?after=garbage")).status == 400
    assert (await site.get("/companies/99999999")).status == 404
    assert (await site.get("/companies/99999999999999999999")).status == 404
    menu = await (await site.get("/")).text()
    assert 'href="/companies"' in menu and 'href="/events"' in menu


async def test_a_company_page_shows_the_contacts_the_viewer_may_see_and_deletion_is_refused(
    site: SiteClient, database: Database, people: People
) -> None:
    acme = await _company_id(database, "Acme")
    await sign_in(site, "pavel")  # Maria's helper: her card, not Bob's
    page = await (await site.get(f"/companies/{acme}")).text()
    assert "Maria Lopez" in page and "Bob Stone" not in page and "Demo day" in page
    assert (await post_form(site, f"/companies/{acme}/delete", {}, page="/")).status == 403

    await sign_in(site, "anna")
    page = await (await site.get(f"/companies/{acme}")).text()
    assert "Maria Lopez" in page and "Bob Stone" in page
    refused = await post_form(site, f"/companies/{acme}/delete", {})
    assert refused.status == 409
    assert (
        "Acme has 2 contacts and 1 event: move them to another company first"
        in await refused.text()
    )
    async with database.reader() as session:
        assert await session.get(Company, acme) is not None

    bad = await post_form(
        site, f"/companies/{acme}/founders/new", {"name": "Ada", "linkedin": "not a link"}
    )
    assert bad.status == 400
    assert _error(await bad.text(), "linkedin").startswith("not a link is not a web address")
    good = await post_form(
        site,
        f"/companies/{acme}/founders/new",
        {"name": "Ada", "linkedin": "https://linkedin.com/in/ada"},
    )
    assert good.status == 302
    async with database.reader() as session:
        founder = await session.scalar(select(Founder))
        assert founder is not None and founder.company_id == acme
    beta = await _company_id(database, "Beta Foods")
    # A founder is reached through its own company only.
    elsewhere = await site.get(f"/companies/{beta}/founders/{founder.id}/edit")
    assert elsewhere.status == 404
    gone = await post_form(site, f"/companies/{beta}/delete", {})
    assert gone.status == 302
    assert (await site.get(f"/companies/{beta}")).status == 404


async def test_events_pages_show_participants_to_the_organiser_and_managers_only(
    site: SiteClient, database: Database
) -> None:
    await sign_in(site, "tom")
    upcoming = await (await site.get("/events")).text()
    assert "Demo day" in upcoming and "Old fair" not in upcoming
    past = await (await site.get("/events?when=past")).text()
    assert "Old fair" in past and "Demo day" not in past
    page = await (await site.get("/events/1")).text()
    assert "Demo day" in page and "Who takes part" not in page and "Maria Lopez" not in page
    assert (await site.get("/events/1/edit")).status == 403
    assert (await site.get("/events/999")).status == 404

    await sign_in(site, "ivan")  # the organiser
    page = await (await site.get("/events/1")).text()
    assert "Who takes part" in page and "Maria Lopez" in page
    await sign_in(site, "anna")
    page = await (await site.get("/events/1")).text()
    assert "Who takes part" in page and "Maria Lopez" in page

    untitled = await post_form(site, "/events/new", {"title": " ", "starts_at": "2031-01-01T10:00"})
    assert _error(await untitled.text(), "title") == "The title must not be empty"
    bad = await post_form(site, "/events/new", {"title": "Fair", "starts_at": "someday"})
    assert bad.status == 400
    assert "is not a date and time" in _error(await bad.text(), "starts_at")
    past_start = (utcnow() - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    refused = await post_form(site, "/events/new", {"title": "Fair", "starts_at": past_start})
    assert _error(await refused.text(), "starts_at") == "An event is planned in the future"
    start = (utcnow() + timedelta(days=9)).strftime("%Y-%m-%dT%H:%M")
    made = await post_form(
        site, "/events/new", {"title": "Fair", "starts_at": start, "company": "beta foods"}
    )
    assert made.status == 302
    async with database.reader() as session:
        fair = await session.scalar(select(Event).where(Event.title == "Fair"))
        assert fair is not None and fair.company_id == await _company_id(database, "Beta Foods")
    deleted = await post_form(site, f"/events/{fair.id}/delete", {})
    assert deleted.status == 302
