"""Companies, founders and innovations as services on a real database: a company is deleted
only when no contact, deal or event names it (the refusal says what holds it, with the counts,
in the reader's language); its website and founders' LinkedIn are web addresses; clients see
no companies; the client card's first and last name make its full name, and its company is
named by number or name."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import func, select

from bot.sandbox.telegram import FakeTelegram
from crm.errors import Conflict, InvalidFields, InvalidInput, PermissionDenied
from crm.i18n import refusal_text
from crm.people.clients import ClientForm, save_client
from crm.sales.companies import CompanyDraft, check_url, delete_company, save_company
from crm.sales.company_listing import CompanyFilter, company_card, list_companies
from crm.sales.founders import (
    FounderDraft,
    InnovationDraft,
    remove_founder,
    save_founder,
    save_innovation,
)
from db.base import utcnow
from db.engine import Database
from db.enums import InnovationKind
from db.models import Client, Company, Deal, Event, Founder, Innovation
from tests.support.desk import People, add_people


@pytest.fixture
async def people(database: Database) -> People:
    return await add_people(database, FakeTelegram("1:t"))


async def _company(database: Database, people: People, name: str = "Acme") -> int:
    async with database.writer() as session, session.begin():
        anna = await session.get(type(people.anna), people.anna.id)
        assert anna is not None
        company = await save_company(
            session,
            actor=anna,
            draft=CompanyDraft(name, "Robotics", "https://acme.example"),
            company_id=None,
            now=utcnow(),
        )
        return company.id


async def test_a_company_named_by_contacts_and_deals_is_not_deleted_and_the_reason_counts_them(
    database: Database, people: People
) -> None:
    acme = await _company(database, people)
    async with database.writer() as session, session.begin():
        for client_id in (people.maria.id, people.bob.id):
            client = await session.get(Client, client_id)
            assert client is not None
            client.company_id = acme
        session.add(Deal(name="Robots", company_id=acme, value=Decimal(5), currency="EUR"))
    async with database.writer() as session, session.begin():
        anna = await session.get(type(people.anna), people.anna.id)
        assert anna is not None
        with pytest.raises(Conflict) as refused:
            await delete_company(session, actor=anna, company_id=acme)
    assert (
        str(refused.value) == "Acme has 2 contacts and 1 deal: move them to another company first"
    )
    assert refusal_text(refused.value, "fr").startswith("Acme a 2 interlocuteurs et 1 affaire :")
    async with database.reader() as session:
        assert await session.get(Company, acme) is not None

    # Moved away one by one: an event still holds it; then nothing does, and it goes with its
    # founders and innovations.
    async with database.writer() as session, session.begin():
        for client_id in (people.maria.id, people.bob.id):
            client = await session.get(Client, client_id)
            assert client is not None
            client.company_id = None
        deal = await session.scalar(select(Deal))
        assert deal is not None
        deal.company_id = None
        session.add(Event(title="Demo day", starts_at=utcnow(), company_id=acme))
        session.add(Founder(company_id=acme, name="Ada"))
        session.add(Innovation(company_id=acme, title="Arm", kind=InnovationKind.PRODUCT))
    async with database.writer() as session, session.begin():
        anna = await session.get(type(people.anna), people.anna.id)
        assert anna is not None
        with pytest.raises(Conflict, match="Acme has 1 event: move"):
            await delete_company(session, actor=anna, company_id=acme)
        event = await session.scalar(select(Event))
        assert event is not None
        await session.delete(event)
    async with database.writer() as session, session.begin():
        anna = await session.get(type(people.anna), people.anna.id)
        assert anna is not None
        await delete_company(session, actor=anna, company_id=acme)
    async with database.reader() as session:
        assert await session.get(Company, acme) is None
        assert await session.scalar(select(func.count()).select_from(Founder)) == 0
        assert await session.scalar(select(func.count()).select_from(Innovation)) == 0


async def test_company_fields_are_checked_and_only_managers_change_companies(
    database: Database, people: People
) -> None:
    async with database.writer() as session, session.begin():
        anna = await session.get(type(people.anna), people.anna.id)
        ivan = await session.get(type(people.ivan), people.ivan.id)
        assert anna is not None and ivan is not None
        with pytest.raises(InvalidFields) as refused:
            await save_company(
                session,
                actor=anna,
                draft=CompanyDraft("  ", website="javascript:alert(1)"),
                company_id=None,
                now=utcnow(),
            )
        assert {problem.field for problem in refused.value.problems} == {"name", "website"}
        with pytest.raises(PermissionDenied):
            await save_company(
                session, actor=ivan, draft=CompanyDraft("Ivan's"), company_id=None, now=utcnow()
            )
    acme = await _company(database, people)
    async with database.writer() as session, session.begin():
        anna = await session.get(type(people.anna), people.anna.id)
        assert anna is not None
        with pytest.raises(InvalidInput) as bad:
            await save_founder(
                session,
                actor=anna,
                company_id=acme,
                founder_id=None,
                draft=FounderDraft("Ada", "ada@", "linkedin.com/in/ada"),
            )
        assert bad.value.field in ("email", "linkedin")
        founder = await save_founder(
            session,
            actor=anna,
            company_id=acme,
            founder_id=None,
            draft=FounderDraft("Ada", "Ada@Acme.example", "https://linkedin.com/in/ada"),
        )
        assert founder.email == "ada@acme.example"
        await save_innovation(
            session,
            actor=anna,
            company_id=acme,
            innovation_id=None,
            draft=InnovationDraft("Arm", InnovationKind.PROCESS),
        )
        card = await company_card(session, actor=anna, company_id=acme)
        assert [f.name for f in card.company.founders] == ["Ada"]
        assert [i.kind for i in card.company.innovations] == [InnovationKind.PROCESS]
        other = await _company_in(session, anna, "Other")
        # A founder of one company is not reached through another's address.
        with pytest.raises(Exception, match="founder does not exist"):
            await remove_founder(session, actor=anna, company_id=other, founder_id=founder.id)


async def _company_in(session: object, anna: object, name: str) -> int:
    company = await save_company(
        session,  # type: ignore[arg-type]
        actor=anna,  # type: ignore[arg-type]
        draft=CompanyDraft(name),
        company_id=None,
        now=utcnow(),
    )
    return company.id


async def test_clients_see_no_companies_and_staff_search_them_by_name_and_industry(
    database: Database, people: People
) -> None:
    await _company(database, people, "Acme")
    await _company(database, people, "Beta Robotics")
    async with database.reader() as session:
        maria = await session.get(Client, people.maria.id)
        pavel = await session.get(type(people.pavel), people.pavel.id)
        assert maria is not None and pavel is not None
        with pytest.raises(PermissionDenied):
            await list_companies(session, maria, CompanyFilter())
        found = await list_companies(session, pavel, CompanyFilter(search="robot"))
        assert [c.name for c in found.companies] == ["Beta Robotics"]
        found = await list_companies(session, pavel, CompanyFilter(industry="robotics"))
        assert [c.name for c in found.companies] == ["Acme", "Beta Robotics"]
        first = await list_companies(session, pavel, CompanyFilter(), page_size=1)
        second = await list_companies(
            session, pavel, CompanyFilter(), cursor=first.next_cursor, page_size=1
        )
        back = await list_companies(
            session, pavel, CompanyFilter(), before=second.previous_cursor, page_size=1
        )
        assert [c.name for c in first.companies + second.companies] == ["Acme", "Beta Robotics"]
        assert second.next_cursor is None and [c.name for c in back.companies] == ["Acme"]


async def test_a_client_card_builds_its_full_name_and_names_its_company(
    database: Database, people: People
) -> None:
    acme = await _company(database, people, "Acme")
    async with database.writer() as session, session.begin():
        anna = await session.get(type(people.anna), people.anna.id)
        assert anna is not None
        client = await save_client(
            session,
            actor=anna,
            form=ClientForm(full_name="", first_name=" Ada ", last_name="Lovelace", company="ACME"),
            client_id=None,
        )
        assert (client.full_name, client.first_name, client.company_id) == (
            "Ada Lovelace",
            "Ada",
            acme,
        )
        kept = await save_client(
            session,
            actor=anna,
            form=ClientForm(full_name="Countess", first_name="Ada", company=acme),
            client_id=client.id,
        )
        assert kept.full_name == "Countess"
        for named, said in ((999_999, "that company does not exist"), ("Nope", "no company")):
            with pytest.raises(InvalidInput, match=said) as refused:
                await save_client(
                    session,
                    actor=anna,
                    form=ClientForm(full_name="X", company=named),
                    client_id=client.id,
                )
            assert refused.value.field == "company"


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("acme.example", "https://acme.example"),
        ("  www.acme.example/about ", "https://www.acme.example/about"),
        ("http://acme.example", "http://acme.example"),
        ("https://localhost:8080", "https://localhost:8080"),
        ("", None),
    ],
)
def test_a_website_typed_without_https_gets_it(typed: str, kept: str | None) -> None:
    assert check_url(typed, "website") == kept


@pytest.mark.parametrize(
    "typed", ["not a link", "acme", "ftp://acme.example", "mailto:a@b.example"]
)
def test_what_is_no_web_address_is_still_refused_as_typed(typed: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        check_url(typed, "website")
    assert refusal_text(refused.value, "en") == f"{typed} is not a web address (https://…)"
