"""Coaching (seeds 000 and 003): coaches' profiles and expertise domains, coaching requests,
sessions with their participants and recordings, tracks (a client's goals) with the client's
steps and the coach's strategy, programs with ordered stages that clients move through, and the
three kinds of reports: on a meeting, on a client's track, and the coach's own."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    Boolean,
    Column,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, query_expression, relationship
from sqlalchemy.sql.expression import true

from db.base import Base, Timestamped, enum_column, utcnow
from db.enums import (
    ProductKind,
    RecordingKind,
    RequestStatus,
    SessionFormat,
    SessionStatus,
    TrackStatus,
)
from db.models.people import Client, Employee
from db.models.school import MONEY, Contract

coach_domains = Table(
    "coach_domains",
    Base.metadata,
    Column(
        "employee_id",
        ForeignKey("coach_profiles.employee_id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("domain_id", ForeignKey("expertise_domains.id", ondelete="CASCADE"), primary_key=True),
    Index("ix_coach_domains_domain", "domain_id"),
)


class ExpertiseDomain(Base):
    """A field coaches work in (career, leadership, relationships…)."""

    __tablename__ = "expertise_domains"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)


class CoachProfile(Timestamped, Base):
    """What a client reads about a coach: an employee's bio, rate and availability."""

    __tablename__ = "coach_profiles"

    employee_id: Mapped[int] = mapped_column(
        ForeignKey("employees.id", ondelete="CASCADE"), primary_key=True
    )
    bio: Mapped[str | None] = mapped_column(Text)
    hourly_rate: Mapped[Decimal | None] = mapped_column(MONEY)
    availability: Mapped[str | None] = mapped_column(Text)

    employee: Mapped[Employee] = relationship(lazy="raise")
    domains: Mapped[list[ExpertiseDomain]] = relationship(
        lazy="raise", secondary=coach_domains, order_by="ExpertiseDomain.name"
    )


class Track(Timestamped, Base):
    """A client's goal that a coach works on."""

    __tablename__ = "tracks"
    __table_args__ = (
        Index("ix_tracks_client", "client_id", "id"),
        Index("ix_tracks_coach", "coach_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"))
    coach_id: Mapped[int | None] = mapped_column(ForeignKey("employees.id", ondelete="SET NULL"))
    goal: Mapped[str] = mapped_column(Text)
    status: Mapped[TrackStatus] = mapped_column(enum_column(TrackStatus), default=TrackStatus.OPEN)
    # How often the coach wants the client's own progress report on this track (none: never asked),
    # and when the client was last asked for it.
    report_every_days: Mapped[int | None] = mapped_column(Integer)
    report_asked_at: Mapped[datetime | None] = mapped_column()

    client: Mapped[Client] = relationship(lazy="raise")
    coach: Mapped[Employee | None] = relationship(lazy="raise")
    steps: Mapped[list[ClientStep]] = relationship(
        lazy="raise", back_populates="track", order_by="ClientStep.id", cascade="all, delete-orphan"
    )
    strategy: Mapped[list[StrategyEntry]] = relationship(
        lazy="raise",
        back_populates="track",
        order_by="StrategyEntry.id",
        cascade="all, delete-orphan",
    )


