"""The ticket listing's text filter read from its index in the listing's order: every match in
its place, tickets written out of turn included, and the page read newest first from the index
instead of after every match (migration 167aa4ca31a4)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select, text, update

from bot.sandbox.telegram import FakeTelegram
from crm import keyset
from crm.tickets import search
from crm.tickets.listing import TicketFilter, list_tickets
from db.base import utcnow
from db.engine import Database
from db.enums import TicketEventKind, TicketStatus
from db.models import Employee, Ticket, TicketEvent
from tests.support.desk import add_people
from tests.support.sql import statements

# (days ago, says "capacitor"?, status), in the order the tickets are written: ids 1, 2, ...
WRITTEN = [
    (9, True, TicketStatus.NEW),
    (8, False, TicketStatus.NEW),
    (8, True, TicketStatus.IN_PROGRESS),
    (30, True, TicketStatus.IN_PROGRESS),  # backdated: out of turn
    (7, True, TicketStatus.NEW),
    (7, True, TicketStatus.IN_PROGRESS),  # the same moment as #5: the id decides
    (5, False, TicketStatus.IN_PROGRESS),
    (1, True, TicketStatus.NEW),
    (20, True, TicketStatus.NEW),  # out of turn again
    (3, True, TicketStatus.IN_PROGRESS),
]


async def _write(database: Database) -> Employee:
    people = await add_people(database, FakeTelegram("1:t"))
    now = utcnow().replace(microsecond=0)
    async with database.writer() as session, session.begin():
        for number, (days, says, status) in enumerate(WRITTEN, start=1):
            moment = now - timedelta(days=days)
            ticket = Ticket(
                client_id=people.maria.id,
                status=status,
                title=f"Problem {number}",
                description="Hums when it starts",
                created_at=moment,
                updated_at=moment,
            )
            session.add(ticket)
            await session.flush()  # ids in the order written
            said = "We ordered the CAPACITOR" if says else "We ordered the fan"
            session.add(TicketEvent(ticket_id=ticket.id, kind=TicketEventKind.REPLY, text=said))
    return people.anna


async def _all_pages(database: Database, viewer: Employee, wanted: TicketFilter) -> list[int]:
    """Every ticket the listing shows, two a page, following its links."""
    shown: list[int] = []
    cursor: str | None = None
    while True:
        async with database.reader() as session:
            page = await list_tickets(session, viewer, wanted, cursor=cursor, page_size=2)
        shown += [ticket.id for ticket in page.tickets]
        if page.next_cursor is None:
            return shown
        cursor = page.next_cursor


@pytest.mark.parametrize("probe", [search.PROBE, 1], ids=["index leads", "filters lead"])
async def test_a_text_search_lists_every_match_in_the_listing_order_out_of_turn_ones_too(
    database: Database, probe: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(search, "PROBE", probe)
    anna = await _write(database)
    async with database.writer() as session, session.begin():
        # A ticket moved to today is out of turn from then on.
        await session.execute(update(Ticket).where(Ticket.id == 1).values(created_at=utcnow()))
    async with database.reader() as session:
        moments = {ticket.id: ticket.created_at for ticket in await session.scalars(select(Ticket))}
    saying = [number for number, (_, says, _) in enumerate(WRITTEN, start=1) if says]
    newest_first = sorted(saying, key=lambda number: (moments[number], number), reverse=True)
    assert newest_first[:3] == [1, 8, 10]
    wanted = TicketFilter(text="capacitor")
    assert await _all_pages(database, anna, wanted) == newest_first
    oldest = TicketFilter(text="capacitor", oldest_first=True)
    assert await _all_pages(database, anna, oldest) == newest_first[::-1]
    in_progress = TicketFilter(text="capacitor", statuses=(TicketStatus.IN_PROGRESS,))
    assert await _all_pages(database, anna, in_progress) == [10, 6, 3, 4]
    async with database.reader() as session:
        first = await list_tickets(session, anna, wanted, page_size=2)
        second = await list_tickets(session, anna, wanted, cursor=first.next_cursor, page_size=2)
        back = await list_tickets(session, anna, wanted, before=second.previous_cursor, page_size=2)
    assert [ticket.id for ticket in back.tickets] == newest_first[:2]
    assert first.total == len(saying) and not first.total_is_capped


async def _plans(database: Database, run: list[tuple[str, Any]], explain: str) -> list[str]:
    async with database.reader() as session:
        connection = await session.connection()
        return [
            "\n".join(
                " ".join(str(cell) for cell in row)
                for row in await connection.exec_driver_sql(f"{explain} {statement}", parameters)
            )
            for statement, parameters in run
        ]


# SQLite's plans; PostgreSQL's are checked in the next test.
@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_a_text_page_is_read_from_sqlites_index_newest_first_and_stops(
    database: Database, database_url: str
) -> None:
    anna = await _write(database)
    with statements(database) as run:
        async with database.reader() as session:
            page = await list_tickets(session, anna, TicketFilter(text="capacitor"), page_size=2)
    assert [ticket.id for ticket in page.tickets] == [8, 10]
    reads = [(sql, params) for sql, params in run if "FROM ticket_search" in sql]
    plans = await _plans(database, reads, "EXPLAIN QUERY PLAN")
    in_order = [
        plan
        for (sql, _), plan in zip(reads, plans, strict=True)
        if "ORDER BY ticket_search.rowid DESC" in sql and "EXISTS" in sql
    ]
    # The index hands the matches out by ticket id, newest first (FTS5's idxNum 192: ordered by
    # rowid, descending), and nothing sorts them: the read stops after the page.
    assert in_order, reads
    assert all("VIRTUAL TABLE INDEX 192:" in plan for plan in in_order), in_order
    assert not any("TEMP B-TREE" in plan for plan in in_order), in_order
    # No statement but the count reads every match.
    every_match = [sql for sql, _ in reads if "IN (SELECT ticket_search.rowid" in sql]
    assert all("count(*)" in sql for sql in every_match), every_match


# PostgreSQL's plans; SQLite's are checked in the test before.
@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
async def test_a_text_page_is_read_newest_first_on_postgresql_and_rare_texts_by_trigrams(
    database: Database, database_url: str
) -> None:
    anna = await _write(database)
    async with database.writer() as session, session.begin():
        # Enough tickets for the planner to choose as it would on a real desk: a common word in
        # every tenth one, a rare one in a single ticket.
        await session.execute(
            text(
                "INSERT INTO tickets (client_id, status, title, description, created_at,"
                " updated_at) SELECT 1, 'new', 'Printer ' || n,"
                " CASE WHEN n % 10 = 0 THEN 'warranty covers it' WHEN n = 777 THEN 'zebra'"
                " ELSE 'paper jam' END, now() - n * interval '1 minute', now() - n * interval"
                " '1 minute' FROM generate_series(1, 20000) AS n"
            )
        )
    async with database.engine.connect() as connection:
        autocommit = await connection.execution_options(isolation_level="AUTOCOMMIT")
        await autocommit.exec_driver_sql("VACUUM ANALYZE tickets")
    pages = {}
    for word in ("warranty", "zebra"):
        with statements(database) as run:
            async with database.reader() as session:
                await list_tickets(session, anna, TicketFilter(text=word))
                # Planned for this text every time, never by a prepared statement's generic plan.
                mode = await session.scalar(text("SHOW plan_cache_mode"))
        assert mode == "force_custom_plan"
        page = [(sql, params) for sql, params in run if "ORDER BY tickets.created_at DESC" in sql]
        (pages[word],) = await _plans(database, page[:1], "EXPLAIN")
    # A common word: the listing's own index, newest first, each row tested, no sort.
    assert "Index Scan Backward using ix_tickets_created" in pages["warranty"], pages
    assert "Sort" not in pages["warranty"], pages
    # A rare one: the trigram index of the searched texts.
    assert "ix_tickets_search_trgm" in pages["zebra"], pages


async def test_a_text_search_counts_its_matches_up_to_two_hundred_the_rest_to_ten_thousand(
    database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Eight tickets say "capacitor", ten were written: with the caps at 5, the search says
    # "more than 5" and the listing without a text still counts all ten.
    monkeypatch.setattr(keyset, "SEARCH_COUNT_CAP", 5)
    anna = await _write(database)
    async with database.reader() as session:
        searched = await list_tickets(session, anna, TicketFilter(text="capacitor"))
        everything = await list_tickets(session, anna, TicketFilter())
    assert (searched.total, searched.total_is_capped) == (5, True)
    assert (everything.total, everything.total_is_capped) == (len(WRITTEN), False)
    assert len(searched.tickets) == sum(says for _, says, _ in WRITTEN)  # the page is whole
    assert keyset.SEARCH_COUNT_CAP < keyset.COUNT_CAP


@pytest.mark.parametrize("walk", [search.WALK, 2], ids=["newest matches", "filter leads"])
@pytest.mark.parametrize("cap", [3, 10])
async def test_a_common_text_with_a_status_counts_every_match_up_to_the_cap(
    database: Database, walk: int, cap: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Four tickets say "capacitor" and are in progress (#3, #4, #6, #10). On SQLite the text
    # counts as common (PROBE 1): its newest matches are joined with the status first, and when
    # they do not pass the cap (with WALK 2, only #10 of #10 and #9), the status leads.
    monkeypatch.setattr(search, "PROBE", 1)
    monkeypatch.setattr(search, "WALK", walk)
    monkeypatch.setattr(keyset, "SEARCH_COUNT_CAP", cap)
    anna = await _write(database)
    wanted = TicketFilter(text="capacitor", statuses=(TicketStatus.IN_PROGRESS,))
    async with database.reader() as session:
        page = await list_tickets(session, anna, wanted)
    assert (page.total, page.total_is_capped) == (min(4, cap), cap < 4)
    assert [ticket.id for ticket in page.tickets] == [10, 6, 3, 4]
