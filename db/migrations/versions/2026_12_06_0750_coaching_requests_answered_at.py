"""coaching requests answered at

Revision ID: 4beedc95e4c5
Revises: fd4029e9118d
Create Date: 2026-12-06 07:50:00

When the coach accepted or refused a request, for its page. Requests answered before this
revision take the time of their last change, which was the answer (an answered request is
never changed again).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import db.base

revision: str = "4beedc95e4c5"
down_revision: str | None = "fd4029e9118d"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("coaching_requests", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("answered_at", db.base.UTCDateTime(timezone=True), nullable=True)
        )
    op.execute("UPDATE coaching_requests SET answered_at = updated_at WHERE status <> 'pending'")


def downgrade() -> None:
    with op.batch_alter_table("coaching_requests", schema=None) as batch_op:
        batch_op.drop_column("answered_at")
