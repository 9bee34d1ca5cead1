"""contracts teacher status index

Revision ID: f41ea8b06a7f
Revises: 4d8a1c7e9b52
Create Date: 2026-12-02 09:45:21

A teacher's contracts filtered by status, and their count, read as one index range: without
it, bench.listing's "teacher: status active" read each of the teacher's contracts to test its
status (p95 over 50 ms at 1,000,000 contracts).
"""

from collections.abc import Sequence

from alembic import op

revision: str = "f41ea8b06a7f"
down_revision: str | None = "4d8a1c7e9b52"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("contracts", schema=None) as batch_op:
        batch_op.create_index(
            "ix_contracts_teacher_status_signed",
            ["teacher_id", "status", "signed_at", "id"],
            unique=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("contracts", schema=None) as batch_op:
        batch_op.drop_index("ix_contracts_teacher_status_signed")
