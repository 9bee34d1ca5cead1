"""Words of the admin site that come from the domain: refusals and status names."""

from __future__ import annotations

from crm.errors import DomainError
from crm.ticket_rules import STATUS_NAMES
from db.enums import TicketStatus


def translate_error(error: DomainError) -> str:
    """A refusal as a sentence (the page template escapes it)."""
    return error.message.format(**error.params) if error.params else error.message


def status_name(status: TicketStatus | str) -> str:
    return STATUS_NAMES[TicketStatus(status)]
