"""Record ids as people type them: in URLs, forms, filters and bot commands."""

from __future__ import annotations

# Primary keys are 32-bit integers on PostgreSQL; a larger number names no record (and would
# overflow the database driver rather than find nothing).
MAX_ID = 2**31 - 1


def looks_like_id(text: str) -> bool:
    """Whether ``text`` is meant as a number (ASCII digits only: int() also reads "٣")."""
    text = text.strip()
    return text.isascii() and text.isdigit()


def parse_id(text: str) -> int | None:
    """The record id ``text`` spells, or None when it is not a number a record can have."""
    if not looks_like_id(text):
        return None
    digits = text.strip().lstrip("0")
    if not digits or len(digits) > len(str(MAX_ID)):
        return None  # zero, or more digits than any id (and too many for int() past 4,300)
    value = int(digits)
    return value if value <= MAX_ID else None
