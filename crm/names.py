"""Names people type for people and places: one check for staff, clients and departments."""

from __future__ import annotations

from crm.errors import InvalidInput
from crm.i18n import N_

MAX_NAME_LENGTH = 200


def clean_name(name: str, field: str | None = None) -> str:
    """A person's or a department's name, stripped; refused when empty or too long."""
    cleaned = name.strip()
    if not cleaned:
        raise InvalidInput(N_("the name must not be empty"), field=field)
    if len(cleaned) > MAX_NAME_LENGTH:
        raise InvalidInput(
            N_("the name is longer than {length} characters"), field=field, length=MAX_NAME_LENGTH
        )
    return cleaned


def clean_username(username: str | None) -> str | None:
    """A Telegram username without the leading ``@``, or None when blank."""
    if username is None:
        return None
    cleaned = username.strip().lstrip("@")
    return cleaned or None
