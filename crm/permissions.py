"""Who is who: roles, and the checks every entry point relies on."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from crm.errors import PermissionDenied
from crm.i18n import N_
from db.enums import Role
from db.models import Client, Employee

__all__ = ["Actor", "Audience", "Role", "Stranger", "audience_of", "require_staff"]

MANAGER_ROLES = frozenset({Role.OWNER, Role.ADMIN})
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


def is_staff(actor: Actor) -> bool:
    """Active employees, whatever their role."""
    return isinstance(actor, Employee) and actor.active


def is_manager(actor: Actor) -> bool:
    """Owners and administrators act on everything."""
    return isinstance(actor, Employee) and actor.active and actor.role in MANAGER_ROLES


def require_manager(actor: Actor) -> Employee:
    """``actor`` as an owner or administrator, or PermissionDenied."""
    if isinstance(actor, Employee) and actor.active and actor.role in MANAGER_ROLES:
        return actor
    raise PermissionDenied(N_("Only owners and administrators may do this."))


def require_staff(actor: Actor) -> Employee:
    """``actor`` as an employee, or PermissionDenied for clients and strangers."""
    if isinstance(actor, Employee) and actor.active:
        return actor
    raise PermissionDenied(N_("This command is for staff only."))
