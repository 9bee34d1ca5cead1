"""deals owner close index

Revision ID: 5b1e7d93c2a4
Revises: f30eeab7fb44
Create Date: 2026-12-06 14:20:00

A salesperson's deals closing in a range (the deal list's expected-close filter, which a
salesperson's list always narrows to their own) were counted by looking each deal of the range
up in the table: 360 ms on SQLite at a million deals. With the owner and the close date in one
index, the count is one index range.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "5b1e7d93c2a4"
down_revision: str | None = "f30eeab7fb44"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("deals", schema=None) as batch_op:
        batch_op.create_index(
            "ix_deals_owner_close", ["owner_id", "expected_close", "id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("deals", schema=None) as batch_op:
        batch_op.drop_index("ix_deals_owner_close")
