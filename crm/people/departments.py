"""Departments (a department with an address is a branch): listing, saving, deleting."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from crm.errors import Conflict, InvalidInput, NotFound
from crm.i18n import N_
from crm.people.names import clean_name
from crm.people.phones import optional_phone
from crm.permissions import Actor, require_manager
from crm.text_limits import require_fits
from crm.visibility import visible_departments
from db.models import Department, Employee, Ticket


@dataclass(frozen=True)
class DepartmentDraft:
    name: str
    address: str = ""
    phone: str = ""
    description: str = ""
    takes_tickets: bool = True


@dataclass(frozen=True)
class DepartmentRow:
    department: Department
    employees: int
    tickets: int


async def list_departments(session: AsyncSession, *, actor: Actor) -> list[DepartmentRow]:
    """Every department with how many employees and tickets it has (owners and administrators)."""
    require_manager(actor)
    employees = (
        select(func.count())
        .where(Employee.department_id == Department.id)
        .correlate(Department)
        .scalar_subquery()
    )
    tickets = (
        select(func.count())
        .where(Ticket.department_id == Department.id)
        .correlate(Department)
        .scalar_subquery()
    )
    rows = await session.execute(
        select(Department, employees, tickets)
        .where(visible_departments(actor))
        .order_by(Department.name)
    )
    return [DepartmentRow(department, int(staff), int(work)) for department, staff, work in rows]


async def get_department(session: AsyncSession, department_id: int, *, actor: Actor) -> Department:
    """One department, for whoever manages them."""
    require_manager(actor)
    department = await session.get(Department, department_id)
    if department is None:
        raise NotFound(N_("that department does not exist"))
    return department


async def department_to_change(
    session: AsyncSession, *, actor: Actor, department_id: int | None
) -> Department | None:
    """The department to change (None for a new one), once it is sure ``actor`` may."""
    require_manager(actor)
    if department_id is None:
        return None
    return await get_department(session, department_id, actor=actor)


async def save_department(
    session: AsyncSession,
    *,
    actor: Actor,
    draft: DepartmentDraft,
    department_id: int | None,
    region: str | None = None,
) -> Department:
    """Create a department, or change one; a phone without its country code is of ``region``."""
    require_manager(actor)
    name = clean_name(draft.name, "name")
    phone = optional_phone(draft.phone, region=region)
    clash = await session.scalar(select(Department).where(Department.name == name))
    if clash is not None and clash.id != department_id:
        raise InvalidInput(
            N_("there is already a department called {name}"), field="name", name=name
        )
    department = (
        Department()
        if department_id is None
        else await get_department(session, department_id, actor=actor)
    )
    department.name = name
    department.address = draft.address.strip() or None
    department.phone = phone
    department.description = draft.description.strip() or None
    department.takes_tickets = draft.takes_tickets
    require_fits(department)
    session.add(department)
    await session.flush()
    return department


async def delete_department(session: AsyncSession, *, actor: Actor, department_id: int) -> None:
    """Delete a department nobody and nothing belongs to."""
    require_manager(actor)
    department = await get_department(session, department_id, actor=actor)
    for model, column, what in (
        (Employee, Employee.department_id, N_("employees")),
        (Ticket, Ticket.department_id, N_("tickets")),
    ):
        count = await session.scalar(
            select(func.count()).select_from(model).where(column == department.id)
        )
        if count:
            raise Conflict(
                N_("{name} still has {count} {what}; move them to another department first"),
                name=department.name,
                count=count,
                what=what,
            )
    await session.delete(department)
    await session.flush()
