"""The arguments of staff commands that act on one record: ``/<command> <id> [rest]``."""

from __future__ import annotations

from aiogram.filters import CommandObject

from crm.errors import InvalidInput
from crm.ids import parse_id


def id_and_rest(command: CommandObject, usage: str, *, rest: bool | None) -> tuple[int, str]:
    """``<id>`` (``#12`` too) and the words after it: required when ``rest``, refused when
    False, optional when None. InvalidInput says ``usage``."""
    words = (command.args or "").strip().split(maxsplit=1)
    number = parse_id(words[0].lstrip("#")) if words else None
    if number is None or (rest is True and len(words) < 2) or (rest is False and len(words) > 1):
        raise InvalidInput(usage)
    return number, words[1] if len(words) > 1 else ""
