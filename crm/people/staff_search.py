"""Finding the employee someone meant, by id or by username, with the closest usernames when
there is none."""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from crm.errors import NotFound
from crm.i18n import N_
from db.models import Employee

SUGGESTIONS = 3


@dataclass(frozen=True)
class StaffRef:
    """Which employee is meant, as the edge read it: by id (a form's choice) or by username
    (``@ivan`` typed in the bot, without the ``@``)."""

    employee_id: int | None = None
    username: str | None = None


async def find_staff(session: AsyncSession, wanted: StaffRef) -> Employee:
    """The employee with that username (any case, no ``@``) or that id.

    When there is none, NotFound names the closest usernames of active staff (or, when nothing
    is close, the first few of them), so a typo is one glance from being fixed.
    """
    employee: Employee | None = None
    username, employee_id = wanted.username, wanted.employee_id
    if employee_id is not None:
        employee = await session.get(Employee, employee_id)
        reference = str(employee_id)
    else:
        name = (username or "").lstrip("@").lower()
        reference = f"@{name}"
        if name:
            employee = await session.scalar(
                select(Employee).where(func.lower(Employee.username) == name)
            )
    if employee is not None:
        return employee
    usernames = list(
        await session.scalars(
            select(Employee.username)
            .where(Employee.active.is_(True), Employee.username.is_not(None))
            .order_by(Employee.id)
        )
    )
    by_lower = {name.lower(): name for name in usernames if name}
    close = difflib.get_close_matches(reference.lstrip("@").lower(), by_lower, n=SUGGESTIONS)
    suggestions = [by_lower[name] for name in close] or list(by_lower.values())[:SUGGESTIONS]
    if not suggestions:
        raise NotFound(N_("no employee {reference}"), reference=reference)
    raise NotFound(
        N_("no employee {reference}; did you mean {suggestions}?"),
        reference=reference,
        suggestions=", ".join(f"@{name}" for name in suggestions),
    )
