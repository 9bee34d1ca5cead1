"""How the client page's timeline names the status of each kind of event."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from crm.coaching.rules import SESSION_STATUS_NAMES
from crm.coaching.track_rules import TRACK_STATUS_NAMES
from crm.overview.timeline import Event, EventKind
from crm.school.rules import PAYMENT_METHOD_NAMES
from crm.school.rules import STATUS_NAMES as CONTRACT_STATUS_NAMES
from crm.tickets.rules import STATUS_NAMES as TICKET_STATUS_NAMES
from web.i18n import Words

_NAMES: dict[EventKind, Mapping[Any, str]] = {
    EventKind.TICKET: TICKET_STATUS_NAMES,
    EventKind.CONTRACT: CONTRACT_STATUS_NAMES,
    EventKind.PAYMENT: PAYMENT_METHOD_NAMES,
    EventKind.SESSION: SESSION_STATUS_NAMES,
    EventKind.TRACK: TRACK_STATUS_NAMES,
}


def event_status(words: Words) -> Callable[[Event], str]:
    """The event's status (or a payment's method) in the page's language; empty when none."""

    def named(event: Event) -> str:
        names = _NAMES.get(event.kind)
        if names is None or event.status is None:
            return ""
        return words.gettext(names[event.status])

    return named
