"""departments take tickets

Revision ID: 7d2c1f0a9b31
Revises: 4beedc95e4c5
Create Date: 2026-12-06 11:30:00

Whether a department is offered to clients opening a request: a repair workshop is, a language
school or a coaching practice is not. Every department so far did take them.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "7d2c1f0a9b31"
down_revision: str | None = "4beedc95e4c5"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("departments", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("takes_tickets", sa.Boolean(), server_default=sa.true(), nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("departments", schema=None) as batch_op:
        batch_op.drop_column("takes_tickets")
