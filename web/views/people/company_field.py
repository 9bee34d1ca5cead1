"""The company a form names (a client card's, an event's): typed or chosen from the
suggestions the sales area's ``/companies/suggest`` gives while typing."""

from __future__ import annotations

import re

from crm.ids import parse_id

# What answers the company field's suggestions (the sales area's, when it is on).
COMPANY_SUGGESTIONS = "/companies/suggest"
_COMPANY_NUMBER = re.compile(r"#?(\d{1,12})(?:\s.*)?", re.DOTALL)


def company_typed(typed: str) -> int | str | None:
    """The company the field names: "#12 Acme" (a suggestion chosen) or "12" is its number
    (0 for one no company can have); any other text its name; nothing, none."""
    text = typed.strip()
    if not text:
        return None
    if (found := _COMPANY_NUMBER.fullmatch(text)) is not None:
        return parse_id(found.group(1)) or 0
    return text
