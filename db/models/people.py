"""The people of a business: departments (and branches), employees, clients."""

from __future__ import annotations

import secrets
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import (
    BigInteger,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    false,
    true,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from db.base import Base, Timestamped, enum_column, utcnow
from db.enums import ClientStage, Role

if TYPE_CHECKING:
    from db.models.sales import Company
    from db.models.school import Language


class Department(Timestamped, Base):
    """A department of the company; a department with an address is a branch."""

    __tablename__ = "departments"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    address: Mapped[str | None] = mapped_column(String(500))
    phone: Mapped[str | None] = mapped_column(String(32))
    description: Mapped[str | None] = mapped_column(Text)
    # Offered to clients opening a request (and on the ticket form): a workshop or a support
    # line does, a language school or a coaching practice does not.
    takes_tickets: Mapped[bool] = mapped_column(default=True, server_default=true())

    employees: Mapped[list[Employee]] = relationship(lazy="raise", back_populates="department")

    @property
    def is_branch(self) -> bool:
        """A branch is a department people can visit."""
        return bool(self.address)


def _first_session_generation() -> int:
    # Random, not 0: SQLite may give a deleted employee's id to the next one, and a cookie kept
    # from the deleted one must not fit the new one. 2**30 leaves room to count up in an INTEGER.
    return secrets.randbelow(2**30)


class Employee(Timestamped, Base):
    """Someone who works for the business: owner, administrator, specialist or helper."""

    __tablename__ = "employees"

    id: Mapped[int] = mapped_column(primary_key=True)
    telegram_id: Mapped[int | None] = mapped_column(BigInteger, unique=True)
    username: Mapped[str | None] = mapped_column(String(64), index=True)
    full_name: Mapped[str] = mapped_column(String(200))
    role: Mapped[Role] = mapped_column(enum_column(Role))
    position: Mapped[str | None] = mapped_column(String(200))
    department_id: Mapped[int | None] = mapped_column(
        ForeignKey("departments.id", ondelete="RESTRICT"), index=True
    )
    experience_years: Mapped[int | None] = mapped_column(Integer)
    salary: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    web_login: Mapped[str | None] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str | None] = mapped_column(String(255))
    language: Mapped[str | None] = mapped_column(String(8))
    # The shipped language their Telegram app was last seen in: the site's default for them
    # until they choose one (``language``).
    telegram_language: Mapped[str | None] = mapped_column(String(8))
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    # Each admin-site session holds the generation it began in; a new one ends all older ones.
    session_generation: Mapped[int] = mapped_column(
        Integer, default=_first_session_generation, server_default="0"
    )

    department: Mapped[Department | None] = relationship(lazy="raise", back_populates="employees")
    # What a teacher teaches (db/models/school.py).
    languages: Mapped[list[Language]] = relationship(
        lazy="raise",
        secondary="teacher_languages",
        back_populates="teachers",
        order_by="Language.name",
    )
    helped_clients: Mapped[list[Client]] = relationship(
        lazy="raise", back_populates="helper", foreign_keys="Client.helper_id"
    )


class Client(Timestamped, Base):
    """The client card: who they are, how to reach them, and where they stand."""

    __tablename__ = "clients"

    id: Mapped[int] = mapped_column(primary_key=True)
    full_name: Mapped[str] = mapped_column(String(200))
    # Sales (seed 004) keeps the parts of the name too; ``full_name`` stays what people see.
    first_name: Mapped[str | None] = mapped_column(String(100))
    last_name: Mapped[str | None] = mapped_column(String(100))
    phone: Mapped[str | None] = mapped_column(String(20), unique=True)
    # Kept in lower case (crm.people.clients.save_client), so unique whatever the case typed.
    email: Mapped[str | None] = mapped_column(String(254), unique=True)
    # The company the client works for (sales).
    company_id: Mapped[int | None] = mapped_column(
        ForeignKey("companies.id", ondelete="RESTRICT"), index=True
    )
    telegram_id: Mapped[int | None] = mapped_column(BigInteger, unique=True)
    username: Mapped[str | None] = mapped_column(String(64), index=True)
    language: Mapped[str | None] = mapped_column(String(8))
    stage: Mapped[ClientStage] = mapped_column(
        enum_column(ClientStage), default=ClientStage.LEAD, server_default=ClientStage.LEAD.value
    )
    topic: Mapped[str | None] = mapped_column(Text)
    method_of_work: Mapped[str | None] = mapped_column(Text)
    notes: Mapped[str | None] = mapped_column(Text)
    source: Mapped[str | None] = mapped_column(String(200))
    unreachable: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    helper_id: Mapped[int | None] = mapped_column(
        ForeignKey("employees.id", ondelete="SET NULL"), index=True
    )
    # The coach who works with the client (coaching).
    coach_id: Mapped[int | None] = mapped_column(
        ForeignKey("employees.id", ondelete="SET NULL"), index=True
    )
    # The employee this client became (a former client who now helps others, seed 000).
    became_employee_id: Mapped[int | None] = mapped_column(
        ForeignKey("employees.id", ondelete="SET NULL"), unique=True
    )

    helper: Mapped[Employee | None] = relationship(
        lazy="raise", back_populates="helped_clients", foreign_keys=[helper_id]
    )
    coach: Mapped[Employee | None] = relationship(lazy="raise", foreign_keys=[coach_id])
    became_employee: Mapped[Employee | None] = relationship(
        lazy="raise", foreign_keys=[became_employee_id]
    )
    company: Mapped[Company | None] = relationship(lazy="raise")


class ApiToken(Base):
    """A key an integration uses to act as an employee through the API: only its SHA-256 is
    kept, with a name to recognise it by, when it was last used and when it stops working."""

    __tablename__ = "api_tokens"
    __table_args__ = (Index("ix_api_tokens_employee", "employee_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("employees.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(100))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # The first characters of the token, shown to tell tokens apart.
    hint: Mapped[str] = mapped_column(String(12))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime | None] = mapped_column()
    last_used_at: Mapped[datetime | None] = mapped_column()
    revoked_at: Mapped[datetime | None] = mapped_column()

    employee: Mapped[Employee] = relationship(lazy="raise")
