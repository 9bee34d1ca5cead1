"""Whose a workspace row is: a client's or an employee's, never both (``OwnedByPerson``)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, false

from crm.errors import PermissionDenied
from crm.i18n import N_
from crm.permissions import Actor, is_staff
from db.models import Client, Employee

Person = Client | Employee


def person_of(actor: Actor) -> Person:
    """``actor`` as someone with a workspace: a client, or an active employee."""
    if isinstance(actor, Client) or is_staff(actor):
        return actor
    raise PermissionDenied(N_("only our clients and staff have a workspace"))


def owner_values(person: Person) -> dict[str, int | None]:
    """The owner columns of a row kept for ``person``."""
    if isinstance(person, Client):
        return {"client_id": person.id, "employee_id": None}
    return {"client_id": None, "employee_id": person.id}


def owned_by(model: Any, actor: Actor) -> ColumnElement[bool]:
    """The rows of ``model`` (an ``OwnedByPerson``) kept for ``actor``; none for a stranger."""
    if isinstance(actor, Client):
        return model.client_id == actor.id  # type: ignore[no-any-return]
    if is_staff(actor):
        return model.employee_id == actor.id  # type: ignore[no-any-return]
    return false()
