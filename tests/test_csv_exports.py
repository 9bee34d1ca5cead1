"""Every CSV download of the site keeps a spreadsheet from running a cell as a formula.

The escaping is done once, by the CSV writer in web/views/listing.py; this checks that every
export goes through it: the demo business with every name, title, goal and message made to
start with ``=``, then each CSV as the owner downloads it.
"""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import literal, select, update

from crm.demo.seed import DEMO_PASSWORD, seed_demo
from crm.settings import Settings
from db.base import utcnow
from db.engine import Database
from db.models import (
    Client,
    CoachingRequest,
    Department,
    Employee,
    Language,
    Product,
    Program,
    ProgramStage,
    Ticket,
    Track,
)
from tests.support.site import Client as SiteClient
from tests.support.site import sign_in
from web.app import create_app

SECRET = "csv-exports-secret"
# The columns people type, each made to start with a formula.
TYPED = (
    Client.full_name,
    Employee.full_name,
    Department.name,
    Language.name,
    Program.name,
    ProgramStage.name,
    Product.name,
    Ticket.title,
    Track.goal,
    CoachingRequest.message,
)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@pytest.fixture
async def site(database: Database) -> AsyncIterator[tuple[SiteClient, int]]:
    """The demo business with formulas in its typed text, the owner signed in, and a client
    with a track (for the per-client report)."""
    async with database.writer() as session, session.begin():
        await seed_demo(session, now=utcnow())
        for column in TYPED:
            await session.execute(update(column.class_).values({column.key: literal("=") + column}))
        client_id = await session.scalar(select(Track.client_id).order_by(Track.id).limit(1))
    assert client_id is not None
    app = create_app(Settings(_env_file=None), database, secret_key=SECRET)
    async with TestClient(TestServer(app)) as client:
        signed = await sign_in(client, "olga", DEMO_PASSWORD)
        assert signed.status == 302
        yield client, client_id


async def test_no_cell_of_any_csv_export_starts_a_formula(
    site: tuple[SiteClient, int],
) -> None:
    client, client_id = site
    today = utcnow().date()
    within = f"from={(today - timedelta(days=300)).isoformat()}&to={today.isoformat()}"
    exports = [
        "/tickets.csv",
        "/contracts.csv",
        "/sessions.csv",
        "/requests.csv",
        "/reports.csv",
        "/clients.csv",
        f"/reports/coaches.csv?{within}",
        "/reports/programs.csv",
        f"/reports/period.csv?{within}",
        f"/reports/clients/{client_id}.csv?{within}",
    ]
    formulas: dict[str, list[str]] = {}
    shown_as_text: dict[str, bool] = {}
    for path in exports:
        response = await client.get(path)
        assert response.status == 200, (path, await response.text())
        assert response.headers["Content-Type"].startswith("text/csv"), path
        cells = [cell for row in csv.reader(io.StringIO(await response.text())) for cell in row]
        formulas[path] = [cell for cell in cells if cell.startswith(FORMULA_STARTS)]
        # The formulas were there, and are shown as the text people typed.
        shown_as_text[path] = any(cell.startswith("'=") for cell in cells)
    assert {path: found for path, found in formulas.items() if found} == {}
    assert set(shown_as_text.values()) == {True}, shown_as_text
