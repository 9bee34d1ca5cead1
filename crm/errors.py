"""Domain errors: a rule refused the request. Their text is safe to show to the person asking.

``message`` is an English msgid (marked for extraction) with ``{name}`` placeholders; each entry
point translates it and fills ``params`` in.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import sqlalchemy.exc


class DomainError(Exception):
    """Base of every refusal the business rules make."""

    def __init__(
        self, message: str | tuple[str, str], *, field: str | None = None, **params: Any
    ) -> None:
        # A (singular, plural) pair (``NP_``) is said by ``params["count"]``: 1 ticket, 2 tickets.
        message, plural = message if isinstance(message, tuple) else (message, None)
        english = plural if plural is not None and params.get("count") != 1 else message
        super().__init__(english.format(**params) if params else english)
        self.message = message
        self.plural = plural
        self.params = params
        # The form field the refusal is about, so a page can show it next to that field.
        self.field = field


class NotFound(DomainError):
    """The thing asked for does not exist (or is not visible to the asker)."""


class PermissionDenied(DomainError):
    """The asker may not do this."""


class InvalidInput(DomainError):
    """The input is malformed or out of range."""


class InvalidFields(InvalidInput):
    """Several fields refused at once; ``problems`` holds each field's own refusal."""

    def __init__(self, problems: list[InvalidInput]) -> None:
        first = problems[0]
        super().__init__(first.message, field=first.field, **first.params)
        self.problems = problems


class FieldChecks:
    """Collects the refusals of a form's checks, so the person sees every one at once."""

    def __init__(self) -> None:
        self.problems: list[InvalidInput] = []

    @contextmanager
    def field(self, name: str) -> Iterator[None]:
        """A check about field ``name``: its refusal is kept (and tied to that field)."""
        try:
            yield
        except InvalidInput as problem:
            problem.field = problem.field or name
            self.problems.append(problem)

    def refuse(self, message: str, *, field: str, **params: Any) -> None:
        self.problems.append(InvalidInput(message, field=field, **params))

    def done(self) -> None:
        """Raise what was refused: one field's refusal, or ``InvalidFields`` for several."""
        if len(self.problems) == 1:
            raise self.problems[0]
        if self.problems:
            raise InvalidFields(self.problems)


class Conflict(DomainError):
    """The input clashes with what is already recorded."""


def database_unavailable(error: BaseException) -> bool:
    """The database could not be reached or was locked: worth trying the same thing again later.

    Unlike a refusal or a bug, such a failure says nothing about the update itself, so the update
    is left unconfirmed for Telegram to deliver again rather than answered with an apology.
    """
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, sqlalchemy.exc.DBAPIError) and (
            current.connection_invalidated
            or isinstance(current, sqlalchemy.exc.OperationalError | sqlalchemy.exc.InterfaceError)
        ):
            return True  # SQLite "database is locked", a dropped connection
        if isinstance(current, sqlalchemy.exc.TimeoutError | OSError):
            return True  # no pooled connection free in time; refused, reset, unreachable
        orig = getattr(current, "orig", None)
        current = (
            orig if isinstance(orig, BaseException) else (current.__cause__ or current.__context__)
        )
    return False
