"""Who works on a ticket: a manager assigns it to someone who takes tickets, an employee takes
one; the assignee and the client are told (crm/tickets/notices.py), in the caller's
transaction."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, case, exists, select
from sqlalchemy.ext.asyncio import AsyncSession

from crm.errors import InvalidInput
from crm.i18n import N_
from crm.notify import Notifier
from crm.people.staff_search import StaffRef, find_staff
from crm.permissions import (
    Actor,
    is_helper,
    is_manager,
    manager_rows,
    practitioner_rows,
    require_staff,
)
from crm.tickets import hooks as ticket_hooks
from crm.tickets import notices as ticket_notices
from crm.tickets.rules import (
    OPEN_STATUSES,
    can_take,
    require,
)
from crm.tickets.tickets import record_event, record_move, ticket_for
from db.enums import TicketEventKind, TicketStatus
from db.models import (
    CoachProfile,
    Employee,
    Ticket,
    teacher_languages,
)


async def _assign(
    session: AsyncSession,
    notifier: Notifier,
    ticket: Ticket,
    assignee: Employee,
    actor: Employee,
    now: datetime,
) -> Ticket:
    if not assignee.active:
        raise InvalidInput(
            N_("{name} no longer works here and cannot be assigned"), name=assignee.full_name
        )
    if ticket.status not in OPEN_STATUSES:
        raise InvalidInput(N_("ticket #{ticket_id} is no longer open"), ticket_id=ticket.id)
    if ticket.assignee_id == assignee.id:
        raise InvalidInput(
            N_("ticket #{ticket_id} is already assigned to {name}"),
            ticket_id=ticket.id,
            name=assignee.full_name,
        )
    record_event(
        ticket,
        TicketEventKind.ASSIGNED,
        author=actor,
        now=now,
        from_value=ticket.assignee.full_name if ticket.assignee else None,
        to_value=assignee.full_name,
    )
    ticket.assignee = assignee
    moved = ticket.status is TicketStatus.NEW
    if moved:
        record_move(ticket, TicketStatus.ASSIGNED, actor, now)
    await session.flush()
    await ticket_notices.ticket_assigned(session, notifier, ticket, now=now)
    if moved:
        await ticket_hooks.ticket_moved(session, ticket, TicketStatus.NEW, now=now)
    return ticket


async def assign_ticket(
    session: AsyncSession,
    notifier: Notifier,
    *,
    actor: Actor,
    ticket_id: int,
    assignee: StaffRef,
    now: datetime,
) -> Ticket:
    """Give the ticket to an employee who takes tickets (``takes_tickets``; managers only); the
    employee and the client are told."""
    employee = require_staff(actor)
    ticket = await ticket_for(session, actor=employee, ticket_id=ticket_id)
    require(is_manager(employee))
    chosen = await find_staff(session, assignee)
    taker = await session.scalar(select(exists().where(Employee.id == chosen.id, takes_tickets())))
    if chosen.active and not taker:
        raise InvalidInput(
            N_("{name} does not take tickets: choose someone who does"),
            field="assignee",
            name=chosen.full_name,
        )
    return await _assign(session, notifier, ticket, chosen, employee, now)


def takes_tickets() -> ColumnElement[bool]:
    """Who may be given a ticket: active owners, administrators and specialists, but not the
    specialists whose work is teaching or coaching (a teacher's languages, a coach profile),
    nor helpers."""
    teaches = exists().where(teacher_languages.c.employee_id == Employee.id)
    coaches = exists().where(CoachProfile.employee_id == Employee.id)
    return manager_rows() | (practitioner_rows() & ~teaches & ~coaches)


async def works_the_desk(session: AsyncSession, *, actor: Actor) -> bool:
    """Whether the service desk is part of ``actor``'s work: those who take tickets
    (``takes_tickets``), the helpers who follow their clients' tickets, and anyone with a ticket
    of their own. A teacher or a coach is not shown the repair queue."""
    employee = require_staff(actor)
    if is_helper(employee):
        return True
    takes = select(Employee.id).where(Employee.id == employee.id, takes_tickets())
    assigned = select(Ticket.id).where(Ticket.assignee_id == employee.id)
    return bool(await session.scalar(select(exists(takes) | exists(assigned))))


async def ticket_assignees(
    session: AsyncSession, *, actor: Actor, ticket: Ticket
) -> list[Employee]:
    """Whom a manager may assign ``ticket`` to (``takes_tickets``): the ticket's department's
    people first, then by name."""
    require(is_manager(require_staff(actor)))
    elsewhere = case((Employee.department_id == ticket.department_id, 0), else_=1)
    found = await session.scalars(
        select(Employee).where(takes_tickets()).order_by(elsewhere, Employee.full_name, Employee.id)
    )
    return list(found)


async def take_ticket(
    session: AsyncSession, notifier: Notifier, *, actor: Actor, ticket_id: int, now: datetime
) -> Ticket:
    """Assign an unassigned ticket to oneself."""
    employee = require_staff(actor)
    ticket = await ticket_for(session, actor=employee, ticket_id=ticket_id)
    if ticket.assignee_id is not None and ticket.status in OPEN_STATUSES:
        raise InvalidInput(
            N_("ticket #{ticket_id} is already assigned to {name}"),
            ticket_id=ticket.id,
            name=ticket.assignee.full_name if ticket.assignee else "",
        )
    require(can_take(employee, ticket))
    return await _assign(session, notifier, ticket, employee, employee, now)
