"""Searching text columns for what a person typed, with LIKE's wildcards taken literally."""

from __future__ import annotations

from sqlalchemy import ColumnElement
from sqlalchemy.orm import InstrumentedAttribute

ESCAPE = "\\"
TextColumn = InstrumentedAttribute[str] | InstrumentedAttribute[str | None]


def containing(text: str) -> str:
    """The LIKE pattern of the texts that contain ``text``; ``%``, ``_`` and ``\\`` in it match
    themselves (with ``ESCAPE '\\'``)."""
    escaped = text.replace(ESCAPE, ESCAPE * 2).replace("%", ESCAPE + "%").replace("_", ESCAPE + "_")
    return f"%{escaped}%"


def contains(column: TextColumn, text: str) -> ColumnElement[bool]:
    """``column`` contains ``text``, case-insensitively; ``%``, ``_`` and ``\\`` match themselves.

    The shape ``column ILIKE '%…%' ESCAPE '\\'`` is the one PostgreSQL's trigram indexes serve.
    """
    return column.ilike(containing(text), escape=ESCAPE)
