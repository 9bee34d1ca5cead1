"""Answers that belong to a ticket: a client's or employee's reply to one is filed on it.

A handler's answers leave only after its update's transaction commits, so the message id
Telegram gives an answer is not known inside the handler; the handler says which ticket the
answers it sends are about, and the link is recorded once they are sent.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

_about: ContextVar[int | None] = ContextVar("answers_about_ticket", default=None)


@contextmanager
def about_ticket(ticket_id: int) -> Iterator[None]:
    """The answers sent inside this block are about ticket ``ticket_id``."""
    token = _about.set(ticket_id)
    try:
        yield
    finally:
        _about.reset(token)


def ticket_answered() -> int | None:
    """The ticket the answer being sent now is about, if any."""
    return _about.get()
