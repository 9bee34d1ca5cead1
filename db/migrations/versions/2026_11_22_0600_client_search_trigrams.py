"""client search by trigrams on PostgreSQL

Revision ID: 3b1f0c7d2a15
Revises: fd99b74f9f39
Create Date: 2026-11-22 06:00:00

A client is found by any fragment of their name or phone (ILIKE '%…%'). On PostgreSQL that is a
scan of every client, slow with a case-insensitive UTF-8 comparison; trigram indexes answer it.
SQLite has no such index; its scan of the clients table is fast enough.
"""

from collections.abc import Sequence

from alembic import op

from db.base import POSTGRES_ONLY_INDEXES

revision: str = "3b1f0c7d2a15"
down_revision: str | None = "fd99b74f9f39"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = {"ix_clients_name_trgm": "full_name", "ix_clients_phone_trgm": "phone"}
assert set(COLUMNS) <= POSTGRES_ONLY_INDEXES


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    # pg_trgm ships with PostgreSQL and is a trusted extension: the database owner may add it.
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, column in COLUMNS.items():
        op.execute(f"CREATE INDEX {name} ON clients USING gin ({column} gin_trgm_ops)")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for name in COLUMNS:
        op.execute(f"DROP INDEX {name}")
