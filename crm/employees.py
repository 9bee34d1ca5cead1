"""Employees as the admin site manages them: the full record, web logins, password resets."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from decimal import Decimal
from functools import cache

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from crm.errors import Conflict, FieldChecks, NotFound, PermissionDenied
from crm.i18n import N_
from crm.passwords import check_password_strength, hash_password, verify_password_async
from crm.permissions import Actor, require_manager
from crm.staff import check_login, clean_name, clean_username, end_sessions_of
from crm.text_limits import require_fits
from db.enums import Role
from db.models import Client, Department, Employee, Ticket, TicketEvent


@cache
def _no_such_hash() -> str:
    """Checked when a login does not exist, so a wrong login takes as long as a wrong password.

    Made on first use, not at import: hashing is the costliest thing a sign-in does.
    """
    return hash_password("no such account, just burning the same time")


@dataclass(frozen=True)
class EmployeeForm:
    full_name: str
    role: Role
    telegram_id: int | None = None
    username: str = ""
    position: str = ""
    department_id: int | None = None
    experience_years: int | None = None
    salary: Decimal | None = None
    web_login: str = ""
    language: str = ""
    active: bool = True


async def list_employees(session: AsyncSession) -> list[Employee]:
    return list(
        await session.scalars(
            select(Employee)
            .options(selectinload(Employee.department))
            .order_by(Employee.active.desc(), Employee.full_name)
        )
    )


async def get_employee(session: AsyncSession, employee_id: int) -> Employee:
    employee = await session.get(Employee, employee_id, options=[selectinload(Employee.department)])
    if employee is None:
        raise NotFound(N_("that employee does not exist"))
    return employee


async def save_employee_form(
    session: AsyncSession,
    *,
    actor: Actor,
    form: EmployeeForm,
    employee_id: int | None,
    password: str | None = None,
) -> Employee:
    """Create or change an employee; only an owner makes or edits owners.

    Every field is checked before anything is refused, so a form shows all its problems at once.
    """
    manager = require_manager(actor)
    employee = Employee() if employee_id is None else await get_employee(session, employee_id)
    if Role.OWNER in (form.role, employee.role) and manager.role is not Role.OWNER:
        raise PermissionDenied(N_("Only an owner may make or change an owner."))
    checks = FieldChecks()
    name = form.full_name
    with checks.field("full_name"):
        name = clean_name(form.full_name, "full_name")
    if employee_id == manager.id and (form.role != manager.role or not form.active):
        checks.refuse(N_("you cannot change your own role or switch yourself off"), field="role")
    if form.telegram_id is not None:
        await _check_telegram_id(session, checks, form.telegram_id, employee_id)
    login = form.web_login.strip() or None
    if login is not None:
        with checks.field("web_login"):
            check_login(login, "web_login")
        holder = await session.scalar(select(Employee).where(Employee.web_login == login))
        if holder is not None and holder.id != employee_id:
            checks.refuse(N_("login {login} is already used"), field="web_login", login=login)
        if employee.password_hash is None and not password:
            checks.refuse(N_("a login needs a password"), field="password")
    if password:
        with checks.field("password"):
            check_password_strength(password)
    if form.department_id is not None and await session.get(Department, form.department_id) is None:
        checks.refuse(N_("that department does not exist"), field="department_id")
    if form.experience_years is not None and not 0 <= form.experience_years <= 80:
        checks.refuse(N_("experience must be between 0 and 80 years"), field="experience_years")
    if form.salary is not None and form.salary < 0:
        checks.refuse(N_("the salary cannot be negative"), field="salary")
    checks.done()
    # A new password, a switch-off or a removed login ends the sessions opened before it.
    ends_sessions = employee.id is not None and (
        bool(password) or (employee.active and not form.active) or login is None
    )
    employee.full_name = name
    employee.role = form.role
    employee.telegram_id = form.telegram_id
    employee.username = clean_username(form.username)
    employee.position = form.position.strip() or None
    employee.department_id = form.department_id
    employee.experience_years = form.experience_years
    employee.salary = form.salary
    employee.web_login = login
    employee.language = form.language or None
    employee.active = form.active
    if password:
        employee.password_hash = hash_password(password)
    if login is None:
        employee.password_hash = None
    require_fits(employee)
    if ends_sessions:
        end_sessions_of(employee)
    session.add(employee)
    await session.flush()
    return employee


async def _check_telegram_id(
    session: AsyncSession, checks: FieldChecks, telegram_id: int, employee_id: int | None
) -> None:
    if telegram_id <= 0:
        checks.refuse(
            N_("telegram id must be a positive number, not {value}"),
            field="telegram_id",
            value=telegram_id,
        )
        return
    holder = await session.scalar(select(Employee).where(Employee.telegram_id == telegram_id))
    client = await session.scalar(select(Client).where(Client.telegram_id == telegram_id))
    if (holder is not None and holder.id != employee_id) or client is not None:
        checks.refuse(
            N_("telegram id {value} is already someone else's"),
            field="telegram_id",
            value=telegram_id,
        )


async def delete_employee(session: AsyncSession, *, actor: Actor, employee_id: int) -> None:
    """Delete an employee with no history; one with history is switched off instead."""
    manager = require_manager(actor)
    employee = await get_employee(session, employee_id)
    if employee.id == manager.id:
        raise Conflict(N_("you cannot delete yourself"))
    if employee.role is Role.OWNER and manager.role is not Role.OWNER:
        raise PermissionDenied(N_("Only an owner may make or change an owner."))
    worked = await session.scalar(
        select(func.count()).select_from(Ticket).where(Ticket.assignee_id == employee.id)
    )
    wrote = await session.scalar(
        select(func.count())
        .select_from(TicketEvent)
        .where(TicketEvent.author_employee_id == employee.id)
    )
    if worked or wrote:
        raise Conflict(
            N_(
                "{name} has worked on tickets, and their history must stay: switch them off "
                "(untick Active) instead"
            ),
            name=employee.full_name,
        )
    await session.delete(employee)
    await session.flush()


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
