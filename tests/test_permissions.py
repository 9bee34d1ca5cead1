"""The roles' predicates in crm/permissions.py: each rule once, written out here by hand, and
the SQL form of each picking exactly the employees its Python form holds for."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy import select

from crm.errors import PermissionDenied
from crm.permissions import (
    Actor,
    Stranger,
    is_helper,
    is_manager,
    is_practitioner,
    is_staff,
    manager_rows,
    practitioner_rows,
    require_manager,
    require_staff,
)
from db.engine import Database
from db.enums import Role
from db.models import Client, Employee

# Who each predicate holds for: role (or client, stranger) and whether still employed.
PEOPLE: dict[str, Actor] = {
    "owner": Employee(full_name="Olga", role=Role.OWNER, active=True),
    "admin": Employee(full_name="Anna", role=Role.ADMIN, active=True),
    "specialist": Employee(full_name="Ivan", role=Role.SPECIALIST, active=True),
    "helper": Employee(full_name="Pavel", role=Role.HELPER, active=True),
    "former owner": Employee(full_name="Oleg", role=Role.OWNER, active=False),
    "former specialist": Employee(full_name="Igor", role=Role.SPECIALIST, active=False),
    "former helper": Employee(full_name="Petr", role=Role.HELPER, active=False),
    "client": Client(full_name="Maria"),
    "stranger": Stranger(telegram_id=42),
}
HOLDS: dict[Callable[[Actor], bool], set[str]] = {
    is_staff: {"owner", "admin", "specialist", "helper"},
    is_manager: {"owner", "admin"},
    is_practitioner: {"owner", "admin", "specialist"},
    is_helper: {"helper"},
}


@pytest.mark.parametrize("predicate", list(HOLDS), ids=lambda predicate: predicate.__name__)
def test_each_predicate_holds_for_exactly_its_people(predicate: Callable[[Actor], bool]) -> None:
    assert {name for name, actor in PEOPLE.items() if predicate(actor)} == HOLDS[predicate]


def test_the_refusing_forms_refuse_exactly_whom_the_predicates_leave_out() -> None:
    for name, actor in PEOPLE.items():
        for require, holds in ((require_staff, is_staff), (require_manager, is_manager)):
            if holds(actor):
                assert require(actor) is actor, name
            else:
                with pytest.raises(PermissionDenied):
                    require(actor)


async def test_the_sql_forms_pick_the_employees_the_predicates_hold_for(
    database: Database,
) -> None:
    async with database.writer() as session, session.begin():
        staff = [
            Employee(full_name=name, role=actor.role, active=actor.active)
            for name, actor in PEOPLE.items()
            if isinstance(actor, Employee)
        ]
        session.add_all(staff)
    async with database.reader() as session:
        for rows, predicate in ((manager_rows, is_manager), (practitioner_rows, is_practitioner)):
            picked = set(await session.scalars(select(Employee.full_name).where(rows())))
            assert picked == HOLDS[predicate], rows.__name__
