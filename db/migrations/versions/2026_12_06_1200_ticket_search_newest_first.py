"""ticket text search served newest first from its index

Revision ID: 167aa4ca31a4
Revises: 7d2c1f0a9b31
Create Date: 2026-12-06 12:00:00

The listing's text filter looks for a substring of a ticket's title, description, replies,
notes and client messages. Both databases found every matching ticket before the first page
(about 0.2 s for a word in 5% of a million tickets). Now each ticket's searched texts are one
row of the index, joined by a separator no one types (U+001F), so a page can be read from the
index in order and stop:

- **SQLite**: ``ticket_search`` becomes an FTS5 trigram table with one row per ticket whose
  rowid *is* the ticket id, read ``ORDER BY rowid DESC LIMIT``. Ids follow the listing's order
  (``created_at, id``) for every ticket that was not written out of turn; those that were (an
  older ``created_at`` than a ticket with a smaller id, or a newer one than a ticket with a
  larger id: the demo's backdated tickets, an import) are listed in ``ticket_search_late``,
  which the listing reads in the listing's order beside the index.
- **PostgreSQL**: ``tickets.search_text`` holds the same texts lowercased, with a trigram index,
  so the planner can read ``ix_tickets_created`` (or a filter's index) newest first and test
  each row, or the trigram index for a rare text (it tells which from a larger sample of the
  column than by default); counts combine it with the other indexes.
  The three trigram indexes of revision 2586ad74c212 are no longer read, and go.

Triggers keep both in step with every write to ``tickets`` and ``ticket_events``, so nothing
that writes tickets can forget them; existing rows are filled here.
"""

from collections.abc import Sequence

from alembic import op

from db.base import SQLITE_SEARCH_TABLE, TICKET_SEARCH_COLUMN

revision: str = "167aa4ca31a4"
down_revision: str | None = "7d2c1f0a9b31"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

assert SQLITE_SEARCH_TABLE == "ticket_search"  # the names the statements below spell out
assert TICKET_SEARCH_COLUMN == "search_text"
# The event kinds whose text is searched are those of crm.tickets.search.SEARCHED_EVENTS.
SEARCHED = "('reply', 'note', 'client_message')"


def _sqlite_body(ticket: str) -> str:
    """The searched texts of ``ticket`` (a row alias with id, title, description), joined."""
    return f"""{ticket}.title || char(31) || {ticket}.description || coalesce((
        SELECT char(31) || group_concat(e.text, char(31)) FROM ticket_events e
        WHERE e.ticket_id = {ticket}.id AND e.kind IN {SEARCHED} AND e.text IS NOT NULL), '')"""


def _sqlite_rebuild(ticket_id: str) -> str:
    return f"""DELETE FROM ticket_search WHERE rowid = {ticket_id};
        INSERT INTO ticket_search (rowid, body)
            SELECT t.id, {_sqlite_body("t")} FROM tickets t WHERE t.id = {ticket_id};"""


# A ticket is late when a ticket with a smaller id is newer, or one with a larger id older. The
# unary plus keeps SQLite on the index that makes each test one short range: created_at for
# the first (empty when tickets come in order), the primary key for the second.
_IS_LATE = """
    EXISTS (SELECT 1 FROM tickets u WHERE u.created_at > new.created_at AND +u.id < new.id)
    OR EXISTS (SELECT 1 FROM tickets u WHERE u.id > new.id AND +u.created_at < new.created_at)"""

