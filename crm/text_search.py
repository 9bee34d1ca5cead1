"""Searching text columns for what a person typed, with LIKE's wildcards taken literally."""

from __future__ import annotations

from sqlalchemy import ColumnElement
from sqlalchemy.orm import InstrumentedAttribute

ESCAPE = "\\"
TextColumn = InstrumentedAttribute[str] | InstrumentedAttribute[str | None]


def contains(column: TextColumn, text: str) -> ColumnElement[bool]:
    """``column`` contains ``text``, case-insensitively; ``%``, ``_`` and ``\\`` match themselves.

    The shape ``column ILIKE '%…%' ESCAPE '\\'`` is the one PostgreSQL's trigram indexes serve.
    """
    escaped = text.replace(ESCAPE, ESCAPE * 2).replace("%", ESCAPE + "%").replace("_", ESCAPE + "_")
    return column.ilike(f"%{escaped}%", escape=ESCAPE)
