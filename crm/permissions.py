"""Who is who: roles, and the one home of every check on them.

Each rule about roles is one predicate here (``is_staff``, ``is_manager``, ``is_practitioner``,
``is_helper``), with its refusing form where a service needs one (``require_staff``,
``require_manager``) and its SQL form where a query picks employees (``manager_rows``,
``practitioner_rows``). Services and the visibility rules ask these; handlers, views and
templates ask the services, and never compare roles themselves.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TypeGuard

from sqlalchemy import ColumnElement

from crm.errors import PermissionDenied
from crm.i18n import N_
from db.enums import Role
from db.models import Client, Employee

__all__ = [
    "Actor",
    "Audience",
    "Role",
    "Stranger",
    "audience_of",
    "is_helper",
    "is_manager",
    "is_practitioner",
    "is_staff",
    "manager_rows",
    "practitioner_rows",
    "require_manager",
    "require_staff",
]

MANAGER_ROLES = frozenset({Role.OWNER, Role.ADMIN})
# Who takes tickets, coaches and teaches: everyone on staff but helpers.
PRACTITIONER_ROLES = MANAGER_ROLES | {Role.SPECIALIST}
# Each role as people call it (translated where it is shown).
ROLE_NAMES = {
    Role.OWNER: N_("owner"),
    Role.ADMIN: N_("administrator"),
    Role.SPECIALIST: N_("specialist"),
    Role.HELPER: N_("helper"),
}


@dataclass(frozen=True)
class Stranger:
    """Someone Telegram knows but we do not, yet."""

    telegram_id: int


Actor = Employee | Client | Stranger


class Audience(StrEnum):
    """Who a command list, a greeting or a menu is for."""

    STRANGER = "stranger"
    CLIENT = "client"
    OWNER = Role.OWNER.value
    ADMIN = Role.ADMIN.value
    SPECIALIST = Role.SPECIALIST.value
    HELPER = Role.HELPER.value


def audience_of(actor: Actor) -> Audience:
    """The audience ``actor`` belongs to."""
    if isinstance(actor, Employee):
        return Audience(actor.role.value)
    if isinstance(actor, Client):
        return Audience.CLIENT
    return Audience.STRANGER


def is_staff(actor: Actor) -> TypeGuard[Employee]:
    """Active employees: the staff's commands, listings and pages (each with the rows the
    visibility rules give them); not clients, strangers or former staff."""
    return isinstance(actor, Employee) and actor.active


def is_manager(actor: Actor) -> TypeGuard[Employee]:
    """Owners and administrators act on everything: create, edit and delete clients, tickets,
    contracts, employees, departments and the catalog, assign, record payments, see the
    business's figures."""
    return is_staff(actor) and actor.role in MANAGER_ROLES


def is_practitioner(actor: Actor) -> TypeGuard[Employee]:
    """Those who do the clients' work: take tickets, coach, teach, plan sessions, answer
    requests, move clients through programmes (specialists and managers; not helpers)."""
    return is_staff(actor) and actor.role in PRACTITIONER_ROLES


def is_helper(actor: Actor) -> TypeGuard[Employee]:
    """Helpers follow the clients they help (``Client.helper``), not their own work."""
    return is_staff(actor) and actor.role is Role.HELPER


def is_owner(actor: Actor) -> TypeGuard[Employee]:
    """Owners decide what leaves the business: the webhooks other systems are sent."""
    return is_staff(actor) and actor.role is Role.OWNER


def require_owner(actor: Actor) -> Employee:
    """``actor`` as an owner, or PermissionDenied."""
    if is_owner(actor):
        return actor
    raise PermissionDenied(N_("Only owners may do this."))


def require_staff(actor: Actor) -> Employee:
    """``actor`` as an employee, or PermissionDenied for clients and strangers."""
    if is_staff(actor):
        return actor
    raise PermissionDenied(N_("This command is for staff only."))


def require_manager(actor: Actor) -> Employee:
    """``actor`` as an owner or administrator, or PermissionDenied."""
    if is_manager(actor):
        return actor
    raise PermissionDenied(N_("Only owners and administrators may do this."))


def manager_rows() -> ColumnElement[bool]:
    """The employee rows ``is_manager`` holds for."""
    return Employee.active.is_(True) & Employee.role.in_(MANAGER_ROLES)


def practitioner_rows() -> ColumnElement[bool]:
    """The employee rows ``is_practitioner`` holds for."""
    return Employee.active.is_(True) & Employee.role.in_(PRACTITIONER_ROLES)
