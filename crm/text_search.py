"""Searching text columns for what a person typed, with LIKE's wildcards taken literally, and
SQLite's trigram index of ticket texts."""

from __future__ import annotations

from sqlalchemy import ColumnElement, Select, column, select, table
from sqlalchemy.orm import InstrumentedAttribute

from db.base import SQLITE_SEARCH_TABLE

ESCAPE = "\\"
TextColumn = InstrumentedAttribute[str] | InstrumentedAttribute[str | None]


def contains(column: TextColumn, text: str) -> ColumnElement[bool]:
    """``column`` contains ``text``, case-insensitively; ``%``, ``_`` and ``\\`` match themselves.

    The shape ``column ILIKE '%…%' ESCAPE '\\'`` is the one PostgreSQL's trigram indexes serve.
    """
    escaped = text.replace(ESCAPE, ESCAPE * 2).replace("%", ESCAPE + "%").replace("_", ESCAPE + "_")
    return column.ilike(f"%{escaped}%", escape=ESCAPE)


# SQLite's FTS5 trigram table of every searched ticket text (migration 4d8a1c7e9b52).
_SEARCH = table(SQLITE_SEARCH_TABLE, column("ticket_id"), column("body"))
# A trigram index finds substrings of this many characters or more.
TRIGRAM = 3


def indexed_on_sqlite(text: str) -> bool:
    """Whether SQLite's trigram index can find ``text`` (three characters or more)."""
    return len(text) >= TRIGRAM


def tickets_saying_on_sqlite(text: str) -> Select[tuple[int]]:
    """Ids of the tickets whose title, description or searched history contains ``text`` (case
    folded), through SQLite's trigram index; ``text`` must be ``indexed_on_sqlite``."""
    phrase = '"' + text.replace('"', '""') + '"'  # a phrase: the text as it is, quotes and all
    return select(_SEARCH.c.ticket_id).where(_SEARCH.c.body.match(phrase))
