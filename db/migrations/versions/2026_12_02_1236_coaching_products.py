"""coaching products

Revision ID: a7eefca33a96
Revises: cf88447cb9dd
Create Date: 2026-12-02 12:36:27

What coaching sells (products: programs, courses, packages) and what each client bought; a
session given under a product; the employee a former client became; how often a track's
client is asked for a progress report, and when they last were.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import db.base

revision: str = "a7eefca33a96"
down_revision: str | None = "cf88447cb9dd"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "products",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "program", "course", "package", name="productkind", native_enum=False, length=20
            ),
            nullable=False,
        ),
        sa.Column("price", sa.Numeric(precision=12, scale=2), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("program_id", sa.Integer(), nullable=True),
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
        sa.ForeignKeyConstraint(
            ["program_id"],
            ["programs.id"],
            name=op.f("fk_products_program_id_programs"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_products")),
        sa.UniqueConstraint("name", name=op.f("uq_products_name")),
    )
    op.create_table(
        "client_products",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("price", sa.Numeric(precision=12, scale=2), nullable=False),
        sa.Column("bought_at", db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("finished_at", db.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("sold_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["clients.id"],
            name=op.f("fk_client_products_client_id_clients"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["product_id"],
            ["products.id"],
            name=op.f("fk_client_products_product_id_products"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["sold_by_id"],
            ["employees.id"],
            name=op.f("fk_client_products_sold_by_id_employees"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_client_products")),
    )
    with op.batch_alter_table("client_products", schema=None) as batch_op:
        batch_op.create_index("ix_client_products_client", ["client_id", "bought_at"], unique=False)
        batch_op.create_index(
            "ix_client_products_product", ["product_id", "bought_at"], unique=False
        )

    with op.batch_alter_table("clients", schema=None) as batch_op:
        batch_op.add_column(sa.Column("became_employee_id", sa.Integer(), nullable=True))
        batch_op.create_unique_constraint(
            batch_op.f("uq_clients_became_employee_id"), ["became_employee_id"]
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_clients_became_employee_id_employees"),
            "employees",
            ["became_employee_id"],
            ["id"],
            ondelete="SET NULL",
        )

    with op.batch_alter_table("coaching_sessions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("product_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_coaching_sessions_product_id_products"),
            "products",
            ["product_id"],
            ["id"],
            ondelete="SET NULL",
        )

    with op.batch_alter_table("tracks", schema=None) as batch_op:
        batch_op.add_column(sa.Column("report_every_days", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("report_asked_at", db.base.UTCDateTime(timezone=True), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("tracks", schema=None) as batch_op:
        batch_op.drop_column("report_asked_at")
        batch_op.drop_column("report_every_days")

    with op.batch_alter_table("coaching_sessions", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_coaching_sessions_product_id_products"), type_="foreignkey"
        )
        batch_op.drop_column("product_id")

    with op.batch_alter_table("clients", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_clients_became_employee_id_employees"), type_="foreignkey"
        )
        batch_op.drop_constraint(batch_op.f("uq_clients_became_employee_id"), type_="unique")
        batch_op.drop_column("became_employee_id")

    with op.batch_alter_table("client_products", schema=None) as batch_op:
        batch_op.drop_index("ix_client_products_product")
        batch_op.drop_index("ix_client_products_client")

    op.drop_table("client_products")
    op.drop_table("products")
