"""The ticket listing on a large database: the site's page over HTTP against the same listing
called directly (``crm.tickets.listing.list_tickets``), for ``python -m bench.listing``.

The tickets are made inside the database, as the other areas' rows are: spread over two years,
more of them lately, ids in the order of their creation (as the product gives them), each with
a line of history (a reply, a note or the client's message) that names a part number, and in
5% of them the word "warranty". Statuses as on a real desk: mostly closed.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

import aiohttp
from aiohttp import web
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bench.common import (
    CLIENTS,
    DEPARTMENTS,
    EMPLOYEES,
    PASSWORD,
    Area,
    Case,
    fill_in_chunks,
    fill_people,
    moment,
    numbers,
)
from crm.settings import Settings
from crm.tickets.listing import TicketFilter, encode_cursor, list_tickets
from db.engine import Database
from db.enums import TicketStatus
from db.models import Employee, Ticket
from web.app import create_app

TWO_YEARS = 730 * 86_400

# One ticket per number n, its attributes from hashes of n (the same on both databases), as in
# bench/contract_listing.py: h(n, p) = n * p mod 1000003, a prime; created over two years, more
# lately (the share of the span is x(2 - x) for x = n / count).
_HASHED = """
    SELECT n,
           (n * 7919) % 1000003 AS h1, (n * 104729) % 1000003 AS h2,
           (n * 15485863) % 1000003 AS h3, (n * 179424673) % 1000003 AS h4,
           (n * 982451653) % 1000003 AS h5, (n * 32452843) % 1000003 AS h6,
           (n * 49979687) % 1000003 AS h7,
           CAST({span} * ((n * 1.0 / {count}) * (2 - n * 1.0 / {count})) AS INTEGER) AS offset_s
    FROM seq
"""
# Closed 70%, resolved 8%, cancelled 5%, in progress 7%, waiting 3%, assigned 4%, new 3%.
_STATUS_OF = """CASE WHEN h4 % 100 < 70 THEN 'closed' WHEN h4 % 100 < 78 THEN 'resolved'
    WHEN h4 % 100 < 83 THEN 'cancelled' WHEN h4 % 100 < 90 THEN 'in_progress'
    WHEN h4 % 100 < 93 THEN 'waiting' WHEN h4 % 100 < 97 THEN 'assigned' ELSE 'new' END"""


def _statements(dialect: str, count: int) -> list[str]:
    """The ``INSERT … SELECT`` of tickets ``:first`` to ``:last`` of ``count``, and of their
    history; ids are given in order to an empty table, so a ticket's id is its number."""
    hashed = _HASHED.format(span=TWO_YEARS, count=count)
    created = moment(dialect, "offset_s")
    tickets = f"""{numbers(dialect)}
        INSERT INTO tickets (client_id, department_id, assignee_id, status, title, description,
                             created_at, updated_at)
        SELECT 1 + h1 % {CLIENTS}, 1 + h2 % {DEPARTMENTS},
               CASE WHEN status = 'new' THEN NULL ELSE 1 + h5 % {EMPLOYEES} END, status,
               'Problem ' || (1 + h3 % 1000000), 'A device does not work as it should.',
               {created}, {created}
        FROM (SELECT hashed.*, {_STATUS_OF} AS status FROM ({hashed}) AS hashed) AS shaped"""
    history = f"""{numbers(dialect)}
        INSERT INTO ticket_events (ticket_id, kind, text, created_at)
        SELECT n, CASE h2 % 3 WHEN 0 THEN 'reply' WHEN 1 THEN 'note' ELSE 'client_message' END,
               'Ordered part P-' || (1 + h6 % 1000000) || '; ' || CASE WHEN h7 % 100 < 5
                   THEN 'the warranty covers it' ELSE 'ready in a week' END,
               {created}
        FROM ({hashed}) AS hashed"""
    return [tickets, history]


async def _tickets(session: AsyncSession) -> int:
    return int(await session.scalar(select(func.count()).select_from(Ticket)) or 0)