SQLITE_UP = [
    "CREATE VIRTUAL TABLE ticket_search USING fts5(body, tokenize='trigram')",
    f"INSERT INTO ticket_search (rowid, body) SELECT t.id, {_sqlite_body('t')} FROM tickets t",
    "CREATE TABLE ticket_search_late (ticket_id INTEGER PRIMARY KEY)",
    """INSERT INTO ticket_search_late (ticket_id) SELECT id FROM (
        SELECT id, created_at, max(created_at) OVER (ORDER BY id) AS newest_so_far FROM tickets
    ) WHERE created_at < newest_so_far""",
    f"""CREATE TRIGGER ticket_search_ticket_added AFTER INSERT ON tickets BEGIN
        INSERT INTO ticket_search (rowid, body) SELECT new.id, {_sqlite_body("new")};
        INSERT INTO ticket_search_late (ticket_id) SELECT new.id WHERE {_IS_LATE};
    END""",
    f"""CREATE TRIGGER ticket_search_ticket_changed
        AFTER UPDATE OF title, description ON tickets BEGIN {_sqlite_rebuild("new.id")}
    END""",
    f"""CREATE TRIGGER ticket_search_ticket_moved AFTER UPDATE OF created_at ON tickets BEGIN
        INSERT OR IGNORE INTO ticket_search_late (ticket_id) SELECT new.id WHERE {_IS_LATE};
    END""",
    """CREATE TRIGGER ticket_search_ticket_removed AFTER DELETE ON tickets BEGIN
        DELETE FROM ticket_search WHERE rowid = old.id;
        DELETE FROM ticket_search_late WHERE ticket_id = old.id;
    END""",
    f"""CREATE TRIGGER ticket_search_event_added AFTER INSERT ON ticket_events
        WHEN new.kind IN {SEARCHED} AND new.text IS NOT NULL BEGIN
        {_sqlite_rebuild("new.ticket_id")}
    END""",
    f"""CREATE TRIGGER ticket_search_event_changed
        AFTER UPDATE OF text, kind, ticket_id ON ticket_events BEGIN
        {_sqlite_rebuild("old.ticket_id")} {_sqlite_rebuild("new.ticket_id")}
    END""",
    f"""CREATE TRIGGER ticket_search_event_removed AFTER DELETE ON ticket_events
        WHEN old.kind IN {SEARCHED} AND old.text IS NOT NULL BEGIN
        {_sqlite_rebuild("old.ticket_id")}
    END""",
]
SQLITE_TRIGGERS = [
    "ticket_added",
    "ticket_changed",
    "ticket_moved",
    "ticket_removed",
    "event_added",
    "event_changed",
    "event_removed",
]

POSTGRES_UP = [
    "DROP INDEX ix_tickets_title_trgm",
    "DROP INDEX ix_tickets_description_trgm",
    "DROP INDEX ix_ticket_events_text_trgm",
    "ALTER TABLE tickets ADD COLUMN search_text text",
    # The planner tells a common text from a rare one by testing it on a sample of the column:
    # a thousand rows instead of a hundred, so a word in 5% of the tickets is not taken for rare.
    "ALTER TABLE tickets ALTER COLUMN search_text SET STATISTICS 1000",
    f"""CREATE FUNCTION ticket_search_text(ticket integer, title text, description text)
        RETURNS text LANGUAGE sql STABLE AS $$
        SELECT lower(concat_ws(E'\\x1f', title, description, (
            SELECT string_agg(e.text, E'\\x1f' ORDER BY e.id) FROM ticket_events e
            WHERE e.ticket_id = ticket AND e.kind IN {SEARCHED} AND e.text IS NOT NULL)))
    $$""",
    """CREATE FUNCTION ticket_search_of_ticket() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        NEW.search_text := ticket_search_text(NEW.id, NEW.title, NEW.description);
        RETURN NEW;
    END $$""",
    """CREATE TRIGGER ticket_search_ticket BEFORE INSERT OR UPDATE OF title, description
        ON tickets FOR EACH ROW EXECUTE FUNCTION ticket_search_of_ticket()""",
    # Once per statement, with the rows it wrote: a bulk insert of events is one UPDATE.
    """CREATE FUNCTION ticket_search_of_events() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'INSERT' THEN
            UPDATE tickets t SET search_text = ticket_search_text(t.id, t.title, t.description)
            WHERE t.id IN (SELECT ticket_id FROM new_events);
        ELSIF TG_OP = 'DELETE' THEN
            UPDATE tickets t SET search_text = ticket_search_text(t.id, t.title, t.description)
            WHERE t.id IN (SELECT ticket_id FROM old_events);
        ELSE
            UPDATE tickets t SET search_text = ticket_search_text(t.id, t.title, t.description)
            WHERE t.id IN (SELECT ticket_id FROM new_events UNION SELECT ticket_id FROM old_events);
        END IF;
        RETURN NULL;
    END $$""",
    """CREATE TRIGGER ticket_search_events_added AFTER INSERT ON ticket_events
        REFERENCING NEW TABLE AS new_events
        FOR EACH STATEMENT EXECUTE FUNCTION ticket_search_of_events()""",
    """CREATE TRIGGER ticket_search_events_changed AFTER UPDATE ON ticket_events
        REFERENCING NEW TABLE AS new_events OLD TABLE AS old_events
        FOR EACH STATEMENT EXECUTE FUNCTION ticket_search_of_events()""",
    """CREATE TRIGGER ticket_search_events_removed AFTER DELETE ON ticket_events
        REFERENCING OLD TABLE AS old_events
        FOR EACH STATEMENT EXECUTE FUNCTION ticket_search_of_events()""",
    "UPDATE tickets SET search_text = ticket_search_text(id, title, description)",
    "CREATE INDEX ix_tickets_search_trgm ON tickets USING gin (search_text gin_trgm_ops)",
]
POSTGRES_DOWN = [
    "DROP TRIGGER ticket_search_events_removed ON ticket_events",
    "DROP TRIGGER ticket_search_events_changed ON ticket_events",
    "DROP TRIGGER ticket_search_events_added ON ticket_events",
    "DROP TRIGGER ticket_search_ticket ON tickets",
    "DROP FUNCTION ticket_search_of_events()",
    "DROP FUNCTION ticket_search_of_ticket()",
    "DROP FUNCTION ticket_search_text(integer, text, text)",
    "DROP INDEX ix_tickets_search_trgm",
    "ALTER TABLE tickets DROP COLUMN search_text",
    "CREATE INDEX ix_tickets_title_trgm ON tickets USING gin (title gin_trgm_ops)",
    "CREATE INDEX ix_tickets_description_trgm ON tickets USING gin (description gin_trgm_ops)",
    "CREATE INDEX ix_ticket_events_text_trgm ON ticket_events USING gin (text gin_trgm_ops)",
]

