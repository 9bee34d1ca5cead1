"""Which tickets say a text, for the ticket listing: a substring of a ticket's title or
description, or of one of its replies, notes or client messages, in any case.

Each database keeps a ticket's searched texts as one row of an index (migration 167aa4ca31a4),
so that a page of a common text is read in the listing's order and stops after its rows,
instead of finding every match first:

- SQLite: the FTS5 trigram table ``ticket_search``, one row per ticket, its rowid the ticket's
  id. Ids follow the listing's order, except for the tickets written out of turn, which
  ``ticket_search_late`` lists; a page is the first matches by id among the others, with the
  first matches among those in the listing's order.
- PostgreSQL: ``tickets.search_text``, lowercased, with a trigram index; the planner walks the
  listing's index newest first and tests each row, or reads the trigram index for a rare text.

A text the index cannot serve (under three characters on SQLite, or holding the separator
between the texts) is looked for in the tables themselves.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Integer,
    Select,
    Text,
    column,
    exists,
    func,
    literal_column,
    or_,
    select,
    table,
    union_all,
)
from sqlalchemy import text as sql_text
from sqlalchemy.ext.asyncio import AsyncSession

from crm import keyset
from crm.keyset import Shortcut, count_up_to
from crm.text_search import ESCAPE, containing, contains
from db.base import SQLITE_SEARCH_TABLE, TICKET_SEARCH_COLUMN
from db.enums import TicketEventKind
from db.models import Ticket, TicketEvent

# What people wrote about a ticket, searched with its title and description.
SEARCHED_EVENTS = (TicketEventKind.REPLY, TicketEventKind.NOTE, TicketEventKind.CLIENT_MESSAGE)
# Between a ticket's texts in the index: a substring without it lies within one text.
SEPARATOR = "\x1f"
# A trigram index finds substrings of this many characters or more.
TRIGRAM = 3
# Unindexed: a text found in at most this many tickets is read by id, a commoner one row by row.
IDS_INLINE = 500
# SQLite: the matches by id a page looks through before it takes the exact condition; a text
# with as many is counted with the other filters leading.
PROBE = 2_000
# SQLite: the newest matches of a common text a count joined with another filter looks through
# before it lets the other filter lead (5,000: 2-4 ms at a million tickets).
WALK = 5_000

_SEARCH = table(SQLITE_SEARCH_TABLE, column("rowid", Integer), column("body", Text))
_LATE = table(f"{SQLITE_SEARCH_TABLE}_late", column("ticket_id", Integer))
_SEARCH_TEXT = literal_column(f"{Ticket.__tablename__}.{TICKET_SEARCH_COLUMN}", Text)


def _in_history(text: str) -> Select[int]:
    return select(TicketEvent.ticket_id).where(
        TicketEvent.kind.in_(SEARCHED_EVENTS), contains(TicketEvent.text, text)
    )


def tickets_saying(text: str) -> Select[int]:
    """Ids of the tickets whose title, description, or one of whose replies, notes or client
    messages contains ``text``, read from the tables themselves; an id may come more than once."""
    matching = union_all(
        select(Ticket.id).where(contains(Ticket.title, text)),
        select(Ticket.id).where(contains(Ticket.description, text)),
        _in_history(text),
    ).subquery()
    return select(matching.c.id)


def _said_on_sqlite(text: str) -> ColumnElement[bool]:
    phrase = '"' + text.replace('"', '""') + '"'  # a phrase: the text as it is, quotes and all
    return _SEARCH.c.body.match(phrase)


def matching_on_sqlite(text: str) -> Select[tuple[int]]:
    """Ids of the tickets whose searched texts contain ``text`` (three characters or more, no
    separator), through SQLite's trigram index, in no promised order."""
    return select(_SEARCH.c.rowid).where(_said_on_sqlite(text))


def saying_on_postgresql(text: str) -> ColumnElement[bool]:
    """The tickets whose searched texts contain ``text``, in PostgreSQL's ``search_text``
    (lowercased by the database, as ILIKE would)."""
    return _SEARCH_TEXT.like(func.lower(containing(text)), escape=ESCAPE)


# The planner must weigh this very text and these filters (a common text: walk the listing's
# index newest first; a rare one: the trigram index). After five runs of a prepared statement
# PostgreSQL may keep a generic plan that weighs neither: at a million tickets it read every
# match of a word in 5% of them and sorted them, 230-270 ms a page instead of 25 ms.
CUSTOM_PLANS = "SET LOCAL plan_cache_mode = force_custom_plan"


@dataclass(frozen=True)
class _Condition:
    """A condition the database tests the same way for the page and the count."""

    condition: ColumnElement[bool]

    @property
    def count_cap(self) -> int:
        return keyset.SEARCH_COUNT_CAP

    async def count(self, session: AsyncSession, base: Select[Any], cap: int) -> int:
        return await count_up_to(session, base.where(self.condition), cap)

    async def page(
        self, session: AsyncSession, ordered: Select[Any], ascending: bool, limit: int
    ) -> Select[Any]:
        return ordered.where(self.condition)


