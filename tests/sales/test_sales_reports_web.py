"""The sales reports on the admin site (``/reports/pipeline``, ``/reports/win-rate`` and their
CSVs) through aiohttp's test client on a real database: the figures on the pages and in the
CSVs against tests/sales/report_world.py's own computation; a specialist sees only their own
figures; bad filters; an empty period and an empty database; the menu; other languages."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import AsyncIterator
from decimal import Decimal

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.sandbox.telegram import FakeTelegram
from crm.settings import Settings
from db.engine import Database
from db.models import Employee
from tests.sales.report_world import (
    OPEN,
    ZONE,
    World,
    build_world,
    expected_pipeline,
    expected_wins,
)
from tests.support.desk import add_people
from tests.support.site import Client as SiteClient
from tests.support.site import give_logins, sign_in

SECRET = "test-secret-key"


def create_app_for(database: Database) -> object:
    from web.app import create_app

    return create_app(Settings(_env_file=None, timezone=str(ZONE)), database, secret_key=SECRET)


@pytest.fixture
async def world(database: Database) -> World:
    world = await build_world(database)
    people = world.people
    await give_logins(database, people.anna, people.ivan, people.tom, people.pavel)
    return world


@pytest.fixture
async def site(database: Database) -> AsyncIterator[SiteClient]:
    async with TestClient(TestServer(create_app_for(database))) as client:  # type: ignore[arg-type]
        yield client


async def csv_rows(site: SiteClient, path: str) -> list[dict[str, str]]:
    response = await site.get(path)
    text = await response.text()
    assert response.status == 200, text
    assert response.headers["Content-Type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(text)))


def cell(page: str, row_marker: str, css: str) -> str:
    """The text of the cell with class ``css`` in the row marked ``row_marker``."""
    row = page[page.index(row_marker) :].split("</tr>")[0]
    found = re.search(rf'class="{css}">(.*?)</td>', row, re.DOTALL)
    assert found, (row_marker, css)
    return found.group(1).strip()


# The pipeline -------------------------------------------------------------------------------


@pytest.mark.parametrize("in_period", [False, True])
async def test_the_pipeline_csv_and_page_give_each_stage_and_owner(
    site: SiteClient, world: World, in_period: bool
) -> None:
    await sign_in(site, "anna")
    query = world.query() if in_period else ""
    rows = await csv_rows(site, f"/reports/pipeline.csv?{query}")
    stages, owners, total = expected_pipeline(world, created_in_period=in_period)
    for row in rows:
        if row["by"] == "stage":
            expected = stages[next(s for s in OPEN if s.value == row["id"])]
        elif row["by"] == "owner":
            owner = next(o for o in owners if str(world.owner_id(o) or "") == row["id"])
            expected = owners[owner]
        else:
            expected = total
        currency = row["currency"]
        assert int(row["deals"]) == expected.counts.get(currency, 0), row
        assert Decimal(row["value"]) == expected.value.get(currency, Decimal(0)), row
        assert Decimal(row["weighted_forecast"]) == expected.forecast.get(currency, 0), row
    assert {row["by"] for row in rows} == {"stage", "owner", "total"}
    assert {row["id"] for row in rows if row["by"] == "owner"} == {
        str(world.owner_id(owner) or "") for owner in owners
    }
    assert len([row for row in rows if row["by"] == "stage"]) == len(OPEN) * 2  # EUR and USD
    page = await (await site.get(f"/reports/pipeline?{query}")).text()
    assert "<svg" in page and "Pipeline by stage (EUR)" in page
    assert cell(page, 'data-stage="total"', "deals") == str(total.counts["EUR"] + 1)
    assert f"€{total.value['EUR']:,}" in cell(page, 'data-stage="total"', "value")
    assert "$700.00" in cell(page, 'data-owner="none"', "value")


async def test_a_specialist_sees_only_their_own_figures(site: SiteClient, world: World) -> None:
    await sign_in(site, "ivan")
    rows = await csv_rows(site, "/reports/pipeline.csv")
    _, _, total = expected_pipeline(world, {"ivan"})
    assert {row["id"] for row in rows if row["by"] == "owner"} == {str(world.people.ivan.id)}
    (totals,) = [row for row in rows if row["by"] == "total"]
    assert int(totals["deals"]) == total.counts["EUR"]
    assert Decimal(totals["value"]) == total.value["EUR"]
    page = await (await site.get("/reports/pipeline")).text()
    assert "Tom Baker" not in page and "$" not in page
    assert "Ivan Kuznetsov" in page

    wins = await csv_rows(site, f"/reports/win-rate.csv?{world.query()}")
    _, expected = expected_wins(world, {"ivan"})
    assert [row["owner_id"] for row in wins if row["by"] == "owner"] == [str(world.people.ivan.id)]
    (totals,) = [row for row in wins if row["by"] == "total"]
    assert (int(totals["won"]), int(totals["lost"])) == (expected.won, expected.lost)
    page = await (await site.get(f"/reports/win-rate?{world.query()}")).text()
    assert "Tom Baker" not in page


# Won and lost -------------------------------------------------------------------------------


async def test_the_win_rate_csv_and_page(site: SiteClient, world: World) -> None:
    await sign_in(site, "anna")
    rows = await csv_rows(site, f"/reports/win-rate.csv?{world.query()}")
    by_owner, total = expected_wins(world)
    for row in rows:
        if row["by"] == "total":
            expected = total
        else:
            expected = next(
                e for o, e in by_owner.items() if str(world.owner_id(o) or "") == row["owner_id"]
            )
        assert (int(row["won"]), int(row["lost"])) == (expected.won, expected.lost), row
        for stage in OPEN:
            average = expected.average_days(stage)
            assert row[f"{stage.value}_average_days"] == ("" if average is None else str(average))
            assert int(row[f"{stage.value}_stays"]) == len(expected.stays.get(stage, []))
    assert [row["by"] for row in rows].count("total") == 1
    (totals,) = [row for row in rows if row["by"] == "total"]
    assert totals["win_rate_percent"] == "50.0"
    page = await (await site.get(f"/reports/win-rate?{world.query()}")).text()
    assert cell(page, 'data-owner="total"', "win-rate") == "50%"
    assert "Average time at each stage" in page and "<svg" in page
    tom = f'data-owner="{world.people.tom.id}"'
    assert cell(page, tom, "won") == "2" and cell(page, tom, "lost") == "1"


async def test_the_default_period_is_this_month(site: SiteClient, world: World) -> None:
    await sign_in(site, "anna")
    page = await (await site.get("/reports/win-rate")).text()
    assert "both days included" in page
    rows = await csv_rows(site, "/reports/win-rate.csv")
    assert rows[0]["from"].endswith("-01")


async def test_an_empty_period(site: SiteClient, world: World) -> None:
    await sign_in(site, "anna")
    query = "from=2001-01-01&to=2001-01-31"
    page = await site.get(f"/reports/win-rate?{query}")
    assert page.status == 200
    assert "No deal was won or lost in this period." in await page.text()
    rows = await csv_rows(site, f"/reports/win-rate.csv?{query}")
    assert [(row["by"], row["won"], row["win_rate_percent"]) for row in rows] == [
        ("total", "0", "")
    ]
    page = await site.get(f"/reports/pipeline?{query}")
    assert "No open deal to show." in await page.text()
    rows = await csv_rows(site, f"/reports/pipeline.csv?{query}")
    assert {row["deals"] for row in rows} == {"0"}


async def test_an_empty_database(database: Database, site: SiteClient) -> None:
    people = await add_people(database, FakeTelegram("1:t"))
    await give_logins(database, people.anna)
    await sign_in(site, "anna")
    for path in ("/reports/pipeline", "/reports/win-rate"):
        page = await site.get(path)
        assert page.status == 200, path
        rows = await csv_rows(site, f"{path}.csv")
        assert [row["by"] for row in rows].count("total") >= 1


@pytest.mark.parametrize(
    ("query", "said"),
    [
        ("from=2026-13-01", "From must be a date (YYYY-MM-DD)"),
        ("to=yesterday", "To must be a date (YYYY-MM-DD)"),
        ("from=2026-05-10&to=2026-05-01", "The start date is after the end date"),
        ("from=2020-01-01&to=2026-01-01", "at most 366 days"),
    ],
)
async def test_a_bad_filter_is_a_clear_message_never_a_500(
    site: SiteClient, world: World, query: str, said: str
) -> None:
    await sign_in(site, "tom")
    for path in ("/reports/pipeline", "/reports/win-rate"):
        page = await site.get(f"{path}?{query}")
        assert page.status == 400, path
        assert said in await page.text(), path
        exported = await site.get(f"{path}.csv?{query}")
        assert exported.status == 400, path
        assert said in await exported.text(), path


async def test_the_menu_leads_staff_to_the_sales_reports(site: SiteClient, world: World) -> None:
    for login in ("anna", "ivan", "pavel"):
        await sign_in(site, login)
        home = await (await site.get("/")).text()
        assert 'href="/reports/pipeline"' in home, login
        assert "Sales reports" in home, login
        await site.post("/sign-out", allow_redirects=False)


@pytest.mark.parametrize("language", ["ru", "fr"])
async def test_the_reports_speak_the_viewers_language(
    site: SiteClient, database: Database, world: World, language: str
) -> None:
    async with database.writer() as session, session.begin():
        anna = await session.get(Employee, world.people.anna.id)
        assert anna is not None
        anna.language = language
    await sign_in(site, "anna")
    for path in ("/reports/pipeline", f"/reports/win-rate?{world.query()}"):
        page = await (await site.get(path)).text()
        for english in (
            "How these figures are counted",
            "Weighted forecast",
            "Win rate",
            "Deal owner",
        ):
            assert english not in page, (path, english)
    page = await (await site.get("/reports/pipeline")).text()
    assert "\u00a0€" in page or "\u202f€" in page  # 1 234,56 € as the locale writes it
