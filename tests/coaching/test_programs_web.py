"""Programmes and products on the admin site, through aiohttp's test client on a real database:
the programme list against counts read here from the tables, a client enrolled and moved
through the stages with the history shown, a programme's stages changed (a stage with clients
on it stays), deletion refused while clients are enrolled, the product catalog with its forms
and a sale, who may do what, bad input refused with nothing changed, and the pages in Russian
and French."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from decimal import Decimal

import pytest
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import select

from bot.sandbox.telegram import FakeTelegram
from crm.coaching.programs import create_program
from crm.settings import Settings
from db.base import utcnow
from db.engine import Database
from db.enums import ProductKind, Role
from db.models import (
    Client,
    ClientProduct,
    Employee,
    Enrolment,
    Product,
    Program,
    ProgramStage,
    StageMove,
)
from tests.support.desk import People, add_people
from tests.support.site import Client as SiteClient
from tests.support.site import give_logins, post_form, sign_in
from tests.test_site_i18n import cyrillic, untranslated
from web.app import create_app

SECRET = "test-secret-key"


@dataclass
class Setting:
    people: People
    olga: Employee
    career: int  # Diagnosis, Plan, Action; nobody enrolled yet
    health: int  # Start, Finish; Bob enrolled by Tom
    stages: dict[str, int]  # the career programme's stages by name


@pytest.fixture
async def setting(database: Database) -> Setting:
    """Ivan coaches Maria (Pavel helps her), Tom coaches Bob."""
    people = await add_people(database, FakeTelegram("1:t"))
    async with database.writer() as session, session.begin():
        olga = Employee(full_name="Olga Smirnova", username="olga", role=Role.OWNER)
        session.add(olga)
        await session.flush()
        maria = await session.get(Client, people.maria.id)
        bob = await session.get(Client, people.bob.id)
        assert maria and bob
        maria.coach_id, bob.coach_id = people.ivan.id, people.tom.id
        career = await create_program(
            session, actor=olga, name="Career change", stages=["Diagnosis", "Plan", "Action"]
        )
        health = await create_program(
            session, actor=olga, name="Health", stages=["Start", "Finish"]
        )
        session.add(
            Enrolment(
                client_id=bob.id,
                program_id=health.id,
                stage_id=health.stages[0].id,
                started_at=utcnow(),
            )
        )
        stages = {stage.name: stage.id for stage in career.stages}
        ids = (career.id, health.id)
    await give_logins(database, olga, people.anna, people.ivan, people.tom, people.pavel)
    return Setting(people, olga, ids[0], ids[1], stages)


@pytest.fixture
async def site(database: Database, setting: Setting) -> AsyncIterator[SiteClient]:
    app = create_app(Settings(_env_file=None), database, secret_key=SECRET)
    async with TestClient(TestServer(app)) as client:
        yield client


async def moves(database: Database) -> list[tuple[int | None, int, str | None, int | None]]:
    async with database.reader() as session:
        rows = await session.execute(
            select(
                StageMove.from_stage_id,
                StageMove.to_stage_id,
                StageMove.client_state,
                StageMove.by_id,
            ).order_by(StageMove.id)
        )
        return [tuple(row) for row in rows.all()]  # type: ignore[misc]


async def enrolments(database: Database) -> list[tuple[int, int, int]]:
    async with database.reader() as session:
        rows = await session.execute(
            select(Enrolment.client_id, Enrolment.program_id, Enrolment.stage_id).order_by(
                Enrolment.id
            )
        )
        return [tuple(row) for row in rows.all()]  # type: ignore[misc]


def error_of(page: str, name: str) -> str:
    found = re.search(rf'id="{name}-(?:error|refusal)">([^<]*)<', page)
    assert found, page[:3000]
    return found.group(1)


@pytest.mark.parametrize("login", ["olga", "ivan", "pavel"])
async def test_the_list_shows_each_programme_its_stages_and_its_clients_now(
    site: SiteClient, database: Database, setting: Setting, login: str
) -> None:
    await sign_in(site, login)
    page = await (await site.get("/programs")).text()
    assert "Diagnosis → Plan → Action" in page and "Start → Finish" in page
    # Counted here from the tables: the owner counts everyone, Ivan and Pavel only Maria (his
    # client, the one he helps); Bob is Tom's.
    seen = None if login == "olga" else {setting.people.maria.id}
    async with database.reader() as session:
        rows = (
            await session.execute(select(Program.name, Enrolment.client_id).outerjoin(Enrolment))
        ).all()
    expected = {name: 0 for name, _client in rows}
    for name, client_id in rows:
        if client_id is not None and (seen is None or client_id in seen):
            expected[name] += 1
    shown = dict(
        re.findall(
            r'>([^<>]+)</a></td>\s*<td[^>]*>[^<]*</td>\s*<td[^>]*class="enrolled">(\d+)<', page
        )
    )
    assert {name: int(count) for name, count in shown.items()} == expected
    assert expected["Health"] == (1 if login == "olga" else 0)
    assert ('href="/programs/new"' in page) == (login == "olga")


async def test_a_coach_moves_his_client_through_the_stages_and_the_history_shows_it(
    site: SiteClient, database: Database, setting: Setting
) -> None:
    ivan, maria = setting.people.ivan, setting.people.maria
    path = f"/programs/{setting.career}"
    await sign_in(site, "ivan")
    # A search first: the matches are offered to choose from, nothing is enrolled yet.
    search = await post_form(site, f"{path}/enrol", {"client": "Maria"}, page=path)
    assert search.status == 200 and f"#{maria.id} Maria Lopez" in await search.text()
    assert await enrolments(database) == [
        (setting.people.bob.id, setting.health, await _first(database, setting.health))
    ]
    enrolled = await post_form(site, f"{path}/enrol", {"client_id": str(maria.id)}, page=path)
    assert enrolled.status == 302
    page = await (await site.get(path)).text()
    assert "Maria Lopez is enrolled at the first stage." in page
    enrolment_id = int(re.findall(r'name="enrolment_id" value="(\d+)"', page)[0])
    stage = setting.stages
    moved = await post_form(
        site,
        f"{path}/move",
        {
            "enrolment_id": str(enrolment_id),
            "to_stage_id": "",
            "client_state": "Motivated, a bit anxious",
        },
        page=path,
    )
    assert moved.status == 302
    moved = await post_form(
        site,
        f"{path}/move",
        {
            "enrolment_id": str(enrolment_id),
            "to_stage_id": str(stage["Action"]),
            "client_state": "Ready",
        },
        page=path,
    )
    assert moved.status == 302
    assert await moves(database) == [
        (None, stage["Diagnosis"], None, ivan.id),
        (stage["Diagnosis"], stage["Plan"], "Motivated, a bit anxious", ivan.id),
        (stage["Plan"], stage["Action"], "Ready", ivan.id),
    ]
    page = await (await site.get(path)).text()
    assert "Maria Lopez is moved to Action." in page
    action = page[page.index(f'id="stage-{stage["Action"]}"') :].split('class="stage"')[0]
    assert "Maria Lopez" in action and "here for 0 days" in action
    history = action[action.index("History of moves") :]
    for said in (
        "enrolled at Diagnosis",
        "Diagnosis → Plan",
        "Motivated, a bit anxious",
        "Plan → Action",
        "Ready",
        "Ivan Kuznetsov",
    ):
        assert said in history, said
    diagnosis = page[page.index(f'id="stage-{stage["Diagnosis"]}"') :].split('class="stage"')[0]
    assert "Maria Lopez" not in diagnosis and "Nobody at this stage." in diagnosis


async def _first(database: Database, program_id: int) -> int:
    async with database.reader() as session:
        found = await session.scalar(
            select(ProgramStage.id)
            .where(ProgramStage.program_id == program_id)
            .order_by(ProgramStage.position)
        )
    assert found
    return found


async def test_bad_moves_and_enrolments_are_refused_and_change_nothing(
    site: SiteClient, database: Database, setting: Setting
) -> None:
    maria, bob = setting.people.maria, setting.people.bob
    path = f"/programs/{setting.career}"
    await sign_in(site, "ivan")
    assert (
        await post_form(site, f"{path}/enrol", {"client_id": str(maria.id)}, page=path)
    ).status == 302
    before_moves, before = await moves(database), await enrolments(database)
    page = await (await site.get(path)).text()
    enrolment_id = re.findall(r'name="enrolment_id" value="(\d+)"', page)[0]
    for data, field, said in [
        ({"client_id": str(maria.id)}, "enrol", "Maria Lopez is already in Career change"),
        ({"client": "Nobody Like This"}, "client", "No client matches"),
        ({"client": ""}, "client", "Choose the client"),
        ({"client_id": str(bob.id)}, "enrol", "That client does not exist"),  # Tom's, not Ivan's
    ]:
        refused = await post_form(site, f"{path}/enrol", data, page=path)
        text = await refused.text()
        assert refused.status == 400, (data, text[:500])
        assert said in error_of(text, field), data
    for data, field, said in [
        (
            {"to_stage_id": str(setting.stages["Diagnosis"])},
            "move",
            "The client is at that stage already",
        ),
        ({"to_stage_id": "abc"}, "to_stage_id", "Stage must be a whole number"),
        ({"to_stage_id": "999999"}, "to_stage_id", "That stage is not in the programme"),
        ({"to_stage_id": "", "client_state": "x" * 100_001}, "client_state", "longer than"),
        ({"enrolment_id": "999999"}, "move", "That enrolment does not exist"),
        ({"enrolment_id": "9" * 30, "to_stage_id": "x"}, "move", "Enrolment is out of range"),
    ]:
        sent = {"enrolment_id": enrolment_id, "to_stage_id": "", "client_state": "", **data}
        refused = await post_form(site, f"{path}/move", sent, page=path)
        text = await refused.text()
        assert refused.status == 400, (data, text[:500])
        assert said in error_of(text, field), (data, text[:300])
    assert await moves(database) == before_moves and await enrolments(database) == before
    # Bob's enrolment is not moved from Maria's programme page by a coach who does not see him.
    async with database.reader() as session:
        bobs = await session.scalar(select(Enrolment.id).where(Enrolment.client_id == bob.id))
    refused = await post_form(site, f"{path}/move", {"enrolment_id": str(bobs)}, page=path)
    assert refused.status == 400 and await enrolments(database) == before
    # The helper reads the board but has no forms, and posting anyway is refused.
    await sign_in(site, "pavel")
    page = await (await site.get(path)).text()
    assert "Maria Lopez" in page and 'action="/programs/' not in page
    refused = await post_form(site, f"{path}/move", {"enrolment_id": enrolment_id}, page=path)
    assert refused.status == 400 and "Only coaches" in await refused.text()
    assert await moves(database) == before_moves


async def program(database: Database, program_id: int) -> tuple[str, list[str]] | None:
    async with database.reader() as session:
        found = await session.get(Program, program_id)
        if found is None:
            return None
        stages = list(
            await session.scalars(
                select(ProgramStage.name)
                .where(ProgramStage.program_id == program_id)
                .order_by(ProgramStage.position)
            )
        )
    return found.name, stages


async def test_a_programme_is_changed_but_a_stage_with_clients_stays(
    site: SiteClient, database: Database, setting: Setting
) -> None:
    path = f"/programs/{setting.career}"
    await sign_in(site, "ivan")
    await post_form(site, f"{path}/enrol", {"client_id": str(setting.people.maria.id)}, page=path)
    assert (await site.get(f"{path}/edit")).status == 403  # a coach does not change programmes
    await sign_in(site, "anna")
    edit = f"{path}/edit"
    for stages, said in [
        ("Plan\nAction", "The stage Diagnosis has 1 client on it"),
        ("Diagnosis", "A programme has at least two stages"),
        ("Diagnosis\nPlan\nPlan", "Each stage of a programme has a name of its own"),
    ]:
        refused = await post_form(site, edit, {"name": "Career change", "stages": stages})
        assert refused.status == 400
        assert said in error_of(await refused.text(), "stages")
    refused = await post_form(site, edit, {"name": "Health", "stages": "A\nB"})
    assert (
        refused.status == 400
        and "There is already a programme called Health" in await refused.text()
    )
    assert await program(database, setting.career) == (
        "Career change",
        ["Diagnosis", "Plan", "Action"],
    )
    saved = await post_form(
        site,
        edit,
        {
            "name": "Career change 2",
            "description": "For managers",
            "stages": "Diagnosis\n\nAction\nReview",
        },
    )
    assert saved.status == 302
    assert await program(database, setting.career) == (
        "Career change 2",
        ["Diagnosis", "Action", "Review"],
    )
    async with database.reader() as session:
        stage_now = await session.scalar(
            select(Enrolment.stage_id).where(Enrolment.program_id == setting.career)
        )
    assert stage_now == setting.stages["Diagnosis"]  # Maria kept her stage
    # A stage in someone's history is kept too.
    await sign_in(site, "ivan")
    page = await (await site.get(path)).text()
    enrolment_id = re.findall(r'name="enrolment_id" value="(\d+)"', page)[0]
    await post_form(site, f"{path}/move", {"enrolment_id": enrolment_id}, page=path)
    await sign_in(site, "anna")
    refused = await post_form(site, edit, {"name": "Career change 2", "stages": "Action\nReview"})
    assert refused.status == 400
    assert "The stage Diagnosis is in clients" in error_of(await refused.text(), "stages")


async def test_a_programme_with_clients_is_not_deleted(
    site: SiteClient, database: Database, setting: Setting
) -> None:
    await sign_in(site, "tom")
    assert (await site.get(f"/programs/{setting.health}/delete")).status == 403
    await sign_in(site, "anna")
    refused = await post_form(site, f"/programs/{setting.health}/delete", {})
    assert refused.status == 409
    assert "1 client is enrolled in Health" in await refused.text()
    assert await program(database, setting.health) is not None
    created = await post_form(site, "/programs/new", {"name": "Empty", "stages": "One\nTwo"})
    assert created.status == 302
    new_id = int(created.headers["Location"].rsplit("/", 1)[1])
    deleted = await post_form(site, f"/programs/{new_id}/delete", {})
    assert deleted.status == 302 and await program(database, new_id) is None
    assert (await site.get("/programs/999999")).status == 404


async def products_in(
    database: Database,
) -> list[tuple[str, ProductKind, Decimal, int | None, bool]]:
    async with database.reader() as session:
        rows = await session.execute(
            select(
                Product.name, Product.kind, Product.price, Product.program_id, Product.active
            ).order_by(Product.id)
        )
        return [tuple(row) for row in rows.all()]  # type: ignore[misc]


async def test_the_catalog_its_forms_and_a_sale_that_enrols_the_buyer(
    site: SiteClient, database: Database, setting: Setting
) -> None:
    await sign_in(site, "ivan")
    assert (await site.get("/products")).status == 200
    assert 'href="/products/new"' not in await (await site.get("/products")).text()
    assert (await site.get("/products/new")).status == 403
    await sign_in(site, "anna")
    good = {
        "name": "Career track",
        "kind": "program",
        "price": "1 200,50",
        "program_id": str(setting.career),
        "active": "on",
    }
    for data, field, said in [
        ({"price": "a lot"}, "price", "a lot is not an amount of money"),
        ({"price": ""}, "price", "Say the price"),
        ({"price": "-5"}, "price", "A price is from 0 to"),
        ({"kind": "webinar"}, "kind", "Kind: unknown value"),
        ({"name": ""}, "name", ""),
        ({"program_id": "999999"}, "_form", "That programme does not exist"),
    ]:
        refused = await post_form(site, "/products/new", {**good, **data})
        text = await refused.text()
        assert refused.status == 400, (data, text[:500])
        if field == "_form":
            assert said in text
        else:
            assert said in error_of(text, field), data
    assert await products_in(database) == []
    assert (await post_form(site, "/products/new", good)).status == 302
    package = {"name": "Five sessions", "kind": "package", "price": "400", "active": "on"}
    assert (await post_form(site, "/products/new", package)).status == 302
    page = await (await site.get("/products")).text()
    async with database.reader() as session:
        ids = {name: pid for name, pid in await session.execute(select(Product.name, Product.id))}
    row = page[page.index(f'id="product-{ids["Career track"]}"') :].split("</tr>")[0]
    for said in ("Career track", "programme", "€1,200.50", "Career change", "yes"):
        assert said in row, said
    # Sold to Maria at the agreed price: she is enrolled at the programme's first stage.
    sell = f"/products/{ids['Career track']}/sell"
    form = await (await site.get(sell)).text()
    assert 'value="1200.50"' in form
    refused = await post_form(site, sell, {"client": "", "price": "1000"})
    assert refused.status == 400 and "Choose the client" in await refused.text()
    refused = await post_form(
        site, sell, {"client_id": str(setting.people.maria.id), "price": "much"}
    )
    assert refused.status == 400 and "much is not an amount of money" in await refused.text()
    sold = await post_form(site, sell, {"client_id": str(setting.people.maria.id), "price": "1000"})
    assert sold.status == 302
    async with database.reader() as session:
        bought = (await session.execute(select(ClientProduct.client_id, ClientProduct.price))).all()
    assert [tuple(row) for row in bought] == [(setting.people.maria.id, Decimal("1000.00"))]
    assert (
        setting.people.maria.id,
        setting.career,
        setting.stages["Diagnosis"],
    ) in await enrolments(database)
    assert (
        "Career track sold to Maria Lopez for €1,000.00."
        in await (await site.get("/products")).text()
    )
    # Sold once, it is not deleted: it is made inactive, and is then no longer sold.
    refused = await post_form(site, f"/products/{ids['Career track']}/delete", {})
    assert refused.status == 409
    assert "Career track was sold 1 time" in await refused.text()
    edited = await post_form(site, f"/products/{ids['Career track']}/edit", {**good, "active": ""})
    assert edited.status == 302
    assert (await products_in(database))[0] == (
        "Career track",
        ProductKind.PROGRAM,
        Decimal("1200.50"),
        setting.career,
        False,
    )
    refused = await post_form(site, sell, {"client_id": str(setting.people.bob.id)})
    assert refused.status == 400 and "That product does not exist" in await refused.text()
    deleted = await post_form(site, f"/products/{ids['Five sessions']}/delete", {})
    assert deleted.status == 302
    assert [name for name, *_ in await products_in(database)] == ["Career track"]


@pytest.mark.parametrize("language", ["ru", "fr"])
async def test_the_programme_and_product_pages_speak_russian_and_french(
    site: SiteClient, database: Database, setting: Setting, language: str
) -> None:
    await sign_in(site, "ivan")
    path = f"/programs/{setting.career}"
    await post_form(site, f"{path}/enrol", {"client_id": str(setting.people.maria.id)}, page=path)
    page = await (await site.get(path)).text()
    enrolment_id = re.findall(r'name="enrolment_id" value="(\d+)"', page)[0]
    await post_form(
        site, f"{path}/move", {"enrolment_id": enrolment_id, "client_state": "Calm"}, page=path
    )
    await sign_in(site, "anna")
    async with database.writer() as session, session.begin():
        session.add(Product(name="Five sessions", kind=ProductKind.PACKAGE, price=Decimal(400)))
    people_words = {
        "Maria", "Lopez", "Bob", "Stone", "Ivan", "Kuznetsov", "Tom", "Baker", "Anna",
        "Petrova", "Career", "change", "Health", "Diagnosis", "Plan", "Action", "Start",
        "Finish", "Calm", "plenty", "Five", "sessions", "Olga", "Smirnova", "Pavel", "Orlov",
    }  # fmt: skip
    async with database.reader() as session:
        product_id = await session.scalar(select(Product.id))
    pages = [
        ("/programs", 200),
        (path, 200),
        ("/programs/new", 200),
        (f"{path}/edit", 200),
        (f"/programs/{setting.health}/delete", 200),
        ("/products", 200),
        ("/products/new", 200),
        (f"/products/{product_id}/edit", 200),
        (f"/products/{product_id}/sell", 200),
    ]

    async def rendered() -> list[str]:
        found = []
        for each, status in pages:
            response = await site.get(each)
            assert response.status == status, each
            found.append(await response.text())
        for each, data in [
            (f"{path}/edit", {"name": "Career change", "stages": "Action"}),
            (f"/programs/{setting.health}/delete", {}),
            ("/products/new", {"name": "X", "kind": "course", "price": "plenty"}),
        ]:
            found.append(await (await post_form(site, each, data)).text())
        return found

    await post_form(site, "/language", {"language": "en"}, page="/programs")
    english = await rendered()
    await post_form(site, "/language", {"language": language}, page="/programs")
    translated = await rendered()
    names = [each for each, _ in pages] + [
        "programme refused",
        "deletion refused",
        "product refused",
    ]
    for name, before, after in zip(names, english, translated, strict=True):
        assert untranslated(before, after, people_words, language) == [], name
        if language == "fr":
            assert cyrillic(after, people_words) == [], name
