"""workspace

Revision ID: a7c41e9d2b6f
Revises: 5b1e7d93c2a4
Create Date: 2026-12-06 15:27:26

A person's workspace (seed 003): their own contacts, documents and planned items, and the
messages people write each other through the bot. The outbox keeps the chat message each
notification became and when its reader saw it (the site's notification centre); what was
queued before this migration counts as seen, so nobody starts with years of unseen news.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import db.base

revision: str = "a7c41e9d2b6f"
down_revision: str | None = "5b1e7d93c2a4"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "person_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sender_client_id", sa.Integer(), nullable=True),
        sa.Column("sender_employee_id", sa.Integer(), nullable=True),
        sa.Column("recipient_client_id", sa.Integer(), nullable=True),
        sa.Column("recipient_employee_id", sa.Integer(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("sent_at", db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("read_at", db.base.UTCDateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "(recipient_client_id IS NULL) <> (recipient_employee_id IS NULL)",
            name=op.f("ck_person_messages_recipient_one_person"),
        ),
        sa.CheckConstraint(
            "(sender_client_id IS NULL) <> (sender_employee_id IS NULL)",
            name=op.f("ck_person_messages_sender_one_person"),
        ),
        sa.ForeignKeyConstraint(
            ["recipient_client_id"],
            ["clients.id"],
            name=op.f("fk_person_messages_recipient_client_id_clients"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["recipient_employee_id"],
            ["employees.id"],
            name=op.f("fk_person_messages_recipient_employee_id_employees"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["sender_client_id"],
            ["clients.id"],
            name=op.f("fk_person_messages_sender_client_id_clients"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["sender_employee_id"],
            ["employees.id"],
            name=op.f("fk_person_messages_sender_employee_id_employees"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_person_messages")),
    )
    with op.batch_alter_table("person_messages", schema=None) as batch_op:
        batch_op.create_index(
            "ix_person_messages_recipient_client", ["recipient_client_id", "id"], unique=False
        )
        batch_op.create_index(
            "ix_person_messages_recipient_employee", ["recipient_employee_id", "id"], unique=False
        )
        batch_op.create_index(
            "ix_person_messages_sender_client", ["sender_client_id", "id"], unique=False
        )
        batch_op.create_index(
            "ix_person_messages_sender_employee", ["sender_employee_id", "id"], unique=False
        )

    op.create_table(
        "personal_contacts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=True),
        sa.Column("phone", sa.String(length=32), nullable=True),
        sa.Column("company", sa.String(length=200), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("telegram_user_id", sa.BigInteger(), nullable=True),
        sa.Column("created_at", db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=True),
        sa.Column("employee_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "(client_id IS NULL) <> (employee_id IS NULL)",
            name=op.f("ck_personal_contacts_owner_one_person"),
        ),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["clients.id"],
            name=op.f("fk_personal_contacts_client_id_clients"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["employee_id"],
            ["employees.id"],
            name=op.f("fk_personal_contacts_employee_id_employees"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_personal_contacts")),
    )
    with op.batch_alter_table("personal_contacts", schema=None) as batch_op:
        batch_op.create_index(
            "ix_personal_contacts_client", ["client_id", "name", "id"], unique=False
        )
        batch_op.create_index(
            "ix_personal_contacts_employee", ["employee_id", "name", "id"], unique=False
        )

    op.create_table(
        "personal_documents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("media", sa.String(length=10), nullable=False),
        sa.Column("file_id", sa.String(length=300), nullable=False),
        sa.Column("file_unique_id", sa.String(length=100), nullable=True),
        sa.Column("file_name", sa.String(length=300), nullable=True),
        sa.Column("mime_type", sa.String(length=120), nullable=True),
        sa.Column("size", sa.Integer(), nullable=True),
        sa.Column("uploaded_at", db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=True),
        sa.Column("employee_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "(client_id IS NULL) <> (employee_id IS NULL)",
            name=op.f("ck_personal_documents_owner_one_person"),
        ),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["clients.id"],
            name=op.f("fk_personal_documents_client_id_clients"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["employee_id"],
            ["employees.id"],
            name=op.f("fk_personal_documents_employee_id_employees"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_personal_documents")),
    )
    with op.batch_alter_table("personal_documents", schema=None) as batch_op:
        batch_op.create_index(
            "ix_personal_documents_client", ["client_id", "uploaded_at", "id"], unique=False
        )
        batch_op.create_index(
            "ix_personal_documents_employee", ["employee_id", "uploaded_at", "id"], unique=False
        )

    op.create_table(
        "planned_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("starts_at", db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("minutes", sa.Integer(), nullable=True),
        sa.Column("remind_before", sa.Integer(), nullable=True),
        sa.Column("remind_at", db.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("reminded_for", db.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_at", db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=True),
        sa.Column("employee_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "(client_id IS NULL) <> (employee_id IS NULL)",
            name=op.f("ck_planned_items_owner_one_person"),
        ),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["clients.id"],
            name=op.f("fk_planned_items_client_id_clients"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["employee_id"],
            ["employees.id"],
            name=op.f("fk_planned_items_employee_id_employees"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_planned_items")),
    )
    with op.batch_alter_table("planned_items", schema=None) as batch_op:
        batch_op.create_index(
            "ix_planned_items_client", ["client_id", "starts_at", "id"], unique=False
        )
        batch_op.create_index(
            "ix_planned_items_employee", ["employee_id", "starts_at", "id"], unique=False
        )
        batch_op.create_index("ix_planned_items_remind", ["remind_at", "id"], unique=False)

    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.add_column(sa.Column("message_id", sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column("seen_at", db.base.UTCDateTime(timezone=True), nullable=True))
        batch_op.create_index("ix_outbox_chat_seen", ["chat_id", "seen_at"], unique=False)
    op.execute("UPDATE outbox SET seen_at = created_at")


def downgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_index("ix_outbox_chat_seen")
        batch_op.drop_column("seen_at")
        batch_op.drop_column("message_id")

    with op.batch_alter_table("planned_items", schema=None) as batch_op:
        batch_op.drop_index("ix_planned_items_remind")
        batch_op.drop_index("ix_planned_items_employee")
        batch_op.drop_index("ix_planned_items_client")

    op.drop_table("planned_items")
    with op.batch_alter_table("personal_documents", schema=None) as batch_op:
        batch_op.drop_index("ix_personal_documents_employee")
        batch_op.drop_index("ix_personal_documents_client")

    op.drop_table("personal_documents")
    with op.batch_alter_table("personal_contacts", schema=None) as batch_op:
        batch_op.drop_index("ix_personal_contacts_employee")
        batch_op.drop_index("ix_personal_contacts_client")

    op.drop_table("personal_contacts")
    with op.batch_alter_table("person_messages", schema=None) as batch_op:
        batch_op.drop_index("ix_person_messages_sender_employee")
        batch_op.drop_index("ix_person_messages_sender_client")
        batch_op.drop_index("ix_person_messages_recipient_employee")
        batch_op.drop_index("ix_person_messages_recipient_client")

    op.drop_table("person_messages")