# Revision 4d8a1c7e9b52's table: a row per title, description and searched event text.
SQLITE_DOWN = [
    "CREATE VIRTUAL TABLE ticket_search USING fts5(ticket_id UNINDEXED, body, tokenize='trigram')",
    f"""INSERT INTO ticket_search (rowid, ticket_id, body)
        SELECT -2 * id, id, title FROM tickets
        UNION ALL SELECT -2 * id - 1, id, description FROM tickets
        UNION ALL SELECT id, ticket_id, text FROM ticket_events
            WHERE kind IN {SEARCHED} AND text IS NOT NULL""",
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
    f"""CREATE TRIGGER ticket_search_event_added AFTER INSERT ON ticket_events
        WHEN new.kind IN {SEARCHED} AND new.text IS NOT NULL BEGIN
        INSERT INTO ticket_search (rowid, ticket_id, body) VALUES (new.id, new.ticket_id, new.text);
    END""",
    f"""CREATE TRIGGER ticket_search_event_changed AFTER UPDATE OF text ON ticket_events BEGIN
        DELETE FROM ticket_search WHERE rowid = old.id;
        INSERT INTO ticket_search (rowid, ticket_id, body)
            SELECT new.id, new.ticket_id, new.text
            WHERE new.kind IN {SEARCHED} AND new.text IS NOT NULL;
    END""",
    """CREATE TRIGGER ticket_search_event_removed AFTER DELETE ON ticket_events BEGIN
        DELETE FROM ticket_search WHERE rowid = old.id;
    END""",
]
OLD_SQLITE_TRIGGERS = [
    "ticket_added",
    "ticket_changed",
    "ticket_removed",
    "event_added",
    "event_changed",
    "event_removed",
]


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for trigger in OLD_SQLITE_TRIGGERS:
            op.execute(f"DROP TRIGGER ticket_search_{trigger}")
        op.execute("DROP TABLE ticket_search")
        statements = SQLITE_UP
    else:
        statements = POSTGRES_UP
    for statement in statements:
        op.execute(statement)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for trigger in SQLITE_TRIGGERS:
            op.execute(f"DROP TRIGGER ticket_search_{trigger}")
        op.execute("DROP TABLE ticket_search_late")
        op.execute("DROP TABLE ticket_search")
        statements = SQLITE_DOWN
    else:
        statements = POSTGRES_DOWN
    for statement in statements:
        op.execute(statement)