class ClientStep(Base):
    """A step of the client's own plan on a track."""

    __tablename__ = "client_steps"
    __table_args__ = (Index("ix_client_steps_track", "track_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    track_id: Mapped[int] = mapped_column(ForeignKey("tracks.id", ondelete="CASCADE"))
    text: Mapped[str] = mapped_column(Text)
    due: Mapped[date | None] = mapped_column()
    done_at: Mapped[datetime | None] = mapped_column()

    track: Mapped[Track] = relationship(lazy="raise", back_populates="steps")


class StrategyEntry(Base):
    """An entry of the coach's strategy on a track."""

    __tablename__ = "coach_strategy"
    __table_args__ = (Index("ix_coach_strategy_track", "track_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    track_id: Mapped[int] = mapped_column(ForeignKey("tracks.id", ondelete="CASCADE"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("employees.id", ondelete="SET NULL"))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    track: Mapped[Track] = relationship(lazy="raise", back_populates="strategy")


class CoachingSession(Timestamped, Base):
    """A meeting or a lesson: a client (and perhaps others) with a coach or a teacher. Given
    under a contract, a session marked done uses up one of its lessons."""

    __tablename__ = "coaching_sessions"
    __table_args__ = (
        # A coach's sessions newest first; status and format ride along so that counting a
        # coach's sessions of one status or format reads the index alone, not every row.
        Index(
            "ix_coaching_sessions_coach_start_covering",
            "coach_id",
            "starts_at",
            "id",
            "status",
            "format",
        ),
        Index("ix_coaching_sessions_client_start", "client_id", "starts_at", "id"),
        Index("ix_coaching_sessions_status_start", "status", "starts_at", "id"),
        Index("ix_coaching_sessions_start", "starts_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="RESTRICT"))
    coach_id: Mapped[int | None] = mapped_column(ForeignKey("employees.id", ondelete="SET NULL"))
    track_id: Mapped[int | None] = mapped_column(ForeignKey("tracks.id", ondelete="SET NULL"))
    contract_id: Mapped[int | None] = mapped_column(ForeignKey("contracts.id", ondelete="SET NULL"))
    # The product (a package of sessions, a course, a program) the session is given under, if any.
    product_id: Mapped[int | None] = mapped_column(ForeignKey("products.id", ondelete="SET NULL"))
    starts_at: Mapped[datetime] = mapped_column()
    minutes: Mapped[int] = mapped_column(Integer)
    format: Mapped[SessionFormat] = mapped_column(
        enum_column(SessionFormat), default=SessionFormat.IN_PERSON
    )
    video_link: Mapped[str | None] = mapped_column(String(500))
    status: Mapped[SessionStatus] = mapped_column(
        enum_column(SessionStatus), default=SessionStatus.PLANNED
    )
    # The main client's rating of the session (1-5) and comment; other participants rate in
    # their own row.
    rating: Mapped[int | None] = mapped_column(SmallInteger)
    comment: Mapped[str | None] = mapped_column(Text)
    # Whether a meeting report is filed, when a query asks for it (with_expression): the session
    # listing reads it in the page's own query. None otherwise.
    report_filed: Mapped[bool | None] = query_expression()

    client: Mapped[Client] = relationship(lazy="raise")
    coach: Mapped[Employee | None] = relationship(lazy="raise")
    track: Mapped[Track | None] = relationship(lazy="raise")
    contract: Mapped[Contract | None] = relationship(lazy="raise")
    product: Mapped[Product | None] = relationship(lazy="raise")
    participants: Mapped[list[SessionParticipant]] = relationship(
        lazy="raise", back_populates="session", cascade="all, delete-orphan"
    )
    recordings: Mapped[list[Recording]] = relationship(
        lazy="raise",
        back_populates="session",
        order_by="Recording.id",
        cascade="all, delete-orphan",
    )


class SessionParticipant(Base):
    """Another client taking part in a session (a group or video session), with their rating."""

    __tablename__ = "session_participants"
    __table_args__ = (Index("ix_session_participants_client", "client_id"),)

    session_id: Mapped[int] = mapped_column(
        ForeignKey("coaching_sessions.id", ondelete="CASCADE"), primary_key=True
    )
    client_id: Mapped[int] = mapped_column(
        ForeignKey("clients.id", ondelete="CASCADE"), primary_key=True
    )
    rating: Mapped[int | None] = mapped_column(SmallInteger)
    comment: Mapped[str | None] = mapped_column(Text)

    session: Mapped[CoachingSession] = relationship(lazy="raise", back_populates="participants")
    client: Mapped[Client] = relationship(lazy="raise")


class Recording(Base):
    """An audio or video recording of a meeting: a Telegram file, or a link."""

    __tablename__ = "recordings"
    __table_args__ = (Index("ix_recordings_session", "session_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("coaching_sessions.id", ondelete="CASCADE"))
    kind: Mapped[RecordingKind] = mapped_column(enum_column(RecordingKind))
    telegram_file_id: Mapped[str | None] = mapped_column(String(255))
    url: Mapped[str | None] = mapped_column(String(1000))
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("employees.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    session: Mapped[CoachingSession] = relationship(lazy="raise", back_populates="recordings")


class CoachingRequest(Timestamped, Base):
    """A client asks a coach, in a domain, for a meeting at a preferred time; the coach accepts
    (a planned session is made) or refuses with a comment."""

    __tablename__ = "coaching_requests"
    __table_args__ = (
        Index("ix_coaching_requests_coach_status", "coach_id", "status", "id"),
        Index("ix_coaching_requests_client", "client_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"))
    domain_id: Mapped[int | None] = mapped_column(
        ForeignKey("expertise_domains.id", ondelete="SET NULL")
    )
    coach_id: Mapped[int | None] = mapped_column(ForeignKey("employees.id", ondelete="SET NULL"))
    preferred_at: Mapped[datetime | None] = mapped_column()
    message: Mapped[str | None] = mapped_column(Text)
    status: Mapped[RequestStatus] = mapped_column(
        enum_column(RequestStatus), default=RequestStatus.PENDING
    )
    comment: Mapped[str | None] = mapped_column(Text)
    # When the coach accepted or refused it.
    answered_at: Mapped[datetime | None] = mapped_column()
    session_id: Mapped[int | None] = mapped_column(
        ForeignKey("coaching_sessions.id", ondelete="SET NULL")
    )

    client: Mapped[Client] = relationship(lazy="raise")
    coach: Mapped[Employee | None] = relationship(lazy="raise")
    domain: Mapped[ExpertiseDomain | None] = relationship(lazy="raise")
    session: Mapped[CoachingSession | None] = relationship(lazy="raise")


class Program(Timestamped, Base):
    """A programme with ordered stages that clients move through."""

    __tablename__ = "programs"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    description: Mapped[str | None] = mapped_column(Text)

    stages: Mapped[list[ProgramStage]] = relationship(
        lazy="raise",
        back_populates="program",
        order_by="ProgramStage.position",
        cascade="all, delete-orphan",
    )


class ProgramStage(Base):
    """One stage of a programme, in order."""

    __tablename__ = "program_stages"
    __table_args__ = (UniqueConstraint("program_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    program_id: Mapped[int] = mapped_column(ForeignKey("programs.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(200))

    program: Mapped[Program] = relationship(lazy="raise", back_populates="stages")


class Enrolment(Timestamped, Base):
    """A client in a programme, at a stage."""

    __tablename__ = "enrolments"
    __table_args__ = (
        UniqueConstraint("client_id", "program_id"),
        Index("ix_enrolments_program_stage", "program_id", "stage_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"))
    program_id: Mapped[int] = mapped_column(ForeignKey("programs.id", ondelete="CASCADE"))
    stage_id: Mapped[int] = mapped_column(ForeignKey("program_stages.id", ondelete="RESTRICT"))
    started_at: Mapped[datetime] = mapped_column()

    client: Mapped[Client] = relationship(lazy="raise")
    program: Mapped[Program] = relationship(lazy="raise")
    stage: Mapped[ProgramStage] = relationship(lazy="raise")
    moves: Mapped[list[StageMove]] = relationship(
        lazy="raise",
        back_populates="enrolment",
        order_by="StageMove.id",
        cascade="all, delete-orphan",
    )


class StageMove(Base):
    """A client's move from one stage to another, with their state then."""

    __tablename__ = "stage_moves"
    __table_args__ = (Index("ix_stage_moves_enrolment", "enrolment_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    enrolment_id: Mapped[int] = mapped_column(ForeignKey("enrolments.id", ondelete="CASCADE"))
    from_stage_id: Mapped[int | None] = mapped_column(
        ForeignKey("program_stages.id", ondelete="SET NULL")
    )
    to_stage_id: Mapped[int] = mapped_column(ForeignKey("program_stages.id", ondelete="RESTRICT"))
    client_state: Mapped[str | None] = mapped_column(Text)
    by_id: Mapped[int | None] = mapped_column(ForeignKey("employees.id", ondelete="SET NULL"))
    at: Mapped[datetime] = mapped_column()

    enrolment: Mapped[Enrolment] = relationship(lazy="raise", back_populates="moves")


class MeetingReport(Timestamped, Base):
    """The report on one meeting (``reports``)."""

    __tablename__ = "meeting_reports"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("coaching_sessions.id", ondelete="CASCADE"), unique=True
    )
    author_id: Mapped[int | None] = mapped_column(ForeignKey("employees.id", ondelete="SET NULL"))
    what_happened: Mapped[str | None] = mapped_column(Text)
    client_state: Mapped[str | None] = mapped_column(Text)
    agreements: Mapped[str | None] = mapped_column(Text)
    homework: Mapped[str | None] = mapped_column(Text)
    next_steps: Mapped[str | None] = mapped_column(Text)

    session: Mapped[CoachingSession] = relationship(lazy="raise")


class ClientReport(Timestamped, Base):
    """The client's progress on a track's goal (``client_reports``), by the client or coach."""

    __tablename__ = "client_reports"
    __table_args__ = (Index("ix_client_reports_track", "track_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    track_id: Mapped[int] = mapped_column(ForeignKey("tracks.id", ondelete="CASCADE"))
    author_client_id: Mapped[int | None] = mapped_column(
        ForeignKey("clients.id", ondelete="SET NULL")
    )
    author_employee_id: Mapped[int | None] = mapped_column(
        ForeignKey("employees.id", ondelete="SET NULL")
    )
    progress: Mapped[str] = mapped_column(Text)

    track: Mapped[Track] = relationship(lazy="raise")


class CoachReport(Timestamped, Base):
    """A coach's report on themselves (``coach_reports``): preparation and results, reflection,
    development tasks and a supervision request; about a session or a period."""

    __tablename__ = "coach_reports"
    __table_args__ = (Index("ix_coach_reports_coach", "coach_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    coach_id: Mapped[int] = mapped_column(ForeignKey("employees.id", ondelete="CASCADE"))
    session_id: Mapped[int | None] = mapped_column(
        ForeignKey("coaching_sessions.id", ondelete="SET NULL")
    )
    period_start: Mapped[date | None] = mapped_column()
    period_end: Mapped[date | None] = mapped_column()
    preparation: Mapped[str | None] = mapped_column(Text)
    results: Mapped[str | None] = mapped_column(Text)
    self_reflection: Mapped[str | None] = mapped_column(Text)
    development_tasks: Mapped[str | None] = mapped_column(Text)
    supervision_request: Mapped[str | None] = mapped_column(Text)

    coach: Mapped[Employee] = relationship(lazy="raise")


class Product(Timestamped, Base):
    """What the business sells in coaching: a program, a course or a package of sessions, at a
    price; a program product may be tied to the program the client then moves through."""

    __tablename__ = "products"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[ProductKind] = mapped_column(enum_column(ProductKind))
    price: Mapped[Decimal] = mapped_column(MONEY)
    description: Mapped[str | None] = mapped_column(Text)
    program_id: Mapped[int | None] = mapped_column(ForeignKey("programs.id", ondelete="SET NULL"))
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())

    program: Mapped[Program | None] = relationship(lazy="raise")


class ClientProduct(Base):
    """A product a client bought or takes part in, at the price of that day."""

    __tablename__ = "client_products"
    __table_args__ = (
        Index("ix_client_products_client", "client_id", "bought_at"),
        Index("ix_client_products_product", "product_id", "bought_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"))
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id", ondelete="RESTRICT"))
    price: Mapped[Decimal] = mapped_column(MONEY)
    bought_at: Mapped[datetime] = mapped_column()
    finished_at: Mapped[datetime | None] = mapped_column()
    sold_by_id: Mapped[int | None] = mapped_column(ForeignKey("employees.id", ondelete="SET NULL"))

    client: Mapped[Client] = relationship(lazy="raise")
    product: Mapped[Product] = relationship(lazy="raise")


class CalendarFeed(Base):
    """A private iCalendar feed of someone's sessions: the URL carries a secret token, of which
    only the SHA-256 is kept; a new one, or a revocation, ends the old."""

    __tablename__ = "calendar_feeds"
    __table_args__ = (
        Index("ix_calendar_feeds_employee", "employee_id"),
        Index("ix_calendar_feeds_client", "client_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    employee_id: Mapped[int | None] = mapped_column(ForeignKey("employees.id", ondelete="CASCADE"))
    client_id: Mapped[int | None] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column()
