"""The language school: languages with their prices, discount tiers, the languages each
teacher teaches, contracts, their payments and the lessons given under them."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import (
    Boolean,
    Column,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Table,
    Text,
    true,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from db.base import Base, Timestamped, enum_column
from db.enums import ContractStatus, PaymentMethod
from db.models.people import Client, Department, Employee

# Money: up to 10 digits before the point, cents after (never a float).
MONEY = Numeric(12, 2)
# The longest name of a language the catalog holds (its check is the same number).
LANGUAGE_NAME_LENGTH = 100
PERCENT = Numeric(5, 2)

teacher_languages = Table(
    "teacher_languages",
    Base.metadata,
    Column("employee_id", ForeignKey("employees.id", ondelete="CASCADE"), primary_key=True),
    Column("language_id", ForeignKey("languages.id", ondelete="CASCADE"), primary_key=True),
    Index("ix_teacher_languages_language", "language_id"),
)


class Language(Timestamped, Base):
    """A language the school teaches, at a price per lesson."""

    __tablename__ = "languages"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(LANGUAGE_NAME_LENGTH), unique=True)
    price_per_lesson: Mapped[Decimal] = mapped_column(MONEY)
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())

    teachers: Mapped[list[Employee]] = relationship(
        lazy="raise",
        secondary=teacher_languages,
        back_populates="languages",
        order_by="Employee.full_name",
    )


class DiscountTier(Base):
    """From ``min_lessons`` lessons in one contract, ``percent`` off the price."""

    __tablename__ = "discount_tiers"

    id: Mapped[int] = mapped_column(primary_key=True)
    min_lessons: Mapped[int] = mapped_column(Integer, unique=True)
    percent: Mapped[Decimal] = mapped_column(PERCENT)


class Contract(Timestamped, Base):
    """A client's contract for a number of lessons of one language."""

    __tablename__ = "contracts"
    __table_args__ = (
        # Each filter of the listing has an index that also serves its newest-first order.
        Index("ix_contracts_signed", "signed_at", "id"),
        Index("ix_contracts_status_signed", "status", "signed_at", "id"),
        Index("ix_contracts_teacher_signed", "teacher_id", "signed_at", "id"),
        # A teacher's own listing filtered by status, and its count, read in one index range.
        Index("ix_contracts_teacher_status_signed", "teacher_id", "status", "signed_at", "id"),
        Index("ix_contracts_language_signed", "language_id", "signed_at", "id"),
        Index("ix_contracts_branch_signed", "branch_id", "signed_at", "id"),
        Index("ix_contracts_client_signed", "client_id", "signed_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="RESTRICT"))
    language_id: Mapped[int] = mapped_column(ForeignKey("languages.id", ondelete="RESTRICT"))
    lessons: Mapped[int] = mapped_column(Integer)
    # Fixed when signed: a later change of the language's price does not touch it.
    price_per_lesson: Mapped[Decimal] = mapped_column(MONEY)
    discount_percent: Mapped[Decimal] = mapped_column(PERCENT, default=Decimal(0))
    total: Mapped[Decimal] = mapped_column(MONEY)
    paid: Mapped[Decimal] = mapped_column(MONEY, default=Decimal(0), server_default="0")
    status: Mapped[ContractStatus] = mapped_column(
        enum_column(ContractStatus), default=ContractStatus.UNPAID
    )
    signed_at: Mapped[datetime] = mapped_column()
    teacher_id: Mapped[int | None] = mapped_column(ForeignKey("employees.id", ondelete="SET NULL"))
    branch_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id", ondelete="SET NULL"))
    lessons_given: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    termination_reason: Mapped[str | None] = mapped_column(Text)
    ended_at: Mapped[datetime | None] = mapped_column()

    client: Mapped[Client] = relationship(lazy="raise")
    language: Mapped[Language] = relationship(lazy="raise")
    teacher: Mapped[Employee | None] = relationship(lazy="raise")
    branch: Mapped[Department | None] = relationship(lazy="raise")
    payments: Mapped[list[Payment]] = relationship(
        lazy="raise", back_populates="contract", order_by="Payment.id", cascade="all, delete-orphan"
    )
    lessons_log: Mapped[list[Lesson]] = relationship(
        lazy="raise", back_populates="contract", order_by="Lesson.id", cascade="all, delete-orphan"
    )

    @property
    def lessons_left(self) -> int:
        return max(self.lessons - self.lessons_given, 0)

    @property
    def balance(self) -> Decimal:
        """What is still to pay (never below zero)."""
        return max(self.total - self.paid, Decimal(0))


class Payment(Base):
    """Money received for a contract; never edited (a mistake is corrected by a negative one
    with a note)."""

    __tablename__ = "payments"
    __table_args__ = (Index("ix_payments_contract", "contract_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contracts.id", ondelete="CASCADE"))
    amount: Mapped[Decimal] = mapped_column(MONEY)
    paid_at: Mapped[datetime] = mapped_column()
    method: Mapped[PaymentMethod] = mapped_column(enum_column(PaymentMethod))
    note: Mapped[str | None] = mapped_column(Text)
    recorded_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("employees.id", ondelete="SET NULL")
    )

    contract: Mapped[Contract] = relationship(lazy="raise", back_populates="payments")
    recorded_by: Mapped[Employee | None] = relationship(lazy="raise")


class Lesson(Base):
    """One lesson given under a contract."""

    __tablename__ = "contract_lessons"
    __table_args__ = (Index("ix_contract_lessons_contract", "contract_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contracts.id", ondelete="CASCADE"))
    given_at: Mapped[datetime] = mapped_column()
    recorded_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("employees.id", ondelete="SET NULL")
    )

    contract: Mapped[Contract] = relationship(lazy="raise", back_populates="lessons_log")
    recorded_by: Mapped[Employee | None] = relationship(lazy="raise")
