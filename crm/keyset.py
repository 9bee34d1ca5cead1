"""Keyset pagination shared by the listings: a page is the rows after (or before) a position
``(moment, id)`` in the listing's order, so a page deep into a large table is one index range,
and a link to it is that position, encoded."""

from __future__ import annotations

import base64
from collections.abc import AsyncGenerator, Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, Generic, Protocol, TypeVar
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, Select, func, literal, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute
from sqlalchemy.sql.base import ExecutableOption

from crm.errors import InvalidInput
from crm.i18n import N_
from crm.ids import parse_id
from db.base import UTCDateTime

Row = TypeVar("Row")

PAGE_SIZE = 50
COUNT_CAP = 10_000
# A text search's matches are counted up to here: the exact count of a common word costs more
# than its page (at a million tickets, a word in 5% of them with a status: 20 ms to count a
# thousand on SQLite, 3-4 ms to count two hundred), and "more than 200 tickets" tells a reader to
# narrow the search as well as a larger number would.
SEARCH_COUNT_CAP = 200


async def count_up_to(session: AsyncSession, query: Select[Any], cap: int) -> int:
    """How many rows ``query`` has, counted no further than ``cap`` + 1 (more than the cap)."""
    capped = query.limit(cap + 1).subquery()
    return int(await session.scalar(select(func.count()).select_from(capped)) or 0)


class Shortcut(Protocol):
    """A filter with a cheaper way to a page than testing its condition row by row: the ticket
    text search, read newest first from its index (crm/tickets/search.py); a deal's expected
    close, whose index serves the count but not the newest-first page (crm/sales/listing.py)."""

    @property
    def count_cap(self) -> int:
        """The count goes no further than this."""
        ...

    async def count(self, session: AsyncSession, base: Select[Any], cap: int) -> int:
        """How many rows of ``base`` (ids, the other filters) the filter keeps, counted no
        further than ``cap`` + 1."""
        ...

    async def page(
        self, session: AsyncSession, ordered: Select[Any], ascending: bool, limit: int
    ) -> Select[Any]:
        """``ordered`` (the other filters and the position, in the page's order) narrowed so
        that its first ``limit`` rows are those of the filtered listing."""
        ...


@dataclass(frozen=True)
class KeysetPage(Generic[Row]):
    rows: list[Row]
    next_cursor: str | None
    previous_cursor: str | None
    total: int  # capped at COUNT_CAP
    total_is_capped: bool


def day_start(day: date, zone: ZoneInfo) -> datetime:
    """The first moment of ``day`` where ``zone`` keeps its clocks."""
    return datetime.combine(day, time.min, tzinfo=zone)


def within_days(
    query: Select[Row],
    column: InstrumentedAttribute[datetime] | InstrumentedAttribute[datetime | None],
    start: date | None,
    end: date | None,
    zone: ZoneInfo,
) -> Select[Row]:
    """The rows whose ``column`` falls on ``start`` to ``end`` (both days included) in ``zone``."""
    if start and end and start > end:
        raise InvalidInput(N_("the start date is after the end date"), field="from")
    if start:
        query = query.where(column >= day_start(start, zone))
    if end:
        query = query.where(column < day_start(end + timedelta(days=1), zone))
    return query


def encode_cursor(moment: datetime, row_id: int) -> str:
    """A link to the position ``(moment, row_id)``."""
    raw = f"{moment.isoformat()}|{row_id}"
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime, int]:
    """The position an ``encode_cursor`` link points after; anything else is a broken link."""
    broken = InvalidInput(N_("that page link is broken; start from the first page"), field="after")
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        moment_text, id_text = raw.split("|")
        written = datetime.fromisoformat(moment_text)
        # Only an aware moment compares with the stored ones; in UTC it must still be a date.
        moment = written.astimezone(UTC) if written.tzinfo is not None else None
    except (ValueError, UnicodeDecodeError, OverflowError) as error:
        raise broken from error
    row_id = parse_id(id_text)
    if moment is None or row_id is None:
        raise broken
    return moment, row_id


async def read_page(
    session: AsyncSession,
    base: Select[Row],
    *,
    key: tuple[
        InstrumentedAttribute[datetime] | ColumnElement[datetime], InstrumentedAttribute[int]
    ],
    cursor_of: Callable[[Row], str],
    oldest_first: bool,
    cursor: str | None,
    before: str | None,
    page_size: int,
    options: Sequence[ExecutableOption] = (),
    shortcut: Shortcut | None = None,
) -> KeysetPage[Row]:
    """One page of ``base`` ordered by ``key`` (``(moment, id)``; the moment may be an expression
    that is never NULL, such as a task's due time or "someday"): the one after ``cursor``, or
    with ``before`` the one that ends just before that position; and the capped count. A
    ``shortcut`` narrows both further, each its own way."""
    moment_column, id_column = key
    # Backwards is the same keyset read in the opposite order, then turned around.
    backwards = before is not None and cursor is None
    ascending = oldest_first != backwards
    query = base
    if start := before if backwards else cursor:
        moment, row_id = decode_cursor(start)
        # A row-value comparison: both SQLite and PostgreSQL read it as one index range.
        position = tuple_(moment_column, id_column)
        bound = tuple_(literal(moment, UTCDateTime()), literal(row_id))
        query = query.where(position > bound if ascending else position < bound)
    if ascending:
        query = query.order_by(moment_column.asc(), id_column.asc())
    else:
        query = query.order_by(moment_column.desc(), id_column.desc())
    if shortcut is not None:
        query = await shortcut.page(session, query, ascending, page_size + 1)
    # unique(): a collection joined into the page's query repeats its row once per member.
    rows = list((await session.scalars(query.options(*options).limit(page_size + 1))).unique())
    has_more = len(rows) > page_size
    page = rows[:page_size]
    if backwards:
        page.reverse()
        # Read backwards, "more" lies before; after this page is the one it was asked from.
        previous = cursor_of(page[0]) if has_more and page else None
        following = cursor_of(page[-1]) if page else None
    else:
        previous = cursor_of(page[0]) if cursor and page else None
        following = cursor_of(page[-1]) if has_more and page else None
    counted = base.with_only_columns(id_column).order_by(None)
    if shortcut is None:
        cap = COUNT_CAP
        total = await count_up_to(session, counted, cap)
    else:
        cap = shortcut.count_cap
        total = await shortcut.count(session, counted, cap)
    return KeysetPage(
        rows=page,
        next_cursor=following,
        previous_cursor=previous,
        total=min(total, cap),
        total_is_capped=total > cap,
    )


async def in_chunks(
    read: Callable[[str | None], Awaitable[tuple[list[Row], str | None]]],
) -> AsyncGenerator[list[Row]]:
    """Every row of a listing, a page at a time, in its order: ``read(cursor)`` gives a page's
    rows and the next page's cursor (None after the last). For CSV exports."""
    cursor: str | None = None
    while True:
        rows, cursor = await read(cursor)
        if rows:
            yield rows
        if cursor is None:
            return
