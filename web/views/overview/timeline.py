"""How the client page's timeline names the status of each event."""

from __future__ import annotations

from collections.abc import Callable

from crm.overview.timeline import Event
from web.i18n import Words


def event_status(words: Words) -> Callable[[Event], str]:
    """The event's status (or a payment's method) in the page's language; empty when none."""
    return lambda event: words.gettext(event.status_name) if event.status_name else ""
