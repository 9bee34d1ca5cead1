"""Sales: companies with their founders, innovations and events (and who takes part), deals
with the history of their stage moves, interactions with clients, and tasks."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from db.base import Base, Timestamped, enum_column
from db.enums import DealStage, InnovationKind, InteractionKind, ParticipantStatus
from db.models.people import Client, Employee
from db.models.school import MONEY


class Company(Timestamped, Base):
    """A company clients (contacts) work for, with what it founded, invented and organises."""

    __tablename__ = "companies"
    __table_args__ = (
        # The listing in the order of names.
        Index("ix_companies_name", "name", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    industry: Mapped[str | None] = mapped_column(String(200), index=True)
    website: Mapped[str | None] = mapped_column(String(500))
    description: Mapped[str | None] = mapped_column(Text)

    founders: Mapped[list[Founder]] = relationship(
        lazy="raise", back_populates="company", order_by="Founder.id", cascade="all, delete-orphan"
    )
    innovations: Mapped[list[Innovation]] = relationship(
        lazy="raise",
        back_populates="company",
        order_by="Innovation.id",
        cascade="all, delete-orphan",
    )


class Founder(Base):
    """One of a company's founders."""

    __tablename__ = "founders"
    __table_args__ = (Index("ix_founders_company", "company_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(254))
    linkedin: Mapped[str | None] = mapped_column(String(500))

    company: Mapped[Company] = relationship(lazy="raise", back_populates="founders")


class Innovation(Base):
    """A product, service or process a company brought out."""

    __tablename__ = "innovations"
    __table_args__ = (Index("ix_innovations_company", "company_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    published_on: Mapped[date | None] = mapped_column(Date)
    kind: Mapped[InnovationKind] = mapped_column(enum_column(InnovationKind))

    company: Mapped[Company] = relationship(lazy="raise", back_populates="innovations")


class Event(Base):
    """A gathering (a company's, or the business's own) that clients join from the bot."""

    __tablename__ = "events"
    __table_args__ = (Index("ix_events_starts", "starts_at", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int | None] = mapped_column(
        ForeignKey("companies.id", ondelete="RESTRICT"), index=True
    )
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    starts_at: Mapped[datetime] = mapped_column()
    place: Mapped[str | None] = mapped_column(String(500))
    # A picture's address, or a Telegram file id of a photo sent to the bot.
    image: Mapped[str | None] = mapped_column(String(500))
    # The employee who organises it (told who joins); None: the managers.
    organiser_id: Mapped[int | None] = mapped_column(
        ForeignKey("employees.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())

    company: Mapped[Company | None] = relationship(lazy="raise")
    organiser: Mapped[Employee | None] = relationship(lazy="raise")
    participants: Mapped[list[EventParticipant]] = relationship(
        lazy="raise",
        back_populates="event",
        order_by="EventParticipant.id",
        cascade="all, delete-orphan",
    )


class EventParticipant(Base):
    """A client who joined an event (``going``) or joined and left (``left``)."""

    __tablename__ = "event_participants"
    __table_args__ = (
        UniqueConstraint("event_id", "client_id", name="uq_event_participants_event_client"),
        Index("ix_event_participants_client", "client_id", "event_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"))
    status: Mapped[ParticipantStatus] = mapped_column(
        enum_column(ParticipantStatus), default=ParticipantStatus.GOING
    )
    joined_at: Mapped[datetime] = mapped_column(server_default=func.now())

    event: Mapped[Event] = relationship(lazy="raise", back_populates="participants")
    client: Mapped[Client] = relationship(lazy="raise")


class Deal(Timestamped, Base):
    """A sale in the making (seed 004's opportunity): its value, stage and owner."""

    __tablename__ = "deals"
    __table_args__ = (
        # Each filter of the listing has an index that also serves its newest-first order.
        Index("ix_deals_created", "created_at", "id"),
        Index("ix_deals_stage_created", "stage", "created_at", "id"),
        Index("ix_deals_owner_stage_created", "owner_id", "stage", "created_at", "id"),
        Index("ix_deals_owner_created", "owner_id", "created_at", "id"),
        Index("ix_deals_company_created", "company_id", "created_at", "id"),
        Index("ix_deals_client_created", "client_id", "created_at", "id"),
        Index("ix_deals_close", "expected_close", "id"),
        # A salesperson's deals closing in a range, counted within the index.
        Index("ix_deals_owner_close", "owner_id", "expected_close", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    client_id: Mapped[int | None] = mapped_column(ForeignKey("clients.id", ondelete="RESTRICT"))
    company_id: Mapped[int | None] = mapped_column(ForeignKey("companies.id", ondelete="RESTRICT"))
    value: Mapped[Decimal] = mapped_column(MONEY, default=Decimal(0))
    currency: Mapped[str] = mapped_column(String(3))
    stage: Mapped[DealStage] = mapped_column(enum_column(DealStage), default=DealStage.NEW)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("employees.id", ondelete="SET NULL"))
    expected_close: Mapped[date | None] = mapped_column(Date)
    lost_reason: Mapped[str | None] = mapped_column(Text)
    # When it reached won or lost; None while open.
    closed_at: Mapped[datetime | None] = mapped_column()

    client: Mapped[Client | None] = relationship(lazy="raise")
    company: Mapped[Company | None] = relationship(lazy="raise")
    owner: Mapped[Employee | None] = relationship(lazy="raise")
    moves: Mapped[list[DealMove]] = relationship(
        lazy="raise", back_populates="deal", order_by="DealMove.id", cascade="all, delete-orphan"
    )

    @property
    def is_open(self) -> bool:
        return self.stage not in (DealStage.WON, DealStage.LOST)


class DealMove(Base):
    """One move of a deal from a stage to another (the first, from None, is its creation)."""

    __tablename__ = "deal_moves"
    __table_args__ = (
        Index("ix_deal_moves_deal", "deal_id", "id"),
        Index("ix_deal_moves_at", "moved_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    deal_id: Mapped[int] = mapped_column(ForeignKey("deals.id", ondelete="CASCADE"))
    from_stage: Mapped[DealStage | None] = mapped_column(enum_column(DealStage))
    to_stage: Mapped[DealStage] = mapped_column(enum_column(DealStage))
    moved_at: Mapped[datetime] = mapped_column()
    by_id: Mapped[int | None] = mapped_column(ForeignKey("employees.id", ondelete="SET NULL"))
    note: Mapped[str | None] = mapped_column(Text)

    deal: Mapped[Deal] = relationship(lazy="raise", back_populates="moves")
    by: Mapped[Employee | None] = relationship(lazy="raise")


class DealTotal(Base):
    """The board's figures kept up to date by every write of a deal (crm/sales/deals.py): how
    many deals and what value per owner, stage and currency, so that the board's column heads
    are read from a few rows instead of a scan of every deal."""

    __tablename__ = "deal_totals"

    # 0 stands for "no owner" (a primary key column cannot be NULL).
    owner_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    stage: Mapped[DealStage] = mapped_column(enum_column(DealStage), primary_key=True)
    currency: Mapped[str] = mapped_column(String(3), primary_key=True)
    count: Mapped[int] = mapped_column(Integer, default=0)
    value: Mapped[Decimal] = mapped_column(MONEY, default=Decimal(0))


class Interaction(Base):
    """A moment the business and a client were in touch: an email, a call, a meeting, a note.
    Chats in Telegram are not copied here; the log reads them where they are."""

    __tablename__ = "interactions"
    __table_args__ = (
        Index("ix_interactions_client_at", "client_id", "happened_at", "id"),
        Index("ix_interactions_deal_at", "deal_id", "happened_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"))
    deal_id: Mapped[int | None] = mapped_column(ForeignKey("deals.id", ondelete="SET NULL"))
    kind: Mapped[InteractionKind] = mapped_column(enum_column(InteractionKind))
    happened_at: Mapped[datetime] = mapped_column()
    notes: Mapped[str | None] = mapped_column(Text)
    by_id: Mapped[int | None] = mapped_column(ForeignKey("employees.id", ondelete="SET NULL"))

    client: Mapped[Client] = relationship(lazy="raise")
    deal: Mapped[Deal | None] = relationship(lazy="raise")
    by: Mapped[Employee | None] = relationship(lazy="raise")


class Task(Timestamped, Base):
    """Something to do about a deal or a client, by someone, by a time."""

    __tablename__ = "tasks"
    __table_args__ = (
        # Open tasks by due time: the reminder job, /tasks and the digest.
        Index("ix_tasks_assignee_done_due", "assignee_id", "done_at", "due_at", "id"),
        Index("ix_tasks_done_due", "done_at", "due_at", "id"),
        Index("ix_tasks_deal", "deal_id", "id"),
        Index("ix_tasks_client", "client_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    deal_id: Mapped[int | None] = mapped_column(ForeignKey("deals.id", ondelete="CASCADE"))
    client_id: Mapped[int | None] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(300))
    due_at: Mapped[datetime | None] = mapped_column()
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("employees.id", ondelete="SET NULL"))
    done_at: Mapped[datetime | None] = mapped_column()
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("employees.id", ondelete="SET NULL")
    )

    deal: Mapped[Deal | None] = relationship(lazy="raise")
    client: Mapped[Client | None] = relationship(lazy="raise")
    assignee: Mapped[Employee | None] = relationship(lazy="raise", foreign_keys=[assignee_id])
    created_by: Mapped[Employee | None] = relationship(lazy="raise", foreign_keys=[created_by_id])

    def is_overdue(self, now: datetime) -> bool:
        """Past due while open."""
        return self.done_at is None and self.due_at is not None and self.due_at < now
