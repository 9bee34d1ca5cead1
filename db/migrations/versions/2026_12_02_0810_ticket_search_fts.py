"""ticket text search through an FTS5 trigram index on SQLite

Revision ID: 4d8a1c7e9b52
Revises: 02900effcb73
Create Date: 2026-12-02 08:10:00

On SQLite a substring search cannot use an ordinary index, so the listing's text filter read
every ticket and its whole history (about a second at a million tickets). ``ticket_search``
is an FTS5 table with the trigram tokenizer holding each ticket's title and description and
the texts of its replies, notes and client messages; triggers keep it in step, and a phrase
query on it finds any substring of three characters or more through the index, case folded.
Rows are keyed so that each is found again by its rowid: a ticket's title is ``-2 * id`` and
its description ``-2 * id - 1``; an event's text is the event's id.

PostgreSQL has the trigram indexes of revision 2586ad74c212 instead (nothing to do there).
"""

from collections.abc import Sequence

from alembic import op

from db.base import SQLITE_SEARCH_TABLE

revision: str = "4d8a1c7e9b52"
down_revision: str | None = "02900effcb73"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

assert SQLITE_SEARCH_TABLE == "ticket_search"  # the name the statements below spell out
# The event kinds whose text is searched are those of crm.tickets.listing.SEARCHED_EVENTS.

STATEMENTS = [
    "CREATE VIRTUAL TABLE ticket_search USING fts5(ticket_id UNINDEXED, body, tokenize='trigram')",
    """INSERT INTO ticket_search (rowid, ticket_id, body)
        SELECT -2 * id, id, title FROM tickets
        UNION ALL SELECT -2 * id - 1, id, description FROM tickets
        UNION ALL SELECT id, ticket_id, text FROM ticket_events
            WHERE kind IN ('reply', 'note', 'client_message') AND text IS NOT NULL""",
    """CREATE TRIGGER ticket_search_ticket_added AFTER INSERT ON tickets BEGIN
        INSERT INTO ticket_search (rowid, ticket_id, body) VALUES
            (-2 * new.id, new.id, new.title), (-2 * new.id - 1, new.id, new.description);
    END""",
    """CREATE TRIGGER ticket_search_ticket_changed
        AFTER UPDATE OF title, description ON tickets BEGIN
        DELETE FROM ticket_search WHERE rowid IN (-2 * old.id, -2 * old.id - 1);
        INSERT INTO ticket_search (rowid, ticket_id, body) VALUES
            (-2 * new.id, new.id, new.title), (-2 * new.id - 1, new.id, new.description);
    END""",
    """CREATE TRIGGER ticket_search_ticket_removed AFTER DELETE ON tickets BEGIN
        DELETE FROM ticket_search WHERE rowid IN (-2 * old.id, -2 * old.id - 1);
    END""",
    """CREATE TRIGGER ticket_search_event_added AFTER INSERT ON ticket_events
        WHEN new.kind IN ('reply', 'note', 'client_message') AND new.text IS NOT NULL BEGIN
        INSERT INTO ticket_search (rowid, ticket_id, body) VALUES (new.id, new.ticket_id, new.text);
    END""",
    """CREATE TRIGGER ticket_search_event_changed AFTER UPDATE OF text ON ticket_events BEGIN
        DELETE FROM ticket_search WHERE rowid = old.id;
        INSERT INTO ticket_search (rowid, ticket_id, body)
            SELECT new.id, new.ticket_id, new.text
            WHERE new.kind IN ('reply', 'note', 'client_message') AND new.text IS NOT NULL;
    END""",
    """CREATE TRIGGER ticket_search_event_removed AFTER DELETE ON ticket_events BEGIN
        DELETE FROM ticket_search WHERE rowid = old.id;
    END""",
]
TRIGGERS = [
    "ticket_added",
    "ticket_changed",
    "ticket_removed",
    "event_added",
    "event_changed",
    "event_removed",
]


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for statement in STATEMENTS:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for trigger in TRIGGERS:
        op.execute(f"DROP TRIGGER {SQLITE_SEARCH_TABLE}_{trigger}")
    op.execute(f"DROP TABLE {SQLITE_SEARCH_TABLE}")
