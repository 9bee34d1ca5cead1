"""Employees: adding, updating, and finding them."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from crm.errors import Conflict, InvalidInput, NotFound
from crm.i18n import N_
from crm.passwords import check_password_strength, hash_password
from db.enums import Role
from db.models import Client, Department, Employee

MAX_NAME_LENGTH = 200
MAX_LOGIN_LENGTH = 64  # Employee.web_login's column


@dataclass(frozen=True)
class EmployeeDraft:
    """What ``crm staff add`` (or an admin) says about an employee."""

    telegram_id: int
    full_name: str
    role: Role
    username: str | None = None
    department: str | None = None
    position: str | None = None
    login: str | None = None
    password: str | None = None
    experience_years: int | None = None
    salary: Decimal | None = None


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


def check_login(login: str, field: str | None = None) -> None:
    """A web login fits its column; longer ones could never sign in."""
    if len(login) > MAX_LOGIN_LENGTH:
        raise InvalidInput(
            N_("the login is longer than {length} characters"),
            field=field,
            length=MAX_LOGIN_LENGTH,
        )


def clean_username(username: str | None) -> str | None:
    """A Telegram username without the leading ``@``, or None when blank."""
    if username is None:
        return None
    cleaned = username.strip().lstrip("@")
    return cleaned or None


def _check_draft(draft: EmployeeDraft) -> str:
    if draft.telegram_id <= 0:
        raise InvalidInput(
            N_("telegram id must be a positive number, not {value}"), value=draft.telegram_id
        )
    name = clean_name(draft.full_name)
    if draft.login is not None:
        if not draft.login.strip():
            raise InvalidInput(N_("the login must not be empty"))
        check_login(draft.login.strip())
        if draft.password is None:
            raise InvalidInput(N_("a login needs a password"))
        check_password_strength(draft.password)
    return name


async def _department_named(session: AsyncSession, name: str) -> Department:
    department = await session.scalar(select(Department).where(Department.name == name))
    if department is None:
        department = Department(name=name)
        session.add(department)
    return department


async def save_employee(session: AsyncSession, draft: EmployeeDraft) -> tuple[Employee, bool]:
    """Create or update the employee with ``draft.telegram_id``; returns (employee, created)."""
    name = _check_draft(draft)
    client = await session.scalar(select(Client).where(Client.telegram_id == draft.telegram_id))
    if client is not None:
        raise Conflict(
            N_("telegram id {telegram_id} already belongs to client #{client_id} ({name})"),
            telegram_id=draft.telegram_id,
            client_id=client.id,
            name=client.full_name,
        )
    login = draft.login.strip() if draft.login else None
    if login is not None:
        holder = await session.scalar(select(Employee).where(Employee.web_login == login))
        if holder is not None and holder.telegram_id != draft.telegram_id:
            raise Conflict(
                N_("login {login} is already used by employee #{employee_id}"),
                login=login,
                employee_id=holder.id,
            )

    employee = await session.scalar(
        select(Employee).where(Employee.telegram_id == draft.telegram_id)
    )
    created = employee is None
    if employee is None:
        employee = Employee(telegram_id=draft.telegram_id, full_name=name, role=draft.role)
        session.add(employee)
    employee.full_name = name
    employee.role = draft.role
    employee.active = True
    if draft.username is not None:
        employee.username = clean_username(draft.username)
    if draft.position is not None:
        employee.position = draft.position.strip() or None
    if draft.department is not None:
        department_name = draft.department.strip()
        employee.department = (
            await _department_named(session, department_name) if department_name else None
        )
    if draft.experience_years is not None:
        employee.experience_years = draft.experience_years
    if draft.salary is not None:
        employee.salary = draft.salary
    if login is not None and draft.password is not None:
        employee.web_login = login
        employee.password_hash = hash_password(draft.password)
        end_sessions_of(employee)
    await session.flush()
    return employee, created


async def active_staff_with_telegram(session: AsyncSession) -> list[Employee]:
    """Every active employee who can be reached in Telegram."""
    result = await session.scalars(
        select(Employee)
        .where(Employee.active.is_(True), Employee.telegram_id.is_not(None))
        .order_by(Employee.id)
    )
    return list(result)


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
