"""Domain errors: a rule refused the request. Their text is safe to show to the person asking.

``message`` is an English msgid (marked for extraction) with ``{name}`` placeholders; each entry
point translates it and fills ``params`` in.
"""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """Base of every refusal the business rules make."""

    def __init__(self, message: str, *, field: str | None = None, **params: Any) -> None:
        super().__init__(message.format(**params) if params else message)
        self.message = message
        self.params = params
        # The form field the refusal is about, so a page can show it next to that field.
        self.field = field


class NotFound(DomainError):
    """The thing asked for does not exist (or is not visible to the asker)."""


class PermissionDenied(DomainError):
    """The asker may not do this."""


class InvalidInput(DomainError):
    """The input is malformed or out of range."""


class Conflict(DomainError):
    """The input clashes with what is already recorded."""
