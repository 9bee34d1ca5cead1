"""Staff: employees as the bot, the site and the ``crm`` command know them; one way to save one.

Adding, changing and deleting employees and their web logins (signing in:
crm/people/sign_in.py; finding one by id or username: crm/people/staff_search.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, func, select, true
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from crm.errors import Conflict, FieldChecks, InvalidInput, NotFound, PermissionDenied
from crm.i18n import N_
from crm.people.names import clean_name, clean_username
from crm.people.passwords import check_password_strength, hash_password
from crm.people.sign_in import end_sessions_of
from crm.permissions import Actor, manager_rows, require_manager, require_staff
from crm.text_limits import require_fits
from crm.visibility import visible_employees
from db.enums import Role
from db.models import Client, Department, Employee, Ticket, TicketEvent

MAX_LOGIN_LENGTH = 64  # Employee.web_login's column
# What a new employee is unless someone says otherwise: staff who do the work.
NEW_EMPLOYEE_ROLE = Role.SPECIALIST
T = TypeVar("T")


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


def check_login(login: str, field: str | None = None) -> None:
    """A web login fits its column; longer ones could never sign in."""
    if len(login) > MAX_LOGIN_LENGTH:
        raise InvalidInput(
            N_("the login is longer than {length} characters"),
            field=field,
            length=MAX_LOGIN_LENGTH,
        )


async def list_employees(session: AsyncSession, *, actor: Actor) -> list[Employee]:
    """Every employee record, for whoever manages staff (owners and administrators)."""
    require_manager(actor)
    return await _all_staff(session, visible_employees(actor))


async def choosable_staff(session: AsyncSession, *, actor: Actor) -> list[Employee]:
    """The staff a member of staff may pick from: an assignee, a helper, a listing filter."""
    require_staff(actor)
    return await _all_staff(session, true())


async def _all_staff(session: AsyncSession, visible: ColumnElement[bool]) -> list[Employee]:
    return list(
        await session.scalars(
            select(Employee)
            .where(visible)
            .options(selectinload(Employee.department))
            .order_by(Employee.active.desc(), Employee.full_name)
        )
    )


async def get_employee(session: AsyncSession, employee_id: int, *, actor: Actor) -> Employee:
    """One employee's record, for whoever manages staff."""
    require_manager(actor)
    # populate_existing: the signed-in manager is already in the session, loaded without their
    # department, and their own page would read it lazily (a 500).
    employee = await session.get(
        Employee,
        employee_id,
        options=[selectinload(Employee.department)],
        populate_existing=True,
    )
    if employee is None:
        raise NotFound(N_("that employee does not exist"))
    return employee


async def employee_to_change(
    session: AsyncSession, *, actor: Actor, employee_id: int | None
) -> Employee | None:
    """The employee to change (None for a new one), once it is sure ``actor`` may."""
    require_manager(actor)
    return None if employee_id is None else await get_employee(session, employee_id, actor=actor)


async def active_staff_with_telegram(session: AsyncSession) -> list[Employee]:
    """Every active employee who can be reached in Telegram."""
    result = await session.scalars(
        select(Employee)
        .where(Employee.active.is_(True), Employee.telegram_id.is_not(None))
        .order_by(Employee.id)
    )
    return list(result)


async def in_charge_or_managers(session: AsyncSession, employee_id: int | None) -> list[Employee]:
    """Who hears of something ``employee_id`` is in charge of (a deal's owner, an event's
    organiser): that employee while active, the owners and administrators when nobody is; only
    those Telegram can reach."""
    if employee_id is not None:
        told: ColumnElement[bool] = Employee.active.is_(True) & (Employee.id == employee_id)
    else:
        told = manager_rows()
    found = await session.scalars(
        select(Employee).where(told, Employee.telegram_id.is_not(None)).order_by(Employee.id)
    )
    return list(found)


async def save_employee(
    session: AsyncSession,
    *,
    actor: Actor,
    form: EmployeeForm,
    employee_id: int | None,
    password: str | None = None,
) -> Employee:
    """Create or change an employee (owners and administrators; only an owner makes or edits
    owners). The site's form and ``crm staff add`` both end in the one write below."""
    manager = require_manager(actor)
    employee = (
        Employee() if employee_id is None else await get_employee(session, employee_id, actor=actor)
    )
    if Role.OWNER in (form.role, employee.role) and manager.role is not Role.OWNER:
        raise PermissionDenied(N_("Only an owner may make or change an owner."))
    checks = FieldChecks()
    if employee_id == manager.id and (form.role != manager.role or not form.active):
        checks.refuse(N_("you cannot change your own role or switch yourself off"), field="role")
    return await _write(session, employee, form, password, checks)


