"""ticket text search by trigrams on PostgreSQL

Revision ID: 2586ad74c212
Revises: 5e2a9c41b7d3
Create Date: 2026-12-02 07:00:00

The listing's text filter looks in a ticket's title and description and in what was written
about it (replies, notes, the client's messages), each as ``column ILIKE '%…%'``. On PostgreSQL
trigram indexes find those rows without reading every ticket and its whole history; SQLite has
no such index (nothing to do there).
"""

from collections.abc import Sequence

from alembic import op

from db.base import POSTGRES_ONLY_INDEXES

revision: str = "2586ad74c212"
down_revision: str | None = "5e2a9c41b7d3"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEXES = {
    "ix_tickets_title_trgm": ("tickets", "title"),
    "ix_tickets_description_trgm": ("tickets", "description"),
    "ix_ticket_events_text_trgm": ("ticket_events", "text"),
}
assert set(INDEXES) <= POSTGRES_ONLY_INDEXES


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, (table, column) in INDEXES.items():
        op.execute(f"CREATE INDEX {name} ON {table} USING gin ({column} gin_trgm_ops)")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for name in INDEXES:
        op.execute(f"DROP INDEX {name}")
