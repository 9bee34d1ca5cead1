"""A believable demo business for the sandbox, one part per area that is on: a repair and
support centre (``crm.tickets.demo``), a language school in two branches (``crm.school.demo``)
and a coaching practice (``crm.coaching.demo``), run by one owner.

The people of each part come with it, so a business that runs only the school has no repair
engineers; a Telegram id is a person's place among the people of every area, so it stays the
same whichever areas are on."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from crm.areas import Area, DemoCast, areas_on
from crm.errors import Conflict
from crm.i18n import N_
from crm.people.passwords import hash_password
from db.enums import Role
from db.models import Client, Department, Employee

# Every demo employee signs in to the admin site with their first name and this password.
DEMO_PASSWORD = "frontdoor-demo"  # noqa: S105 - a published demo password, not a secret

# Telegram ids of the demo people: high enough never to be a real account in a sandbox.
DEMO_STAFF_IDS = range(9_100_000_001, 9_100_000_100)
DEMO_CLIENT_IDS = range(9_200_000_001, 9_200_001_000)

# The owner runs every area; everyone else comes with the area they work in (``PEOPLE`` of
# ``crm/<area>/demo.py``), in the areas' order.
_OWNER = ("Olga Smirnova", "olga_owner", Role.OWNER, "Owner", None, 15, None, "ru")


@dataclass(frozen=True)
class DemoLogin:
    """A demo employee's web login, and who they are (what the banner of ``crm run`` lists)."""

    login: str
    name: str
    role: Role
    position: str


def _login(name: str) -> str:
    return name.split()[0].lower()


def _rows(areas: Sequence[Area], kind: str) -> list[tuple[Any, ...]]:
    """The demo's rows of one kind over ``areas``, each name once, in the areas' order."""
    rows: dict[str, tuple[Any, ...]] = {}
    if kind == "staff":
        rows[_OWNER[0]] = _OWNER
    for area in areas:
        for row in getattr(area.demo_people, kind):
            rows.setdefault(row[0], row)
    return list(rows.values())


def _telegram_ids(kind: str, ids: range) -> dict[str, int]:
    """Each demo person's Telegram id: their place among the people of every area."""
    return {
        row[0]: telegram_id
        for telegram_id, row in zip(ids, _rows(areas_on(None), kind), strict=False)
    }


def demo_logins_of(areas: Sequence[Area]) -> tuple[DemoLogin, ...]:
    """Every demo login of ``areas``, in the order the demo adds the people: the list the
    banner of `crm run` prints (with every area, the one a test checks README against)."""
    return tuple(
        DemoLogin(_login(name), name, role, position)
        for name, _, role, position, *_ in _rows(areas, "staff")
    )


def demo_telegram_language(telegram_id: int) -> str | None:
    """The language a demo person's Telegram app is in (what the sandbox plays for them)."""
    everyone = areas_on(None)
    for kind, ids, language in (("staff", DEMO_STAFF_IDS, 7), ("clients", DEMO_CLIENT_IDS, 3)):
        if telegram_id in ids:
            rows = _rows(everyone, kind)
            index = ids.index(telegram_id)
            return rows[index][language] if index < len(rows) else None
    return None


async def demo_logins(session: AsyncSession) -> list[tuple[str, str, Role]]:
    """(login, name, role) of the seeded demo employees who can sign in: what the sandbox's
    sign-in page lists next to ``DEMO_PASSWORD``."""
    rows = await session.execute(
        select(Employee.web_login, Employee.full_name, Employee.role)
        .where(
            Employee.telegram_id.between(DEMO_STAFF_IDS.start, DEMO_STAFF_IDS.stop - 1),
            Employee.active.is_(True),
            Employee.web_login.is_not(None),
            Employee.password_hash.is_not(None),
        )
        .order_by(Employee.telegram_id)
    )
    return [(str(login), name, role) for login, name, role in rows]


async def is_empty(session: AsyncSession) -> bool:
    """Whether the business has no employees, clients or departments yet."""
    for model in (Employee, Client, Department):
        if await session.scalar(select(func.count()).select_from(model)):
            return False
    return True


async def seed_demo(
    session: AsyncSession, *, now: datetime, areas: Sequence[Area] | None = None
) -> dict[str, int]:
    """Fill an empty database with the demo business of ``areas`` (default: every area) as it
    stands at ``now``; returns how many of each were made."""
    if not await is_empty(session):
        raise Conflict(
            N_("the database is not empty; the demo business goes only into an empty one")
        )
    areas = areas_on(None) if areas is None else areas
    cast = _cast(areas)
    session.add_all(cast.departments.values())
    session.add_all(cast.staff.values())
    session.add_all(cast.clients.values())
    await session.flush()
    made = {
        "departments": len(cast.departments),
        "employees": len(cast.staff),
        "clients": len(cast.clients),
    }
    for area in areas:
        if area.demo is not None:
            made.update(await area.demo(session, cast, now))
    return made


def _cast(areas: Sequence[Area]) -> DemoCast:
    """The departments, staff and clients of ``areas``, not yet added to the session."""
    departments = {
        name: Department(
            name=name,
            address=address,
            phone=phone,
            description=description,
            takes_tickets=takes_tickets,
        )
        for name, address, phone, description, takes_tickets in _rows(areas, "departments")
    }
    password_hash = hash_password(DEMO_PASSWORD)
    staff_ids = _telegram_ids("staff", DEMO_STAFF_IDS)
    staff = {}
    for name, username, role, position, department, experience, salary, _app in _rows(
        areas, "staff"
    ):
        staff[username] = Employee(
            telegram_id=staff_ids[name],
            full_name=name,
            username=username,
            role=role,
            position=position,
            department=departments.get(department) if department else None,
            experience_years=experience,
            salary=None if salary is None else Decimal(salary),
            web_login=_login(name),
            password_hash=password_hash,
        )
    client_ids = _telegram_ids("clients", DEMO_CLIENT_IDS)
    clients = {}
    for name, phone, username, language, stage, topic, source, helper in _rows(areas, "clients"):
        clients[name] = Client(
            full_name=name,
            phone=phone,
            telegram_id=client_ids[name],
            username=username,
            language=language,
            stage=stage,
            topic=topic,
            source=source,
            helper=staff.get(helper) if helper else None,
        )
    return DemoCast(departments=departments, staff=staff, clients=clients)
