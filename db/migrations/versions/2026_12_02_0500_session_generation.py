"""employee session generation

Revision ID: 5e2a9c41b7d3
Revises: 3b1f0c7d2a15
Create Date: 2026-12-02 05:00:00

Each admin-site session records the employee's generation when it began; signing out, a new
password or a switch-off moves the generation on, which ends every older session on the server.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "5e2a9c41b7d3"
down_revision: str | None = "3b1f0c7d2a15"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("employees", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("session_generation", sa.Integer(), server_default="0", nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("employees", schema=None) as batch_op:
        batch_op.drop_column("session_generation")
