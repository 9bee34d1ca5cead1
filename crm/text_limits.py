"""Text that must fit its column: refused with the field's name rather than failing in the
database (PostgreSQL enforces VARCHAR lengths; SQLite would keep any length)."""

from __future__ import annotations

from sqlalchemy import String, inspect

from crm.errors import InvalidInput
from crm.i18n import N_
from db.base import Base


def require_fits(record: Base) -> None:
    """Each text ``record`` holds fits its column, or InvalidInput naming the first too long."""
    for column in inspect(type(record)).columns:
        length = column.type.length if isinstance(column.type, String) else None
        value = getattr(record, column.key, None)
        if length is not None and isinstance(value, str) and len(value) > length:
            raise InvalidInput(
                N_("the text is longer than {length} characters"), field=column.key, length=length
            )