async def fill(database: Database, count: int) -> None:
    """The people and ``count`` tickets with their history, unless they are there already."""
    await fill_people(database)
    dialect = "sqlite" if database.is_sqlite else "postgresql"
    start = datetime.now(UTC) - timedelta(seconds=TWO_YEARS)
    await fill_in_chunks(database, "tickets", count, _statements(dialect, count), start, _tickets)


def scenarios(today: datetime) -> list[tuple[str, dict[str, str]]]:
    """(name, the listing's query string): the filters the tickets page offers."""
    week_ago = (today - timedelta(days=7)).date().isoformat()
    half_year = (today - timedelta(days=180)).date().isoformat()
    return [
        ("all, first page", {}),
        ("one client", {"client": "1234"}),
        ("client by name", {"client": "Client 01234"}),
        ("last week", {"from": week_ago}),
        ("in progress", {"status": "in_progress"}),
        ("one assignee", {"assignee": "7"}),
        ("unassigned", {"assignee": "none"}),
        ("combined", {"status": "in_progress", "assignee": "7", "from": half_year}),
        ("text: rare, in history", {"q": "P-424242"}),
        ("text: 5% of history", {"q": "warranty"}),
        ("text + status", {"q": "warranty", "status": "in_progress"}),
    ]


def as_filter(query: dict[str, str], settings: Settings) -> TicketFilter:
    def day(key: str) -> Any:
        return datetime.fromisoformat(query[key]).date() if key in query else None

    return TicketFilter(
        client=query.get("client", ""),
        created_from=day("from"),
        statuses=(TicketStatus(query["status"]),) if "status" in query else (),
        assignee=query.get("assignee", ""),
        text=query.get("q", ""),
        zone=settings.zone,
    )


@asynccontextmanager
async def cases(database: Database, url: str) -> AsyncIterator[list[Case]]:
    """The site served on loopback, signed in as the administrator; each filter's page over
    HTTP against ``list_tickets`` with the same filter."""
    settings = Settings(_env_file=None, database_url=url)
    runner = web.AppRunner(create_app(settings, database, secret_key="benchmark"), access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    host, port = runner.addresses[0][:2]
    async with database.reader() as session:
        viewer = await session.scalar(select(Employee).where(Employee.web_login == "bench"))
        total = await _tickets(session)
        deep = await session.scalar(
            select(Ticket)
            .order_by(Ticket.created_at.desc(), Ticket.id.desc())
            .offset(min(200_000, total // 2))
            .limit(1)
        )
    assert viewer is not None
    found = scenarios(datetime.now(UTC))
    if deep is not None:
        found.append(("deep page", {"after": encode_cursor(deep)}))
    # unsafe=True: keep cookies from an IP address (the loopback server).
    jar = aiohttp.CookieJar(unsafe=True)
    try:
        async with aiohttp.ClientSession(base_url=f"http://{host}:{port}", cookie_jar=jar) as http:
            page = await (await http.get("/sign-in")).text()
            token = page.split('name="csrf_token" value="')[1].split('"')[0]
            signed = await http.post(
                "/sign-in",
                data={"login": "bench", "password": PASSWORD, "csrf_token": token, "next": "/"},
                allow_redirects=False,
            )
            assert signed.status == 302, "could not sign in"

            def case(name: str, query: dict[str, str]) -> Case:
                async def over_http() -> int:
                    async with http.get("/tickets", params=query) as response:
                        assert response.status == 200, response.status
                        return (await response.text()).count('">#')  # a link per ticket

                async def direct() -> int:
                    async with database.reader() as session:
                        page = await list_tickets(
                            session, viewer, as_filter(query, settings), cursor=query.get("after")
                        )
                    return len(page.tickets)

                return Case(name, over_http, direct)

            yield [case(name, query) for name, query in found]
    finally:
        await runner.cleanup()


AREA = Area(
    name="tickets",
    measured="the site's page over HTTP",
    baseline="list_tickets called directly",
    fill=fill,
    cases=cases,
)
