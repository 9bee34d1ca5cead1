"""Names and texts people type: one check for the names of staff, clients, departments and
languages, and one for longer texts (descriptions, replies, notes, reasons)."""

from __future__ import annotations

import re

from crm.errors import InvalidInput
from crm.i18n import N_

MAX_NAME_LENGTH = 200
MAX_TEXT_LENGTH = 100_000
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def clean_name(name: str, field: str | None = None, *, longest: int = MAX_NAME_LENGTH) -> str:
    """A person's or a department's name, stripped; refused when empty or longer than
    ``longest`` (what its column holds)."""
    cleaned = name.strip()
    if not cleaned:
        raise InvalidInput(N_("the name must not be empty"), field=field)
    if len(cleaned) > longest:
        raise InvalidInput(
            N_("the name is longer than {length} characters"), field=field, length=longest
        )
    return cleaned


def clean_title(title: str, field: str | None = "title", *, longest: int = MAX_NAME_LENGTH) -> str:
    """A thing's title (a task's, an event's, an innovation's), stripped; refused, as a title,
    when empty or longer than ``longest``."""
    cleaned = title.strip()
    if not cleaned:
        raise InvalidInput(N_("the title must not be empty"), field=field)
    if len(cleaned) > longest:
        raise InvalidInput(
            N_("the title is longer than {length} characters"), field=field, length=longest
        )
    return cleaned


def clean_username(username: str | None) -> str | None:
    """A Telegram username without the leading ``@``, or None when blank."""
    if username is None:
        return None
    cleaned = username.strip().lstrip("@")
    return cleaned or None


def clean_text(text: str | None, *, required: bool, field: str | None = None) -> str:
    """A longer text people write (a description, a reply, a reason), stripped; refused when
    empty (if ``required``) or longer than ``MAX_TEXT_LENGTH``."""
    cleaned = (text or "").strip()
    if required and not cleaned:
        raise InvalidInput(N_("the text must not be empty"), field=field)
    if len(cleaned) > MAX_TEXT_LENGTH:
        raise InvalidInput(
            N_("the text is longer than {length} characters"), field=field, length=MAX_TEXT_LENGTH
        )
    return cleaned


def clean_email(typed: str, field: str | None = "email") -> str | None:
    """An e-mail address as typed, in lower case (one person, one address, whatever the case);
    None when blank; refused when it is not one."""
    email = typed.strip().lower() or None
    if email is not None and not _EMAIL.match(email):
        raise InvalidInput(N_("{email} is not an e-mail address"), field=field, email=email[:80])
    return email
