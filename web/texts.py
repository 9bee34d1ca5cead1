"""Words of the admin site that come from the domain: refusals and status names."""

from __future__ import annotations

from crm.errors import DomainError
from crm.i18n import translator
from crm.ticket_rules import STATUS_NAMES
from db.enums import TicketStatus

# The site speaks English until its pages are translated; then the reader's language goes here.
SITE_LANGUAGE = "en"


def translate_error(error: DomainError, language: str = SITE_LANGUAGE) -> str:
    """A refusal as a sentence in ``language`` (the page template escapes it)."""
    message = translator(language).gettext(error.message)
    return message.format(**error.params) if error.params else message


def status_name(status: TicketStatus | str, language: str = SITE_LANGUAGE) -> str:
    return translator(language).gettext(STATUS_NAMES[TicketStatus(status)])
