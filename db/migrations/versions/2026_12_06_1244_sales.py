"""sales

Revision ID: f30eeab7fb44
Revises: 167aa4ca31a4
Create Date: 2026-12-06 12:44:53

The sales area (seeds 003 and 004): companies with founders, innovations and events (and their
participants), deals with their stage moves and the board's kept totals, interactions and tasks;
a client gains a first and last name and a company. Emails are kept in lower case, as the client
form has written them since it existed, so that the unique constraint holds whatever the case;
two clients whose emails differ only in case stop this migration (join or correct them first).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import db.base

revision: str = "f30eeab7fb44"
down_revision: str | None = "167aa4ca31a4"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "companies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("industry", sa.String(length=200), nullable=True),
        sa.Column("website", sa.String(length=500), nullable=True),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column(
            "created_at",
            db.base.UTCDateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            db.base.UTCDateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_companies")),
    )
    with op.batch_alter_table("companies", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_companies_industry"), ["industry"], unique=False)
        batch_op.create_index("ix_companies_name", ["name", "id"], unique=False)

    op.create_table(
        "deal_totals",
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column(
            "stage",
            sa.Enum(
                "new",
                "qualified",
                "proposal",
                "negotiation",
                "won",
                "lost",
                name="dealstage",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("value", sa.Numeric(precision=12, scale=2), nullable=False),
        sa.PrimaryKeyConstraint("owner_id", "stage", "currency", name=op.f("pk_deal_totals")),
    )
    op.create_table(
        "founders",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("company_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=True),
        sa.Column("linkedin", sa.String(length=500), nullable=True),
        sa.ForeignKeyConstraint(
            ["company_id"],
            ["companies.id"],
            name=op.f("fk_founders_company_id_companies"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_founders")),
    )
    with op.batch_alter_table("founders", schema=None) as batch_op:
        batch_op.create_index("ix_founders_company", ["company_id", "id"], unique=False)

    op.create_table(
        "innovations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("company_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("published_on", sa.Date(), nullable=True),
        sa.Column(
            "kind",
            sa.Enum(
                "product", "service", "process", name="innovationkind", native_enum=False, length=20
            ),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["company_id"],
            ["companies.id"],
            name=op.f("fk_innovations_company_id_companies"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_innovations")),
    )
    with op.batch_alter_table("innovations", schema=None) as batch_op:
        batch_op.create_index("ix_innovations_company", ["company_id", "id"], unique=False)

    op.create_table(
        "events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("company_id", sa.Integer(), nullable=True),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("starts_at", db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("place", sa.String(length=500), nullable=True),
        sa.Column("image", sa.String(length=500), nullable=True),
        sa.Column("organiser_id", sa.Integer(), nullable=True),
        sa.Column(
            "created_at",
            db.base.UTCDateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["company_id"],
            ["companies.id"],
            name=op.f("fk_events_company_id_companies"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["organiser_id"],
            ["employees.id"],
            name=op.f("fk_events_organiser_id_employees"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_events")),
    )
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_events_company_id"), ["company_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_events_organiser_id"), ["organiser_id"], unique=False)
        batch_op.create_index("ix_events_starts", ["starts_at", "id"], unique=False)

    op.create_table(
        "deals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=True),
        sa.Column("company_id", sa.Integer(), nullable=True),
        sa.Column("value", sa.Numeric(precision=12, scale=2), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column(
            "stage",
            sa.Enum(
                "new",
                "qualified",
                "proposal",
                "negotiation",
                "won",
                "lost",
                name="dealstage",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("owner_id", sa.Integer(), nullable=True),
        sa.Column("expected_close", sa.Date(), nullable=True),
        sa.Column("lost_reason", sa.Text(), nullable=True),
        sa.Column("closed_at", db.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column(
            "created_at",
            db.base.UTCDateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            db.base.UTCDateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["clients.id"],
            name=op.f("fk_deals_client_id_clients"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["company_id"],
            ["companies.id"],
            name=op.f("fk_deals_company_id_companies"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["owner_id"],
            ["employees.id"],
            name=op.f("fk_deals_owner_id_employees"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deals")),
    )
    with op.batch_alter_table("deals", schema=None) as batch_op:
        batch_op.create_index(
            "ix_deals_client_created", ["client_id", "created_at", "id"], unique=False
        )
        batch_op.create_index("ix_deals_close", ["expected_close", "id"], unique=False)
        batch_op.create_index(
            "ix_deals_company_created", ["company_id", "created_at", "id"], unique=False
        )
        batch_op.create_index("ix_deals_created", ["created_at", "id"], unique=False)
        batch_op.create_index(
            "ix_deals_owner_created", ["owner_id", "created_at", "id"], unique=False
        )
        batch_op.create_index(
            "ix_deals_owner_stage_created", ["owner_id", "stage", "created_at", "id"], unique=False
        )
        batch_op.create_index("ix_deals_stage_created", ["stage", "created_at", "id"], unique=False)

    op.create_table(
        "event_participants",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column(
            "status",
            sa.Enum("going", "left", name="participantstatus", native_enum=False, length=20),
            nullable=False,
        ),
        sa.Column(
            "joined_at",
            db.base.UTCDateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["clients.id"],
            name=op.f("fk_event_participants_client_id_clients"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["events.id"],
            name=op.f("fk_event_participants_event_id_events"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_event_participants")),
        sa.UniqueConstraint("event_id", "client_id", name="uq_event_participants_event_client"),
    )
    with op.batch_alter_table("event_participants", schema=None) as batch_op:
        batch_op.create_index(
            "ix_event_participants_client", ["client_id", "event_id"], unique=False
        )

    op.create_table(
        "deal_moves",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("deal_id", sa.Integer(), nullable=False),
        sa.Column(
            "from_stage",
            sa.Enum(
                "new",
                "qualified",
                "proposal",
                "negotiation",
                "won",
                "lost",
                name="dealstage",
                native_enum=False,
                length=20,
            ),
            nullable=True,
        ),
        sa.Column(
            "to_stage",
            sa.Enum(
                "new",
                "qualified",
                "proposal",
                "negotiation",
                "won",
                "lost",
                name="dealstage",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("moved_at", db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("by_id", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["by_id"],
            ["employees.id"],
            name=op.f("fk_deal_moves_by_id_employees"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["deal_id"], ["deals.id"], name=op.f("fk_deal_moves_deal_id_deals"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deal_moves")),
    )
    with op.batch_alter_table("deal_moves", schema=None) as batch_op:
        batch_op.create_index("ix_deal_moves_at", ["moved_at", "id"], unique=False)
        batch_op.create_index("ix_deal_moves_deal", ["deal_id", "id"], unique=False)

    op.create_table(
        "interactions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("deal_id", sa.Integer(), nullable=True),
        sa.Column(
            "kind",
            sa.Enum(
                "email",
                "call",
                "meeting",
                "chat",
                "note",
                name="interactionkind",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("happened_at", db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["by_id"],
            ["employees.id"],
            name=op.f("fk_interactions_by_id_employees"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["clients.id"],
            name=op.f("fk_interactions_client_id_clients"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["deal_id"],
            ["deals.id"],
            name=op.f("fk_interactions_deal_id_deals"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_interactions")),
    )
    with op.batch_alter_table("interactions", schema=None) as batch_op:
        batch_op.create_index(
            "ix_interactions_client_at", ["client_id", "happened_at", "id"], unique=False
        )
        batch_op.create_index(
            "ix_interactions_deal_at", ["deal_id", "happened_at", "id"], unique=False
        )

    op.create_table(
        "tasks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("deal_id", sa.Integer(), nullable=True),
        sa.Column("client_id", sa.Integer(), nullable=True),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("due_at", db.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("assignee_id", sa.Integer(), nullable=True),
        sa.Column("done_at", db.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column(
            "created_at",
            db.base.UTCDateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            db.base.UTCDateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["assignee_id"],
            ["employees.id"],
            name=op.f("fk_tasks_assignee_id_employees"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["clients.id"],
            name=op.f("fk_tasks_client_id_clients"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["employees.id"],
            name=op.f("fk_tasks_created_by_id_employees"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["deal_id"], ["deals.id"], name=op.f("fk_tasks_deal_id_deals"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tasks")),
    )
    with op.batch_alter_table("tasks", schema=None) as batch_op:
        batch_op.create_index(
            "ix_tasks_assignee_done_due", ["assignee_id", "done_at", "due_at", "id"], unique=False
        )
        batch_op.create_index("ix_tasks_client", ["client_id", "id"], unique=False)
        batch_op.create_index("ix_tasks_deal", ["deal_id", "id"], unique=False)
        batch_op.create_index("ix_tasks_done_due", ["done_at", "due_at", "id"], unique=False)

    with op.batch_alter_table("clients", schema=None) as batch_op:
        batch_op.add_column(sa.Column("first_name", sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column("last_name", sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column("company_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_clients_company_id"), ["company_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_clients_company_id_companies"),
            "companies",
            ["company_id"],
            ["id"],
            ondelete="RESTRICT",
        )
    op.execute("UPDATE clients SET email = lower(email) WHERE email <> lower(email)")


def downgrade() -> None:
    with op.batch_alter_table("clients", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_clients_company_id_companies"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_clients_company_id"))
        batch_op.drop_column("company_id")
        batch_op.drop_column("last_name")
        batch_op.drop_column("first_name")

    with op.batch_alter_table("tasks", schema=None) as batch_op:
        batch_op.drop_index("ix_tasks_done_due")
        batch_op.drop_index("ix_tasks_deal")
        batch_op.drop_index("ix_tasks_client")
        batch_op.drop_index("ix_tasks_assignee_done_due")

    op.drop_table("tasks")
    with op.batch_alter_table("interactions", schema=None) as batch_op:
        batch_op.drop_index("ix_interactions_deal_at")
        batch_op.drop_index("ix_interactions_client_at")

    op.drop_table("interactions")
    with op.batch_alter_table("deal_moves", schema=None) as batch_op:
        batch_op.drop_index("ix_deal_moves_deal")
        batch_op.drop_index("ix_deal_moves_at")

    op.drop_table("deal_moves")
    with op.batch_alter_table("event_participants", schema=None) as batch_op:
        batch_op.drop_index("ix_event_participants_client")

    op.drop_table("event_participants")
    with op.batch_alter_table("deals", schema=None) as batch_op:
        batch_op.drop_index("ix_deals_stage_created")
        batch_op.drop_index("ix_deals_owner_stage_created")
        batch_op.drop_index("ix_deals_owner_created")
        batch_op.drop_index("ix_deals_created")
        batch_op.drop_index("ix_deals_company_created")
        batch_op.drop_index("ix_deals_close")
        batch_op.drop_index("ix_deals_client_created")

    op.drop_table("deals")
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.drop_index("ix_events_starts")
        batch_op.drop_index(batch_op.f("ix_events_organiser_id"))
        batch_op.drop_index(batch_op.f("ix_events_company_id"))

    op.drop_table("events")
    with op.batch_alter_table("innovations", schema=None) as batch_op:
        batch_op.drop_index("ix_innovations_company")

    op.drop_table("innovations")
    with op.batch_alter_table("founders", schema=None) as batch_op:
        batch_op.drop_index("ix_founders_company")

    op.drop_table("founders")
    op.drop_table("deal_totals")
    with op.batch_alter_table("companies", schema=None) as batch_op:
        batch_op.drop_index("ix_companies_name")
        batch_op.drop_index(batch_op.f("ix_companies_industry"))

    op.drop_table("companies")