async def add_from_command_line(
    session: AsyncSession, draft: EmployeeDraft
) -> tuple[Employee, bool]:
    """``crm staff add``: create or update the employee with ``draft.telegram_id``; returns
    (employee, created). Whoever runs the command on the server may give any role: it is how
    the first owner is made. What the draft leaves out stays as it was."""
    employee = await session.scalar(
        select(Employee).where(Employee.telegram_id == draft.telegram_id)
    )
    created = employee is None
    known = employee or Employee()
    if draft.login is not None and not draft.login.strip():
        raise InvalidInput(N_("the login must not be empty"))
    if draft.login is not None and draft.password is None:
        raise InvalidInput(N_("a login needs a password"))
    department_id = known.department_id
    if draft.department is not None:
        named = draft.department.strip()
        department_id = (await _department_named(session, named)).id if named else None
    form = EmployeeForm(
        full_name=draft.full_name,
        role=draft.role,
        telegram_id=draft.telegram_id,
        username=draft.username if draft.username is not None else known.username or "",
        position=draft.position if draft.position is not None else known.position or "",
        department_id=department_id,
        experience_years=_given(draft.experience_years, known.experience_years),
        salary=_given(draft.salary, known.salary),
        web_login=draft.login if draft.login is not None else known.web_login or "",
        language=known.language or "",
        active=True,
    )
    return await _write(session, known, form, draft.password, FieldChecks()), created


def _given(value: T | None, current: T | None) -> T | None:
    return current if value is None else value


async def _write(
    session: AsyncSession,
    employee: Employee,
    form: EmployeeForm,
    password: str | None,
    checks: FieldChecks,
) -> Employee:
    """The one way an employee is saved: every check (all of a form's problems are said at
    once), then every field."""
    name = form.full_name
    with checks.field("full_name"):
        name = clean_name(form.full_name, "full_name")
    if form.telegram_id is not None:
        await _check_telegram_id(session, checks, form.telegram_id, employee)
    login = form.web_login.strip() or None
    if login is not None:
        with checks.field("web_login"):
            check_login(login, "web_login")
        holder = await session.scalar(select(Employee).where(Employee.web_login == login))
        if holder is not None and holder.id != employee.id:
            checks.refuse(
                N_("login {login} is already used by employee #{employee_id}"),
                field="web_login",
                login=login,
                employee_id=holder.id,
            )
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
    session: AsyncSession, checks: FieldChecks, telegram_id: int, employee: Employee
) -> None:
    if telegram_id <= 0:
        checks.refuse(
            N_("telegram id must be a positive number, not {value}"),
            field="telegram_id",
            value=telegram_id,
        )
        return
    client = await session.scalar(select(Client).where(Client.telegram_id == telegram_id))
    if client is not None:
        checks.refuse(
            N_("telegram id {telegram_id} already belongs to client #{client_id} ({name})"),
            field="telegram_id",
            telegram_id=telegram_id,
            client_id=client.id,
            name=client.full_name,
        )
        return
    holder = await session.scalar(select(Employee).where(Employee.telegram_id == telegram_id))
    if holder is not None and holder.id != employee.id:
        checks.refuse(
            N_("telegram id {value} is already someone else's"),
            field="telegram_id",
            value=telegram_id,
        )


async def _department_named(session: AsyncSession, name: str) -> Department:
    department = await session.scalar(select(Department).where(Department.name == name))
    if department is None:
        department = Department(name=name)
        session.add(department)
        await session.flush()
    return department


async def delete_employee(session: AsyncSession, *, actor: Actor, employee_id: int) -> None:
    """Delete an employee with no history; one with history is switched off instead."""
    manager = require_manager(actor)
    employee = await get_employee(session, employee_id, actor=actor)
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


async def employee_ids(session: AsyncSession, column: Any, *where: Any) -> set[int]:
    """The employees ``column`` names (an ``assignee_id``, a ``teacher_id``...) on the rows
    ``where`` picks, without the rows that name nobody."""
    found = await session.scalars(select(column).where(*where, column.is_not(None)))
    return {employee_id for employee_id in found if employee_id is not None}
