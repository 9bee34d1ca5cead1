"""Declarative base with a naming convention so that migrations get stable constraint names."""

from collections.abc import Mapping
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, ClassVar

from sqlalchemy import DateTime, Enum, MetaData, func
from sqlalchemy.ext.asyncio import AsyncAttrs
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


# Indexes that exist on PostgreSQL only (trigram search, made by a migration, not the models):
# schema comparisons leave them out.
POSTGRES_ONLY_INDEXES = frozenset(
    {
        "ix_clients_name_trgm",
        "ix_clients_phone_trgm",
        "ix_tickets_search_trgm",
        # Read by the ticket text search until revision 167aa4ca31a4 replaced them.
        "ix_tickets_title_trgm",
        "ix_tickets_description_trgm",
        "ix_ticket_events_text_trgm",
    }
)


# SQLite's FTS5 table for the ticket text search (and the tables FTS5 keeps for it, and the
# list of tickets written out of turn), made by a migration, not the models.
SQLITE_SEARCH_TABLE = "ticket_search"
# PostgreSQL's searched texts of a ticket, a column of ``tickets`` kept by triggers; the models
# leave it out, so no ticket read loads its whole history.
TICKET_SEARCH_COLUMN = "search_text"


def include_name(name: str | None, type_: str, parent: Mapping[Any, str | None]) -> bool:
    """Alembic's filter for schema comparisons: everything but the PostgreSQL-only indexes and
    column, and SQLite's search tables."""
    if type_ == "table" and name is not None and name.startswith(SQLITE_SEARCH_TABLE):
        return False
    if type_ == "column" and name == TICKET_SEARCH_COLUMN and parent.get("table_name") == "tickets":
        return False
    return not (type_ == "index" and name in POSTGRES_ONLY_INDEXES)


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp stored in UTC and always read back as an aware datetime.

    SQLite keeps no time zone, PostgreSQL does; this makes both behave alike.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: object) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given where an aware one is required")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: object) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def utcnow() -> datetime:
    """The current moment, aware, in UTC."""
    return datetime.now(UTC)


class Base(AsyncAttrs, DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {datetime: UTCDateTime()}


class Timestamped:
    """Creation and last-change times, set by the database layer."""

    created_at: Mapped[datetime] = mapped_column(default=utcnow, server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(
        default=utcnow, onupdate=utcnow, server_default=func.now()
    )


def enum_column(enum: type[StrEnum]) -> Enum:
    """A column of ``enum``'s values stored as plain strings.

    No native enum type, so that adding a value needs no ALTER TYPE on PostgreSQL.
    """
    return Enum(
        enum,
        native_enum=False,
        length=20,
        values_callable=lambda members: [member.value for member in members],
        validate_strings=True,
    )
