"""school

Revision ID: 02900effcb73
Revises: 9b3e5f1a7c20
Create Date: 2026-12-02 08:00:00

The language school (seed 002): languages with their price per lesson, discount tiers, the
languages each teacher teaches, contracts with the price fixed at signing, their payments and
the lessons given under them.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import db.base

revision: str = "02900effcb73"
down_revision: str | None = "9b3e5f1a7c20"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "discount_tiers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("min_lessons", sa.Integer(), nullable=False),
        sa.Column("percent", sa.Numeric(precision=5, scale=2), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_discount_tiers")),
        sa.UniqueConstraint("min_lessons", name=op.f("uq_discount_tiers_min_lessons")),
    )
    op.create_table(
        "languages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("price_per_lesson", sa.Numeric(precision=12, scale=2), nullable=False),
        sa.Column("active", sa.Boolean(), server_default=sa.true(), nullable=False),
        sa.Column(
            "created_at",
            db.base.UTCDateTime(timezone=True),
            server_default=sa.func.now(),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            db.base.UTCDateTime(timezone=True),
            server_default=sa.func.now(),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_languages")),
        sa.UniqueConstraint("name", name=op.f("uq_languages_name")),
    )
    op.create_table(
        "teacher_languages",
        sa.Column("employee_id", sa.Integer(), nullable=False),
        sa.Column("language_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["employee_id"],
            ["employees.id"],
            name=op.f("fk_teacher_languages_employee_id_employees"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["language_id"],
            ["languages.id"],
            name=op.f("fk_teacher_languages_language_id_languages"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("employee_id", "language_id", name=op.f("pk_teacher_languages")),
    )
    with op.batch_alter_table("teacher_languages", schema=None) as batch_op:
        batch_op.create_index("ix_teacher_languages_language", ["language_id"], unique=False)

    op.create_table(
        "contracts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("language_id", sa.Integer(), nullable=False),
        sa.Column("lessons", sa.Integer(), nullable=False),
        sa.Column("price_per_lesson", sa.Numeric(precision=12, scale=2), nullable=False),
        sa.Column("discount_percent", sa.Numeric(precision=5, scale=2), nullable=False),
        sa.Column("total", sa.Numeric(precision=12, scale=2), nullable=False),
        sa.Column("paid", sa.Numeric(precision=12, scale=2), server_default="0", nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "unpaid",
                "active",
                "completed",
                "terminated",
                name="contractstatus",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("signed_at", db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("teacher_id", sa.Integer(), nullable=True),
        sa.Column("branch_id", sa.Integer(), nullable=True),
        sa.Column("lessons_given", sa.Integer(), server_default="0", nullable=False),
        sa.Column("termination_reason", sa.Text(), nullable=True),
        sa.Column("ended_at", db.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column(
            "created_at",
            db.base.UTCDateTime(timezone=True),
            server_default=sa.func.now(),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            db.base.UTCDateTime(timezone=True),
            server_default=sa.func.now(),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["branch_id"],
            ["departments.id"],
            name=op.f("fk_contracts_branch_id_departments"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["clients.id"],
            name=op.f("fk_contracts_client_id_clients"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["language_id"],
            ["languages.id"],
            name=op.f("fk_contracts_language_id_languages"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["teacher_id"],
            ["employees.id"],
            name=op.f("fk_contracts_teacher_id_employees"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contracts")),
    )
    with op.batch_alter_table("contracts", schema=None) as batch_op:
        batch_op.create_index(
            "ix_contracts_branch_signed", ["branch_id", "signed_at", "id"], unique=False
        )
        batch_op.create_index(
            "ix_contracts_client_signed", ["client_id", "signed_at", "id"], unique=False
        )
        batch_op.create_index(
            "ix_contracts_language_signed", ["language_id", "signed_at", "id"], unique=False
        )
        batch_op.create_index("ix_contracts_signed", ["signed_at", "id"], unique=False)
        batch_op.create_index(
            "ix_contracts_status_signed", ["status", "signed_at", "id"], unique=False
        )
        batch_op.create_index(
            "ix_contracts_teacher_signed", ["teacher_id", "signed_at", "id"], unique=False
        )

    op.create_table(
        "contract_lessons",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("contract_id", sa.Integer(), nullable=False),
        sa.Column("given_at", db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["contract_id"],
            ["contracts.id"],
            name=op.f("fk_contract_lessons_contract_id_contracts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"],
            ["employees.id"],
            name=op.f("fk_contract_lessons_recorded_by_id_employees"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contract_lessons")),
    )
    with op.batch_alter_table("contract_lessons", schema=None) as batch_op:
        batch_op.create_index("ix_contract_lessons_contract", ["contract_id", "id"], unique=False)

    op.create_table(
        "payments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("contract_id", sa.Integer(), nullable=False),
        sa.Column("amount", sa.Numeric(precision=12, scale=2), nullable=False),
        sa.Column("paid_at", db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column(
            "method",
            sa.Enum("cash", "card", "transfer", name="paymentmethod", native_enum=False, length=20),
            nullable=False,
        ),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["contract_id"],
            ["contracts.id"],
            name=op.f("fk_payments_contract_id_contracts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"],
            ["employees.id"],
            name=op.f("fk_payments_recorded_by_id_employees"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payments")),
    )
    with op.batch_alter_table("payments", schema=None) as batch_op:
        batch_op.create_index("ix_payments_contract", ["contract_id", "id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("payments", schema=None) as batch_op:
        batch_op.drop_index("ix_payments_contract")

    op.drop_table("payments")
    with op.batch_alter_table("contract_lessons", schema=None) as batch_op:
        batch_op.drop_index("ix_contract_lessons_contract")

    op.drop_table("contract_lessons")
    with op.batch_alter_table("contracts", schema=None) as batch_op:
        batch_op.drop_index("ix_contracts_teacher_signed")
        batch_op.drop_index("ix_contracts_status_signed")
        batch_op.drop_index("ix_contracts_signed")
        batch_op.drop_index("ix_contracts_language_signed")
        batch_op.drop_index("ix_contracts_client_signed")
        batch_op.drop_index("ix_contracts_branch_signed")

    op.drop_table("contracts")
    with op.batch_alter_table("teacher_languages", schema=None) as batch_op:
        batch_op.drop_index("ix_teacher_languages_language")

    op.drop_table("teacher_languages")
    op.drop_table("languages")
    op.drop_table("discount_tiers")