async def _edge(session: AsyncSession, text: str, *, ascending: bool) -> int | None:
    """The PROBE-th ticket id matching ``text`` (SQLite), from the oldest or the newest; None
    when fewer match."""
    by_id = _SEARCH.c.rowid.asc() if ascending else _SEARCH.c.rowid.desc()
    first = select(_SEARCH.c.rowid).where(_said_on_sqlite(text)).order_by(by_id)
    found: int | None = await session.scalar(first.offset(PROBE - 1).limit(1))
    return found


@dataclass
class _InIndexOrder:
    """SQLite: the matches read from the trigram index by ticket id, in the page's direction.
    One per listing request: the page, read first, says whether the other filters are narrow."""

    text: str
    alone: bool  # nothing else narrows the listing: the index alone counts
    newest_edge: int | None  # the PROBE-th match by id from the newest; None: fewer matches
    narrow: bool = False  # the other filters kept too few of the newest matches for a page

    @property
    def count_cap(self) -> int:
        return keyset.SEARCH_COUNT_CAP

    async def count(self, session: AsyncSession, base: Select[Any], cap: int) -> int:
        matching = matching_on_sqlite(self.text)
        if self.alone:
            return await count_up_to(session, matching, cap)
        if self.newest_edge is None:  # few matches: looked up by id
            return await count_up_to(session, base.where(Ticket.id.in_(matching)), cap)
        # A common text with another filter. A narrow filter (an assignee) is read from its own
        # index and each entry tested against the matches, gathered once: looking up each of
        # many matches by id costs more (56 ms for 50,000 at a million tickets, against 21 ms);
        # "+ 0" keeps SQLite off that way.
        filters_lead = base.where((Ticket.id + 0).in_(matching))
        if self.narrow:
            return await count_up_to(session, filters_lead, cap)
        # A broad one (a status) may keep enough of the newest WALK matches to pass the cap:
        # joined by id, they are counted in a few ms.
        newest = (
            select(_SEARCH.c.rowid.label("ticket_id"))
            .where(_said_on_sqlite(self.text))
            .order_by(_SEARCH.c.rowid.desc())
            .limit(WALK)
            .subquery()
        )
        walked = await count_up_to(session, base.join(newest, newest.c.ticket_id == Ticket.id), cap)
        return walked if walked > cap else await count_up_to(session, filters_lead, cap)

    async def page(
        self, session: AsyncSession, ordered: Select[Any], ascending: bool, limit: int
    ) -> Select[Any]:
        said = _said_on_sqlite(self.text)
        by_id = _SEARCH.c.rowid.asc() if ascending else _SEARCH.c.rowid.desc()
        others = [] if ordered.whereclause is None else [ordered.whereclause]
        # Tickets in turn: the first matches by id that meet the other filters are the first in
        # the listing's order. Looked for among the first PROBE matches only, read from the
        # index in order; past them, the other filters lead.
        edge = await _edge(session, self.text, ascending=True) if ascending else self.newest_edge
        in_turn = select(_SEARCH.c.rowid).where(
            said,
            exists().where(
                Ticket.id == _SEARCH.c.rowid,
                Ticket.id.not_in(select(_LATE.c.ticket_id)),
                *others,
            ),
        )
        if edge is not None:
            in_turn = in_turn.where(
                _SEARCH.c.rowid <= edge if ascending else _SEARCH.c.rowid >= edge
            )
        ids = list(await session.scalars(in_turn.order_by(by_id).limit(limit)))
        if len(ids) < limit and edge is not None:
            self.narrow = True
            # The other filters are narrow: their index leads in the listing's order, each entry
            # tested against the matches gathered once ("+ 0", as in ``count``: looking each of
            # 50,000 matches up by id and sorting them took 67 ms at a million tickets, 12 ms
            # this way for one assignee).
            return ordered.where((Ticket.id + 0).in_(matching_on_sqlite(self.text)))
        # Tickets out of turn (few, usually none) that match: the page's query orders them.
        late = select(_LATE.c.ticket_id).where(
            exists().where(Ticket.id == _LATE.c.ticket_id, *others),
            exists().where(_SEARCH.c.rowid == _LATE.c.ticket_id, said),
        )
        ids += list(await session.scalars(late))
        return ordered.where(Ticket.id.in_(ids))


async def _unindexed(session: AsyncSession, text: str) -> ColumnElement[bool]:
    """The tickets ``tickets_saying`` finds: a rare text is found first and read by id; a common
    one is tested row by row in the listing's order, where a page's worth turns up soon."""
    # Read as they come (a ticket may come twice): a common text stops the reading early.
    ids = list(await session.scalars(tickets_saying(text).limit(IDS_INLINE + 1)))
    if len(ids) <= IDS_INLINE:
        return Ticket.id.in_(sorted(set(ids)))
    said = _in_history(text).where(TicketEvent.ticket_id == Ticket.id).exists()
    return or_(contains(Ticket.title, text), contains(Ticket.description, text), said)


async def text_search(session: AsyncSession, text: str, *, alone: bool) -> Shortcut:
    """How the listing finds the tickets that say ``text`` (stripped, not empty); ``alone``
    when no other filter narrows the listing."""
    if SEPARATOR not in text:
        if session.get_bind().dialect.name != "sqlite":
            await session.execute(sql_text(CUSTOM_PLANS))  # for this transaction
            return _Condition(saying_on_postgresql(text))
        if len(text) >= TRIGRAM:
            return _InIndexOrder(text, alone, await _edge(session, text, ascending=False))
    return _Condition(await _unindexed(session, text))
