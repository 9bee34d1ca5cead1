"""employee telegram language

Revision ID: 9b3e5f1a7c20
Revises: 7c4d2e9a1f60
Create Date: 2026-12-02 07:20:00

The language an employee's Telegram app was last seen in, so that the admin site speaks it to
them until they choose one.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "9b3e5f1a7c20"
down_revision: str | None = "7c4d2e9a1f60"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("employees", schema=None) as batch_op:
        batch_op.add_column(sa.Column("telegram_language", sa.String(length=8), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("employees", schema=None) as batch_op:
        batch_op.drop_column("telegram_language")
