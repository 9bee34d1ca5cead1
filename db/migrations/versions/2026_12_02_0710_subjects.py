"""message subjects

Revision ID: 7c4d2e9a1f60
Revises: 2586ad74c212
Create Date: 2026-12-02 07:10:00

A notification and a sent message's link name their subject as (kind, id) rather than a ticket
id, so that a reply reaches a contract, a session or a task as it reaches a ticket today. The
existing rows become ("ticket", their ticket id); ``ticket_messages`` becomes ``message_links``.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import db.base

revision: str = "7c4d2e9a1f60"
down_revision: str | None = "2586ad74c212"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_KIND = sa.Enum("ticket", name="subjectkind", native_enum=False, length=20)


def upgrade() -> None:
    op.create_table(
        "message_links",
        sa.Column("chat_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("message_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("subject_kind", _KIND, nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=False),
        sa.Column("created_at", db.base.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("chat_id", "message_id", name=op.f("pk_message_links")),
    )
    with op.batch_alter_table("message_links", schema=None) as batch_op:
        batch_op.create_index(
            "ix_message_links_subject", ["subject_kind", "subject_id"], unique=False
        )
    op.execute(
        "INSERT INTO message_links (chat_id, message_id, subject_kind, subject_id, created_at) "
        "SELECT chat_id, message_id, 'ticket', ticket_id, created_at FROM ticket_messages"
    )
    with op.batch_alter_table("ticket_messages", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ticket_messages_ticket_id"))
    op.drop_table("ticket_messages")

    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.add_column(sa.Column("subject_kind", _KIND, nullable=True))
        batch_op.add_column(sa.Column("subject_id", sa.Integer(), nullable=True))
    op.execute(
        "UPDATE outbox SET subject_kind = 'ticket', subject_id = ticket_id "
        "WHERE ticket_id IS NOT NULL"
    )
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_outbox_ticket_id_tickets"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_outbox_ticket_id"))
        batch_op.drop_column("ticket_id")


def downgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.add_column(sa.Column("ticket_id", sa.Integer(), nullable=True))
    # Only tickets had links before; a link to a ticket deleted since is dropped.
    op.execute(
        "UPDATE outbox SET ticket_id = subject_id WHERE subject_kind = 'ticket' "
        "AND subject_id IN (SELECT id FROM tickets)"
    )
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_outbox_ticket_id"), ["ticket_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_outbox_ticket_id_tickets"),
            "tickets",
            ["ticket_id"],
            ["id"],
            ondelete="SET NULL",
        )
        batch_op.drop_column("subject_id")
        batch_op.drop_column("subject_kind")

    op.create_table(
        "ticket_messages",
        sa.Column("chat_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("message_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("created_at", db.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["ticket_id"],
            ["tickets.id"],
            name=op.f("fk_ticket_messages_ticket_id_tickets"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("chat_id", "message_id", name=op.f("pk_ticket_messages")),
    )
    with op.batch_alter_table("ticket_messages", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_ticket_messages_ticket_id"), ["ticket_id"], unique=False
        )
    op.execute(
        "INSERT INTO ticket_messages (chat_id, message_id, ticket_id, created_at) "
        "SELECT chat_id, message_id, subject_id, created_at FROM message_links "
        "WHERE subject_kind = 'ticket' AND subject_id IN (SELECT id FROM tickets)"
    )
    with op.batch_alter_table("message_links", schema=None) as batch_op:
        batch_op.drop_index("ix_message_links_subject")
    op.drop_table("message_links")
