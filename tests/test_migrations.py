"""The migration history matches the models: autogenerate finds nothing to add; and the
migrations that move data, up and down."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from typing import Any

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import (
    JSON,
    BigInteger,
    Integer,
    String,
    column,
    insert,
    inspect,
    select,
    table,
    text,
)
from sqlalchemy.engine import Connection

from crm.subjects import Subject, subject_of_message
from crm.tickets.listing import TicketFilter, list_tickets
from db.base import UTCDateTime, include_name, utcnow
from db.engine import Database
from db.enums import Role, SubjectKind, TicketEventKind
from db.migrate import alembic_config, upgrade
from db.models import Base, Client, Employee, OutboxMessage, Ticket, TicketEvent


def _differences(connection: Connection) -> list[Any]:
    context = MigrationContext.configure(
        connection, opts={"compare_type": True, "include_name": include_name}
    )
    return list(compare_metadata(context, Base.metadata))


async def test_migrations_match_the_models(database: Database) -> None:
    async with database.engine.connect() as connection:
        differences = await connection.run_sync(_differences)
        tables = await connection.run_sync(lambda sync: set(inspect(sync).get_table_names()))
    assert differences == []
    assert {"clients", "employees", "departments", "processed_updates", "outbox"} <= tables


BEFORE_SUBJECTS = "2586ad74c212"  # the revision before messages named their subject


async def test_queued_messages_and_reply_links_keep_their_ticket_through_the_subjects_upgrade(
    unmigrated_database_url: str,
) -> None:
    await asyncio.to_thread(upgrade, unmigrated_database_url, BEFORE_SUBJECTS)
    now = utcnow()
    database = Database(unmigrated_database_url)
    try:
        async with database.writer() as session, session.begin():
            # Rows written with only the columns that revision had (the models have grown since).
            client_id = await session.scalar(
                insert(Client)
                .values(full_name="Maria Lopez", telegram_id=7001)
                .returning(Client.id)
            )
            ticket = Ticket(client_id=client_id, title="Printer", description="Printer")
            session.add(ticket)
            await session.flush()
            await session.execute(
                insert(OLD_OUTBOX),
                [
                    _old_outbox_row(now, ticket_id=ticket.id, text="about the ticket"),
                    _old_outbox_row(now, ticket_id=None, text="a digest"),
                ],
            )
            await session.execute(
                insert(OLD_LINKS).values(
                    chat_id=7001, message_id=55, ticket_id=ticket.id, created_at=now
                )
            )
        await database.dispose()
        await asyncio.to_thread(upgrade, unmigrated_database_url)
        async with database.reader() as session:
            queued = {
                row.payload["text"]: (row.subject_kind, row.subject_id)
                for row in await session.scalars(select(OutboxMessage))
            }
            linked = await subject_of_message(session, chat_id=7001, message_id=55)
    finally:
        await database.dispose()
    assert queued == {
        "about the ticket": (SubjectKind.TICKET, ticket.id),
        "a digest": (None, None),
    }
    assert linked == Subject(SubjectKind.TICKET, ticket.id)


OLD_OUTBOX = table(
    "outbox",
    column("chat_id", BigInteger),
    column("method", String),
    column("payload", JSON),
    column("status", String),
    column("ticket_id", Integer),
    column("attempts", Integer),
    column("next_attempt_at", UTCDateTime),
    column("created_at", UTCDateTime),
)
OLD_LINKS = table(
    "ticket_messages",
    column("chat_id", BigInteger),
    column("message_id", BigInteger),
    column("ticket_id", Integer),
    column("created_at", UTCDateTime),
)


def _old_outbox_row(now: datetime, *, ticket_id: int | None, text: str) -> dict[str, Any]:
    return {
        "chat_id": 7001,
        "method": "sendMessage",
        "payload": {"text": text},
        "status": "pending",
        "ticket_id": ticket_id,
        "attempts": 0,
        "next_attempt_at": now,
        "created_at": now,
    }


BEFORE_NEWEST_FIRST_SEARCH = "7d2c1f0a9b31"  # the revision before the search read in order


async def _found(database: Database, viewer_id: int, said: str) -> list[int]:
    """The tickets the listing shows for ``said``, a ticket a page."""
    shown: list[int] = []
    cursor = None
    async with database.reader() as session:
        viewer = await session.get(Employee, viewer_id)
        assert viewer is not None
        while True:
            page = await list_tickets(
                session, viewer, TicketFilter(text=said), cursor=cursor, page_size=1
            )
            shown += [ticket.id for ticket in page.tickets]
            if (cursor := page.next_cursor) is None:
                return shown


async def test_the_ticket_search_is_filled_on_the_way_up_and_put_back_on_the_way_down(
    unmigrated_database_url: str,
) -> None:
    url = unmigrated_database_url
    await asyncio.to_thread(upgrade, url, BEFORE_NEWEST_FIRST_SEARCH)
    now = utcnow()
    database = Database(url)
    try:
        async with database.writer() as session, session.begin():
            anna = Employee(full_name="Anna Petrova", role=Role.ADMIN)
            session.add(anna)
            # The clients table as it was then (later revisions add columns the model has).
            maria_id = await session.scalar(
                insert(Client).values(full_name="Maria Lopez").returning(Client.id)
            )
            # #1 is written first but is the newest: #2 and #3 come out of turn.
            for days, title in [(1, "Printer"), (9, "Boiler"), (3, "Kettle")]:
                moment = now - timedelta(days=days)
                ticket = Ticket(
                    client_id=maria_id,
                    title=title,
                    description="x",
                    created_at=moment,
                    updated_at=moment,
                )
                ticket.events.append(
                    TicketEvent(kind=TicketEventKind.NOTE, text=f"{title}: capacitor ordered")
                )
                session.add(ticket)
        await database.dispose()
        await asyncio.to_thread(upgrade, url)
        # Filled from the rows already there, the out-of-turn tickets in their places.
        assert await _found(database, anna.id, "capacitor") == [1, 3, 2]
        assert await _found(database, anna.id, "kettle: cap") == [3]
        await database.dispose()
        await asyncio.to_thread(command.downgrade, alembic_config(url), BEFORE_NEWEST_FIRST_SEARCH)
        async with database.reader() as session:
            if database.is_sqlite:
                # Revision 4d8a1c7e9b52's table again: a row per title, description and note.
                rows = await session.scalar(text("SELECT count(*) FROM ticket_search"))
                assert rows == 9
            else:
                columns = await session.scalars(
                    text(
                        "SELECT column_name FROM information_schema.columns"
                        " WHERE table_name = 'tickets'"
                    )
                )
                assert "search_text" not in set(columns)
        await database.dispose()
        await asyncio.to_thread(upgrade, url)
        assert await _found(database, anna.id, "capacitor") == [1, 3, 2]
    finally:
        await database.dispose()
