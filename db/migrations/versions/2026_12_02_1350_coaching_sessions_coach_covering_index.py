"""coaching sessions coach covering index

Revision ID: fd4029e9118d
Revises: a7eefca33a96
Create Date: 2026-12-02 13:50:26

A coach's sessions of one status or format, and their capped count, read from the index alone:
with ``(coach_id, starts_at, id)`` the count read each of the coach's ~20,000 sessions to test
its status or format (bench.listing --area sessions, 1,000,000 sessions: "coach: status
cancelled" p95 62-124 ms on SQLite). The wider index replaces the old one, whose uses (a coach's
sessions by start) it serves as well.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "fd4029e9118d"
down_revision: str | None = "a7eefca33a96"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("coaching_sessions", schema=None) as batch_op:
        batch_op.create_index(
            "ix_coaching_sessions_coach_start_covering",
            ["coach_id", "starts_at", "id", "status", "format"],
            unique=False,
        )
        batch_op.drop_index("ix_coaching_sessions_coach_start")


def downgrade() -> None:
    with op.batch_alter_table("coaching_sessions", schema=None) as batch_op:
        batch_op.create_index(
            "ix_coaching_sessions_coach_start", ["coach_id", "starts_at", "id"], unique=False
        )
        batch_op.drop_index("ix_coaching_sessions_coach_start_covering")
