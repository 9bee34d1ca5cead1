"""Deals on the admin site, through aiohttp's test client on a real database: the board's
columns checked against an independent count, the list's filters kept in the URL, the CSV by
role, the page's forms with good and bad input (errors next to their fields, nothing changed),
and 404s for deals one may not see."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

import pytest
from aiohttp.test_utils import TestClient, TestServer
from babel.numbers import format_currency
from sqlalchemy import func, select

from bot.sandbox.telegram import FakeTelegram
from crm.sales.deals import DealDraft, move_deal, open_deal
from crm.settings import Settings
from db.base import utcnow
from db.engine import Database
from db.enums import DealStage
from db.models import Deal, Employee, Interaction, Task
from tests.support.desk import add_people
from tests.support.sales import Sales, add_sales, deal, kept_and_counted
from tests.support.site import Client as SiteClient
from tests.support.site import give_logins, post_form, sign_in
from web.app import create_app

SECRET = "test-secret-key"

# 1: Ivan's "Warehouse <pilot>" with Maria at Nordlight, new, €12,000.00, closing 2031-03-15.
# 2: Tom's "Scanner licences" with Bob, new, €28,500.50.
# 3: nobody's "Support plan" with Bob, qualified, €4,800.00.
# 4: Ivan's "Tablets" with Maria, lost ("Too dear"), €9,000.00.
VISIBLE = {"anna": {1, 2, 3, 4}, "ivan": {1, 4}, "tom": {2}, "pavel": {1, 4}}


@dataclass
class Setting:
    sales: Sales
    deals: dict[int, int]  # the deal's number here -> its id


@pytest.fixture
async def setting(database: Database) -> Setting:
    people = await add_people(database, FakeTelegram("1:t"))
    sales = await add_sales(database, people)
    async with database.writer() as session, session.begin():
        anna = await session.get(Employee, people.anna.id)
        assert anna is not None
        now = utcnow()
        plan = await open_deal(
            session,
            actor=anna,
            draft=DealDraft("Support plan", Decimal(4800), "EUR", client_id=people.bob.id),
            now=now,
        )
        await move_deal(session, actor=anna, deal_id=plan.id, to=DealStage.QUALIFIED, now=now)
        tablets = await open_deal(
            session,
            actor=anna,
            draft=DealDraft(
                "Tablets", Decimal(9000), "EUR", client_id=people.maria.id, owner_id=people.ivan.id
            ),
            now=now,
        )
        await move_deal(
            session, actor=anna, deal_id=tablets.id, to=DealStage.LOST, now=now, reason="Too dear"
        )
    await give_logins(database, people.anna, people.ivan, people.tom, people.pavel)
    return Setting(sales, {1: sales.ivans, 2: sales.toms, 3: plan.id, 4: tablets.id})


@pytest.fixture
async def site(database: Database, setting: Setting) -> AsyncIterator[SiteClient]:
    app = create_app(Settings(_env_file=None), database, secret_key=SECRET)
    async with TestClient(TestServer(app)) as client:
        yield client


def listed(page: str) -> set[int]:
    return {int(found) for found in re.findall(r'href="/deals/(\d+)"', page)}


def numbers(setting: Setting, ids: set[int]) -> set[int]:
    return {number for number, deal_id in setting.deals.items() if deal_id in ids}


async def all_deals(database: Database) -> list[Deal]:
    async with database.reader() as session:
        return list(await session.scalars(select(Deal)))


def euros(value: Decimal) -> str:
    return str(format_currency(value, "EUR", locale="en"))


@pytest.mark.parametrize("login", sorted(VISIBLE))
async def test_the_board_shows_each_roles_columns_with_totals_counted_independently(
    site: SiteClient, setting: Setting, database: Database, login: str
) -> None:
    await sign_in(site, login)
    page = await (await site.get("/deals")).text()
    assert numbers(setting, listed(page)) == VISIBLE[login]
    mine = [
        d for d in await all_deals(database) if d.id in {setting.deals[n] for n in VISIBLE[login]}
    ]
    for stage in DealStage:
        column = re.search(
            rf'id="stage-{stage.value}">\s*<h3>[^<]*· <span class="count">(\d+)</span> · '
            rf'<span class="total">([^<]*)</span>',
            page,
        )
        assert column is not None, stage
        in_stage = [d for d in mine if d.stage is stage]
        assert int(column.group(1)) == len(in_stage), (login, stage)
        assert column.group(2) == euros(sum((d.value for d in in_stage), Decimal(0))), stage


async def test_a_manager_looks_at_one_owners_board(site: SiteClient, setting: Setting) -> None:
    await sign_in(site, "anna")
    ivan = setting.sales.people.ivan.id
    page = await (await site.get(f"/deals?owner={ivan}")).text()
    assert numbers(setting, listed(page)) == {1, 4}
    assert '<span class="count">1</span> · <span class="total">€12,000.00</span>' in page
    bad = await site.get("/deals?owner=xyz")
    assert bad.status == 400 and "Deal owner must be a whole number" in await bad.text()


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", {1, 2, 3, 4}),
        ("stage=new", {1, 2}),
        ("stage=qualified&stage=lost", {3, 4}),
        ("owner={ivan}", {1, 4}),
        ("owner=none", {3}),
        ("company={company}", {1}),
        ("value_from=10000", {1, 2}),
        ("value_from=5000&value_to=12000", {1, 4}),
        ("value_to=%E2%82%AC4%2C800.00", {3}),  # €4,800.00, as English writes it
        ("close_from=2031-01-01&close_to=2031-12-31", {1}),
        ("stage=won", set()),
    ],
)
async def test_the_list_filters_are_kept_in_the_url(
    site: SiteClient, setting: Setting, query: str, expected: set[int]
) -> None:
    await sign_in(site, "anna")
    query = query.format(ivan=setting.sales.people.ivan.id, company=setting.sales.company.id)
    response = await site.get(f"/deals?view=list&{query}")
    assert response.status == 200
    page = await response.text()
    assert numbers(setting, listed(page)) == expected
    assert f"/deals.csv?view=list&amp;{query.replace('&', '&amp;')}".rstrip("&amp;") in page
    csv_rows = await exported(site, f"view=list&{query}")
    assert numbers(setting, csv_rows) == expected


async def test_the_list_filters_offer_owners_and_companies_by_name(
    site: SiteClient, setting: Setting
) -> None:
    await sign_in(site, "anna")
    ivan, company = setting.sales.people.ivan.id, setting.sales.company.id
    page = await (await site.get(f"/deals?view=list&owner={ivan}")).text()
    assert f'<option value="{ivan}" selected>Ivan Kuznetsov</option>' in page
    assert f'<option value="{company}">Nordlight Systems</option>' in page


@pytest.mark.parametrize(
    ("query", "refusal"),
    [
        ("value_from=-5", "a value is never below zero"),
        ("value_from=100&value_to=5", "The lowest value is above the highest"),
        ("value_from=lots", "lots is not an amount of money"),
        ("close_from=banana", "Expected close from must be a date"),
        ("close_from=2031-02-01&close_to=2031-01-01", "The start date is after the end date"),
        ("stage=bogus", "unknown status"),
        ("owner=someone", "Owner must be an employee id or none"),
        ("company=99999999999999999999", "Company is out of range"),
        ("after=broken", "That page link is broken"),
    ],
)
async def test_a_bad_filter_is_explained_next_to_it(
    site: SiteClient, query: str, refusal: str
) -> None:
    await sign_in(site, "anna")
    response = await site.get(f"/deals?view=list&{query}")
    assert response.status == 400
    assert refusal.lower() in (await response.text()).lower()
    if "after" not in query:
        assert (await site.get(f"/deals.csv?{query}")).status == 400


async def exported(site: SiteClient, query: str) -> set[int]:
    response = await site.get(f"/deals.csv?{query}")
    assert response.status == 200
    return {int(row["id"]) for row in csv.DictReader(io.StringIO(await response.text()))}


@pytest.mark.parametrize("login", sorted(VISIBLE))
async def test_the_csv_holds_what_each_role_may_see(
    site: SiteClient, setting: Setting, login: str
) -> None:
    await sign_in(site, login)
    assert numbers(setting, await exported(site, "")) == VISIBLE[login]
    assert numbers(setting, await exported(site, "stage=lost")) == VISIBLE[login] & {4}


@pytest.mark.parametrize("login", ["tom", "pavel"])
async def test_a_deal_one_may_not_see_is_not_there(
    site: SiteClient, setting: Setting, database: Database, login: str
) -> None:
    await sign_in(site, login)
    hidden = setting.deals[3]  # nobody's: only managers see it
    before = await kept_and_counted(database)
    for path in (f"/deals/{hidden}", f"/deals/{hidden}/edit", f"/deals/{hidden}/delete"):
        assert (await site.get(path)).status == 404, path
    for path in ("/deals/99999999999999999999", "/deals/0", "/deals/99"):
        assert (await site.get(path)).status == 404, path
    response = await post_form(
        site, f"/deals/{hidden}/move", {"stage": "won"}, page="/deals?view=list"
    )
    assert response.status == 404
    assert await kept_and_counted(database) == before
    assert (await deal(database, hidden)).stage is DealStage.QUALIFIED


async def test_moves_from_the_page_and_the_board_with_bad_input_refused_in_place(
    site: SiteClient, setting: Setting, database: Database
) -> None:
    await sign_in(site, "ivan")
    ivans = setting.deals[1]
    page = f"/deals/{ivans}"
    for data, field, refusal in [
        ({"stage": "bogus"}, "stage", "Stage: unknown value"),
        ({"stage": ""}, "stage", "Choose the stage"),
        ({"stage": "lost", "reason": "  "}, "reason", "Say why the deal was lost"),
        ({"stage": "new", "seen": "new"}, "stage", "is already new"),
        ({"stage": "won", "seen": "proposal"}, "stage", "has moved to new meanwhile"),
    ]:
        response = await post_form(site, f"{page}/move", data, page=page)
        assert response.status == 400, data
        text = await response.text()
        assert re.search(rf'id="{field}-error">[^<]*{re.escape(refusal)}', text, re.I), data
    assert (await deal(database, ivans)).stage is DealStage.NEW
    # A card of the board moves it, and the board is where one comes back to.
    moved = await post_form(
        site, f"{page}/move", {"stage": "proposal", "seen": "new", "back": "board"}, page="/deals"
    )
    assert moved.status == 302 and moved.headers["Location"] == "/deals"
    moved = await post_form(site, f"{page}/move", {"stage": "lost", "reason": "Went <elsewhere>"})
    assert moved.status == 302 and moved.headers["Location"] == page
    shown = await (await site.get(page)).text()
    assert "Went &lt;elsewhere&gt;" in shown and "Move the deal" not in shown
    lost = await deal(database, ivans)
    assert [m.to_stage for m in lost.moves] == [DealStage.NEW, DealStage.PROPOSAL, DealStage.LOST]
    kept, counted = await kept_and_counted(database)
    assert kept == counted


async def test_the_move_selects_start_on_no_stage(
    site: SiteClient, setting: Setting, database: Database
) -> None:
    await sign_in(site, "ivan")
    ivans = setting.deals[1]
    for path, select_id in [(f"/deals/{ivans}", "stage"), ("/deals", f"stage-{ivans}")]:
        page = await (await site.get(path)).text()
        found = re.search(rf'<select id="{select_id}" name="stage"[^>]*>\s*<option([^>]*)>', page)
        assert found is not None and found.group(1) == ' value=""', path
    # Pressing Move on the board without choosing moves nothing and says so by the field.
    data = {"stage": "", "seen": "new", "back": "board"}
    response = await post_form(site, f"/deals/{ivans}/move", data, page="/deals")
    assert response.status == 400
    assert re.search(r'id="stage-error">[^<]*Choose the stage', await response.text())
    assert (await deal(database, ivans)).stage is DealStage.NEW


async def test_moving_a_deal_that_is_over_is_refused_where_one_sees_it(
    site: SiteClient, setting: Setting, database: Database
) -> None:
    ivans = setting.deals[1]
    # Ivan's board tab shows the deal new; meanwhile Anna wins it.
    async with database.writer() as session, session.begin():
        anna = await session.get(Employee, setting.sales.people.anna.id)
        assert anna is not None
        await move_deal(session, actor=anna, deal_id=ivans, to=DealStage.WON, now=utcnow())
    await sign_in(site, "ivan")
    for data, refusal in [
        ({"stage": "proposal", "seen": "new", "back": "board"}, "has moved to won meanwhile"),
        ({"stage": "proposal"}, f"Deal #{ivans} is won: it is over and moves no more"),
    ]:
        response = await post_form(site, f"/deals/{ivans}/move", data, page="/deals")
        assert response.status == 400, data
        text = await response.text()
        assert re.search(rf'role="alert">[^<]*{re.escape(refusal)}', text), data
    assert (await deal(database, ivans)).stage is DealStage.WON


async def test_interactions_and_tasks_from_the_deal_page(
    site: SiteClient, setting: Setting, database: Database
) -> None:
    await sign_in(site, "ivan")
    page = f"/deals/{setting.deals[1]}"
    refused = [
        (f"{page}/log", {"kind": "chat"}, "kind", "Choose a call, a meeting, an email or a note"),
        (f"{page}/log", {"kind": "note", "notes": ""}, "notes", ""),
        (f"{page}/log", {"kind": "call", "happened_at": "2999-01-01T10:00"}, "happened_at", ""),
        (f"{page}/log", {"kind": "call", "happened_at": "soon"}, "happened_at", "is not a date"),
        (f"{page}/task", {"title": ""}, "title", "The title must not be empty"),
        (f"{page}/task", {"title": "Call", "due_at": "whenever"}, "due_at", "is not a date"),
    ]
    for path, data, field, refusal in refused:
        response = await post_form(site, path, data, page=page)
        assert response.status == 400, data
        text = await response.text()
        assert re.search(rf'id="{field}-error">[^<]*{re.escape(refusal)}', text, re.I), data
    async with database.reader() as session:
        assert await session.scalar(select(func.count()).select_from(Interaction)) == 0
        assert await session.scalar(select(func.count()).select_from(Task)) == 0
    logged = await post_form(
        site, f"{page}/log", {"kind": "meeting", "notes": "Met <the> team"}, page=page
    )
    assert logged.status == 302
    added = await post_form(
        site, f"{page}/task", {"title": "Send <terms>", "due_at": "2031-01-02T09:30"}, page=page
    )
    assert added.status == 302
    shown = await (await site.get(page)).text()
    assert "Met &lt;the&gt; team" in shown and "Send &lt;terms&gt;" in shown
    async with database.reader() as session:
        task = await session.scalar(select(Task))
    assert task is not None and task.due_at == datetime.fromisoformat("2031-01-02T09:30+00:00")


@pytest.mark.parametrize(
    ("language", "value", "moved"),
    [
        ("en", "€12,000.00", "Support plan moved to qualified"),
        ("fr", "12\u202f000,00\xa0€", "« Support plan » est passée à l’étape « qualifiée »"),
        ("ru", "12\xa0000,00\xa0€", "«Support plan» перешла на этап «квалифицирована»"),
    ],
)
async def test_company_deal_values_and_the_client_timeline_read_naturally(
    site: SiteClient, setting: Setting, language: str, value: str, moved: str
) -> None:
    await sign_in(site, "anna")
    if language != "en":
        chosen = await post_form(site, "/language", {"language": language}, page="/deals")
        assert chosen.status == 302
    company = await (await site.get(f"/companies/{setting.sales.company.id}")).text()
    assert re.search(
        rf"Warehouse &lt;pilot&gt;</a> · [^·]+ · {re.escape(value)}( ·|</li>)", company
    )
    plan = setting.deals[3]
    client = await (await site.get(f"/clients/{setting.sales.people.bob.id}")).text()
    line = re.search(rf'<a href="/deals/{plan}">([^<]*)</a> ([^<]*)</li>', client)
    assert line is not None and line.group(2).strip() == moved, line and line.group(0)


async def test_a_client_search_with_one_match_takes_that_client(
    site: SiteClient, setting: Setting, database: Database
) -> None:
    await sign_in(site, "ivan")
    ivan, maria = setting.sales.people.ivan.id, setting.sales.people.maria.id
    opened = await post_form(
        site, "/deals/new", {"name": "Pilot", "value": "5", "client": "lopez", "owner_id": ivan}
    )
    assert opened.status == 302
    new = await deal(database, int(opened.headers["Location"].rsplit("/", 1)[1]))
    assert new.client_id == maria


async def test_huge_input_is_refused_without_being_echoed_whole(
    site: SiteClient, setting: Setting, database: Database
) -> None:
    await sign_in(site, "ivan")
    page = f"/deals/{setting.deals[1]}"
    response = await post_form(site, f"{page}/log", {"kind": "note", "notes": "n" * 100_000})
    assert response.status == 400
    text = await response.text()
    assert re.search(r'id="notes-error">[^<]*longer than 5000 characters', text), text[-2000:]
    async with database.reader() as session:
        assert await session.scalar(select(func.count()).select_from(Interaction)) == 0
    typed = "Zork" + "z" * 5000
    refused = await post_form(site, "/deals/new", {"name": "X", "value": "5", "client": typed})
    found = re.search(r'id="client-error">([^<]*)<', await refused.text())
    assert found is not None and found.group(1).startswith("No client matches “Zorkzz")
    assert len(found.group(1)) < 80 and "…" in found.group(1)


async def test_new_edit_and_delete_with_errors_next_to_fields(
    site: SiteClient, setting: Setting, database: Database
) -> None:
    await sign_in(site, "ivan")
    before = await all_deals(database)
    response = await post_form(
        site, "/deals/new", {"name": " ", "value": "-5", "expected_close": "banana"}
    )
    assert response.status == 400
    text = await response.text()
    for field, refusal in [
        ("value", "the value must be from 0 to"),
        ("expected_close", "must be a date"),
    ]:
        assert re.search(rf'id="{field}-error">[^<]*{re.escape(refusal)}', text, re.I), field
    ivan = setting.sales.people.ivan.id
    response = await post_form(site, "/deals/new", {"name": " ", "value": "5", "owner_id": ivan})
    assert re.search(r'id="name-error">[^<]*must not be empty', await response.text(), re.I)
    # A specialist's deal is their own: giving it to Tom is refused.
    tom = setting.sales.people.tom.id
    response = await post_form(site, "/deals/new", {"name": "X", "value": "5", "owner_id": tom})
    assert response.status == 400
    text = await response.text()
    assert re.search(r'id="owner_id-error">[^<]*You may only give deals to yourself', text), text
    assert len(await all_deals(database)) == len(before)

    opened = await post_form(
        site,
        "/deals/new",
        {
            "name": "Pilot <two>",
            "value": "1,250.50",
            "client": f"#{setting.sales.people.maria.id}",
            "owner_id": setting.sales.people.ivan.id,
        },
    )
    assert opened.status == 302
    new = await deal(database, int(opened.headers["Location"].rsplit("/", 1)[1]))
    assert (new.value, new.owner_id, new.client_id) == (
        Decimal("1250.50"),
        setting.sales.people.ivan.id,
        setting.sales.people.maria.id,
    )
    edit = f"/deals/{new.id}/edit"
    assert "1,250.50" in await (await site.get(edit)).text()
    edited = await post_form(
        site, edit, {"name": "Pilot two", "value": "2000", "owner_id": setting.sales.people.ivan.id}
    )
    assert edited.status == 302
    assert (await deal(database, new.id)).value == Decimal("2000.00")
    assert (await site.get(f"/deals/{new.id}/delete")).status == 403  # managers only
    await sign_in(site, "anna")
    deleted = await post_form(site, f"/deals/{new.id}/delete", {})
    assert deleted.status == 302
    kept, counted = await kept_and_counted(database)
    assert kept == counted
    assert len(await all_deals(database)) == len(before)
