"""Signing in to the admin site: an employee's web login and password checked, the employee of a
site session that is still valid, and ending their sessions (signing out everywhere)."""

from __future__ import annotations

import asyncio
from functools import cache

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from crm.people.passwords import hash_password, verify_password_async
from db.models import Employee


async def authenticate(session: AsyncSession, login: str, password: str) -> Employee | None:
    """The active employee with this web login and password, else None.

    The hash is checked off the event loop, and as long for an unknown login as for a known one.
    """
    employee = await session.scalar(
        select(Employee).where(
            Employee.web_login == login.strip(),
            Employee.active.is_(True),
            Employee.password_hash.is_not(None),
        )
    )
    if employee is not None and employee.password_hash:
        password_hash = employee.password_hash
    else:
        password_hash = await asyncio.to_thread(_no_such_hash)
    matches = await verify_password_async(password_hash, password)
    return employee if matches and employee is not None else None


@cache
def _no_such_hash() -> str:
    """Checked when a login does not exist, so a wrong login takes as long as a wrong password.

    Made on first use, not at import: hashing is the costliest thing a sign-in does.
    """
    return hash_password("no such account, just burning the same time")


async def get_signed_in_employee(
    session: AsyncSession, employee_id: int, generation: object
) -> Employee | None:
    """The employee of an admin-site session begun in ``generation``, if it is still valid.

    It is not once they are switched off or deleted, or once their sessions were ended since
    (signing out, a new password, being switched off).
    """
    employee = await session.get(Employee, employee_id)
    if employee is None or not employee.active or employee.session_generation != generation:
        return None
    return employee


def end_sessions_of(employee: Employee) -> None:
    """Every admin-site session of ``employee`` ends (in the caller's transaction)."""
    employee.session_generation = (employee.session_generation or 0) + 1


async def sign_out_everywhere(session: AsyncSession, employee_id: int) -> None:
    """Signing out ends the employee's sessions on the server, not only the cookie in hand."""
    await session.execute(
        update(Employee)
        .where(Employee.id == employee_id)
        .values(session_generation=Employee.session_generation + 1)
    )
