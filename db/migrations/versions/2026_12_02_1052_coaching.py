"""coaching

Revision ID: a27567af3c18
Revises: f41ea8b06a7f
Create Date: 2026-12-02 10:52:00

Coaching (seeds 000 and 003): expertise domains and coaches' profiles, tracks with the
client's steps and the coach's strategy, sessions with participants and recordings, coaching
requests, programmes with ordered stages, enrolments and stage moves, and the meeting, client
and coach reports.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import db.base

revision: str = "a27567af3c18"
down_revision: str | None = "f41ea8b06a7f"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("clients", schema=None) as batch_op:
        batch_op.add_column(sa.Column("coach_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_clients_coach_id"), ["coach_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_clients_coach_id_employees"),
            "employees",
            ["coach_id"],
            ["id"],
            ondelete="SET NULL",
        )
    op.create_table(
        "expertise_domains",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_expertise_domains")),
        sa.UniqueConstraint("name", name=op.f("uq_expertise_domains_name")),
    )
    op.create_table(
        "programs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
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
        sa.PrimaryKeyConstraint("id", name=op.f("pk_programs")),
        sa.UniqueConstraint("name", name=op.f("uq_programs_name")),
    )
    op.create_table(
        "program_stages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("program_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["program_id"],
            ["programs.id"],
            name=op.f("fk_program_stages_program_id_programs"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_program_stages")),
        sa.UniqueConstraint("program_id", "position", name=op.f("uq_program_stages_program_id")),
    )
    op.create_table(
        "coach_profiles",
        sa.Column("employee_id", sa.Integer(), nullable=False),
        sa.Column("bio", sa.Text(), nullable=True),
        sa.Column("hourly_rate", sa.Numeric(precision=12, scale=2), nullable=True),
        sa.Column("availability", sa.Text(), nullable=True),
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
            ["employee_id"],
            ["employees.id"],
            name=op.f("fk_coach_profiles_employee_id_employees"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("employee_id", name=op.f("pk_coach_profiles")),
    )
    op.create_table(
        "coach_domains",
        sa.Column("employee_id", sa.Integer(), nullable=False),
        sa.Column("domain_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["domain_id"],
            ["expertise_domains.id"],
            name=op.f("fk_coach_domains_domain_id_expertise_domains"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["employee_id"],
            ["coach_profiles.employee_id"],
            name=op.f("fk_coach_domains_employee_id_coach_profiles"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("employee_id", "domain_id", name=op.f("pk_coach_domains")),
    )
    with op.batch_alter_table("coach_domains", schema=None) as batch_op:
        batch_op.create_index("ix_coach_domains_domain", ["domain_id"], unique=False)

    op.create_table(
        "enrolments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("program_id", sa.Integer(), nullable=False),
        sa.Column("stage_id", sa.Integer(), nullable=False),
        sa.Column("started_at", db.base.UTCDateTime(timezone=True), nullable=False),
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
            ["client_id"],
            ["clients.id"],
            name=op.f("fk_enrolments_client_id_clients"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["program_id"],
            ["programs.id"],
            name=op.f("fk_enrolments_program_id_programs"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["stage_id"],
            ["program_stages.id"],
            name=op.f("fk_enrolments_stage_id_program_stages"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_enrolments")),
        sa.UniqueConstraint("client_id", "program_id", name=op.f("uq_enrolments_client_id")),
    )
    with op.batch_alter_table("enrolments", schema=None) as batch_op:
        batch_op.create_index(
            "ix_enrolments_program_stage", ["program_id", "stage_id"], unique=False
        )

    op.create_table(
        "tracks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("coach_id", sa.Integer(), nullable=True),
        sa.Column("goal", sa.Text(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "open", "achieved", "dropped", name="trackstatus", native_enum=False, length=20
            ),
            nullable=False,
        ),
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
            ["client_id"],
            ["clients.id"],
            name=op.f("fk_tracks_client_id_clients"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["coach_id"],
            ["employees.id"],
            name=op.f("fk_tracks_coach_id_employees"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tracks")),
    )
    with op.batch_alter_table("tracks", schema=None) as batch_op:
        batch_op.create_index("ix_tracks_client", ["client_id", "id"], unique=False)
        batch_op.create_index("ix_tracks_coach", ["coach_id", "id"], unique=False)

    op.create_table(
        "client_reports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("track_id", sa.Integer(), nullable=False),
        sa.Column("author_client_id", sa.Integer(), nullable=True),
        sa.Column("author_employee_id", sa.Integer(), nullable=True),
        sa.Column("progress", sa.Text(), nullable=False),
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
            ["author_client_id"],
            ["clients.id"],
            name=op.f("fk_client_reports_author_client_id_clients"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["author_employee_id"],
            ["employees.id"],
            name=op.f("fk_client_reports_author_employee_id_employees"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["track_id"],
            ["tracks.id"],
            name=op.f("fk_client_reports_track_id_tracks"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_client_reports")),
    )
    with op.batch_alter_table("client_reports", schema=None) as batch_op:
        batch_op.create_index("ix_client_reports_track", ["track_id", "id"], unique=False)

    op.create_table(
        "client_steps",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("track_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("due", sa.Date(), nullable=True),
        sa.Column("done_at", db.base.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["track_id"],
            ["tracks.id"],
            name=op.f("fk_client_steps_track_id_tracks"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_client_steps")),
    )
    with op.batch_alter_table("client_steps", schema=None) as batch_op:
        batch_op.create_index("ix_client_steps_track", ["track_id", "id"], unique=False)

    op.create_table(
        "coach_strategy",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("track_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", db.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["employees.id"],
            name=op.f("fk_coach_strategy_author_id_employees"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["track_id"],
            ["tracks.id"],
            name=op.f("fk_coach_strategy_track_id_tracks"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_coach_strategy")),
    )
    with op.batch_alter_table("coach_strategy", schema=None) as batch_op:
        batch_op.create_index("ix_coach_strategy_track", ["track_id", "id"], unique=False)

    op.create_table(
        "coaching_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("coach_id", sa.Integer(), nullable=True),
        sa.Column("track_id", sa.Integer(), nullable=True),
        sa.Column("contract_id", sa.Integer(), nullable=True),
        sa.Column("starts_at", db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("minutes", sa.Integer(), nullable=False),
        sa.Column(
            "format",
            sa.Enum("in_person", "online", name="sessionformat", native_enum=False, length=20),
            nullable=False,
        ),
        sa.Column("video_link", sa.String(length=500), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "planned",
                "done",
                "cancelled",
                "no_show",
                name="sessionstatus",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("rating", sa.SmallInteger(), nullable=True),
        sa.Column("comment", sa.Text(), nullable=True),
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
            ["client_id"],
            ["clients.id"],
            name=op.f("fk_coaching_sessions_client_id_clients"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["coach_id"],
            ["employees.id"],
            name=op.f("fk_coaching_sessions_coach_id_employees"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["contract_id"],
            ["contracts.id"],
            name=op.f("fk_coaching_sessions_contract_id_contracts"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["track_id"],
            ["tracks.id"],
            name=op.f("fk_coaching_sessions_track_id_tracks"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_coaching_sessions")),
    )
    with op.batch_alter_table("coaching_sessions", schema=None) as batch_op:
        batch_op.create_index(
            "ix_coaching_sessions_client_start", ["client_id", "starts_at", "id"], unique=False
        )
        batch_op.create_index(
            "ix_coaching_sessions_coach_start", ["coach_id", "starts_at", "id"], unique=False
        )
        batch_op.create_index("ix_coaching_sessions_start", ["starts_at", "id"], unique=False)
        batch_op.create_index(
            "ix_coaching_sessions_status_start", ["status", "starts_at", "id"], unique=False
        )

    op.create_table(
        "stage_moves",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("enrolment_id", sa.Integer(), nullable=False),
        sa.Column("from_stage_id", sa.Integer(), nullable=True),
        sa.Column("to_stage_id", sa.Integer(), nullable=False),
        sa.Column("client_state", sa.Text(), nullable=True),
        sa.Column("by_id", sa.Integer(), nullable=True),
        sa.Column("at", db.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["by_id"],
            ["employees.id"],
            name=op.f("fk_stage_moves_by_id_employees"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["enrolment_id"],
            ["enrolments.id"],
            name=op.f("fk_stage_moves_enrolment_id_enrolments"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["from_stage_id"],
            ["program_stages.id"],
            name=op.f("fk_stage_moves_from_stage_id_program_stages"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["to_stage_id"],
            ["program_stages.id"],
            name=op.f("fk_stage_moves_to_stage_id_program_stages"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stage_moves")),
    )
    with op.batch_alter_table("stage_moves", schema=None) as batch_op:
        batch_op.create_index("ix_stage_moves_enrolment", ["enrolment_id", "id"], unique=False)

    op.create_table(
        "coach_reports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("coach_id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=True),
        sa.Column("period_start", sa.Date(), nullable=True),
        sa.Column("period_end", sa.Date(), nullable=True),
        sa.Column("preparation", sa.Text(), nullable=True),
        sa.Column("results", sa.Text(), nullable=True),
        sa.Column("self_reflection", sa.Text(), nullable=True),
        sa.Column("development_tasks", sa.Text(), nullable=True),
        sa.Column("supervision_request", sa.Text(), nullable=True),
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
            ["coach_id"],
            ["employees.id"],
            name=op.f("fk_coach_reports_coach_id_employees"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["coaching_sessions.id"],
            name=op.f("fk_coach_reports_session_id_coaching_sessions"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_coach_reports")),
    )
    with op.batch_alter_table("coach_reports", schema=None) as batch_op:
        batch_op.create_index("ix_coach_reports_coach", ["coach_id", "id"], unique=False)

    op.create_table(
        "coaching_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("domain_id", sa.Integer(), nullable=True),
        sa.Column("coach_id", sa.Integer(), nullable=True),
        sa.Column("preferred_at", db.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("message", sa.Text(), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "pending", "accepted", "refused", name="requeststatus", native_enum=False, length=20
            ),
            nullable=False,
        ),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("session_id", sa.Integer(), nullable=True),
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
            ["client_id"],
            ["clients.id"],
            name=op.f("fk_coaching_requests_client_id_clients"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["coach_id"],
            ["employees.id"],
            name=op.f("fk_coaching_requests_coach_id_employees"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["domain_id"],
            ["expertise_domains.id"],
            name=op.f("fk_coaching_requests_domain_id_expertise_domains"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["coaching_sessions.id"],
            name=op.f("fk_coaching_requests_session_id_coaching_sessions"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_coaching_requests")),
    )
    with op.batch_alter_table("coaching_requests", schema=None) as batch_op:
        batch_op.create_index("ix_coaching_requests_client", ["client_id", "id"], unique=False)
        batch_op.create_index(
            "ix_coaching_requests_coach_status", ["coach_id", "status", "id"], unique=False
        )

    op.create_table(
        "meeting_reports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("what_happened", sa.Text(), nullable=True),
        sa.Column("client_state", sa.Text(), nullable=True),
        sa.Column("agreements", sa.Text(), nullable=True),
        sa.Column("homework", sa.Text(), nullable=True),
        sa.Column("next_steps", sa.Text(), nullable=True),
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
            ["author_id"],
            ["employees.id"],
            name=op.f("fk_meeting_reports_author_id_employees"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["coaching_sessions.id"],
            name=op.f("fk_meeting_reports_session_id_coaching_sessions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meeting_reports")),
        sa.UniqueConstraint("session_id", name=op.f("uq_meeting_reports_session_id")),
    )
    op.create_table(
        "recordings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "audio",
                "video",
                "voice",
                "link",
                name="recordingkind",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("telegram_file_id", sa.String(length=255), nullable=True),
        sa.Column("url", sa.String(length=1000), nullable=True),
        sa.Column("added_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", db.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["added_by_id"],
            ["employees.id"],
            name=op.f("fk_recordings_added_by_id_employees"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["coaching_sessions.id"],
            name=op.f("fk_recordings_session_id_coaching_sessions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recordings")),
    )
    with op.batch_alter_table("recordings", schema=None) as batch_op:
        batch_op.create_index("ix_recordings_session", ["session_id", "id"], unique=False)

    op.create_table(
        "session_participants",
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("rating", sa.SmallInteger(), nullable=True),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["clients.id"],
            name=op.f("fk_session_participants_client_id_clients"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["coaching_sessions.id"],
            name=op.f("fk_session_participants_session_id_coaching_sessions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("session_id", "client_id", name=op.f("pk_session_participants")),
    )
    with op.batch_alter_table("session_participants", schema=None) as batch_op:
        batch_op.create_index("ix_session_participants_client", ["client_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("clients", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_clients_coach_id_employees"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_clients_coach_id"))
        batch_op.drop_column("coach_id")
    with op.batch_alter_table("session_participants", schema=None) as batch_op:
        batch_op.drop_index("ix_session_participants_client")

    op.drop_table("session_participants")
    with op.batch_alter_table("recordings", schema=None) as batch_op:
        batch_op.drop_index("ix_recordings_session")

    op.drop_table("recordings")
    op.drop_table("meeting_reports")
    with op.batch_alter_table("coaching_requests", schema=None) as batch_op:
        batch_op.drop_index("ix_coaching_requests_coach_status")
        batch_op.drop_index("ix_coaching_requests_client")

    op.drop_table("coaching_requests")
    with op.batch_alter_table("coach_reports", schema=None) as batch_op:
        batch_op.drop_index("ix_coach_reports_coach")

    op.drop_table("coach_reports")
    with op.batch_alter_table("stage_moves", schema=None) as batch_op:
        batch_op.drop_index("ix_stage_moves_enrolment")

    op.drop_table("stage_moves")
    with op.batch_alter_table("coaching_sessions", schema=None) as batch_op:
        batch_op.drop_index("ix_coaching_sessions_status_start")
        batch_op.drop_index("ix_coaching_sessions_start")
        batch_op.drop_index("ix_coaching_sessions_coach_start")
        batch_op.drop_index("ix_coaching_sessions_client_start")

    op.drop_table("coaching_sessions")
    with op.batch_alter_table("coach_strategy", schema=None) as batch_op:
        batch_op.drop_index("ix_coach_strategy_track")

    op.drop_table("coach_strategy")
    with op.batch_alter_table("client_steps", schema=None) as batch_op:
        batch_op.drop_index("ix_client_steps_track")

    op.drop_table("client_steps")
    with op.batch_alter_table("client_reports", schema=None) as batch_op:
        batch_op.drop_index("ix_client_reports_track")

    op.drop_table("client_reports")
    with op.batch_alter_table("tracks", schema=None) as batch_op:
        batch_op.drop_index("ix_tracks_coach")
        batch_op.drop_index("ix_tracks_client")

    op.drop_table("tracks")
    with op.batch_alter_table("enrolments", schema=None) as batch_op:
        batch_op.drop_index("ix_enrolments_program_stage")

    op.drop_table("enrolments")
    with op.batch_alter_table("coach_domains", schema=None) as batch_op:
        batch_op.drop_index("ix_coach_domains_domain")

    op.drop_table("coach_domains")
    op.drop_table("coach_profiles")
    op.drop_table("program_stages")
    op.drop_table("programs")
    op.drop_table("expertise_domains")
