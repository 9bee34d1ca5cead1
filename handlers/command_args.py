"""The arguments of staff commands: a record's ``/<command> <id> [rest]``, and the employee a
command names."""

from __future__ import annotations

from aiogram.filters import CommandObject

from crm.errors import InvalidInput, NotFound
from crm.i18n import N_
from crm.ids import looks_like_id, parse_id
from crm.people.staff_search import StaffRef


def id_and_rest(command: CommandObject, usage: str, *, rest: bool | None) -> tuple[int, str]:
    """``<id>`` (``#12`` too) and the words after it: required when ``rest``, refused when
    False, optional when None. InvalidInput says ``usage``."""
    words = (command.args or "").strip().split(maxsplit=1)
    number = parse_id(words[0].lstrip("#")) if words else None
    if number is None or (rest is True and len(words) < 2) or (rest is False and len(words) > 1):
        raise InvalidInput(usage)
    return number, words[1] if len(words) > 1 else ""


def staff_ref(typed: str) -> StaffRef:
    """Whom ``/assign`` or ``/teacher`` names: ``@ivan``, ``ivan`` or an employee id."""
    typed = typed.strip()
    if looks_like_id(typed):
        employee_id = parse_id(typed)
        if employee_id is None:
            raise NotFound(N_("no employee {reference}"), reference=typed)
        return StaffRef(employee_id=employee_id)
    return StaffRef(username=typed.lstrip("@"))
