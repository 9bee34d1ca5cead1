"""Clients, employees and departments through the API: the client cards staff may see, and for
owners and administrators the staff and departments."""

from __future__ import annotations

from pydantic import Field

from crm.errors import InvalidInput
from crm.i18n import N_
from crm.ids import parse_id
from crm.people.clients import ClientForm, clients_by_id, get_client, save_client
from crm.people.departments import list_departments
from crm.people.staff import get_employee, list_employees
from db.enums import ClientStage, Role
from web.api.endpoints import ApiArea, Call, Endpoint, In, Out, Page, Paging
from web.keys import SETTINGS


class ClientOut(Out):
    """A client card."""

    id: int
    full_name: str
    first_name: str | None
    last_name: str | None
    phone: str | None
    email: str | None
    username: str | None
    language: str | None
    stage: ClientStage
    company_id: int | None
    helper_id: int | None
    coach_id: int | None
    unreachable: bool = Field(description="The client blocked the bot: nothing reaches them.")
    notes: str | None


class NewClient(In):
    """A new client card (owners and administrators)."""

    full_name: str = Field(min_length=1, max_length=200)
    first_name: str = Field(default="", max_length=100)
    last_name: str = Field(default="", max_length=100)
    phone: str = Field(default="", max_length=40, description="Any way people write it.")
    email: str = Field(default="", max_length=254)
    username: str = Field(default="", max_length=64)
    language: str = Field(default="", max_length=8, description="en, ru or fr")
    stage: ClientStage = ClientStage.LEAD
    notes: str = Field(default="", max_length=5000)


class ClientQuery(Paging):
    q: str = Field(default="", max_length=200, description="Part of a name, phone, e-mail.")
    stage: list[ClientStage] = Field(default_factory=list, description="Any of these stages.")


class EmployeeOut(Out):
    """An employee (their pay and sign-in are not shown)."""

    id: int
    full_name: str
    role: Role
    position: str | None
    department_id: int | None
    username: str | None
    active: bool


class DepartmentOut(Out):
    """A department (or branch), with how many employees and tickets it has."""

    id: int
    name: str
    address: str | None
    phone: str | None
    takes_tickets: bool
    employees: int
    tickets: int


async def _clients(call: Call) -> Page[ClientOut]:
    wanted: ClientQuery = call.query
    after = 0
    if wanted.after is not None and (after := parse_id(wanted.after) or 0) == 0:
        raise InvalidInput(N_("this page link is not valid"), field="after")
    rows, more = await clients_by_id(
        call.session,
        actor=call.actor,
        search=wanted.q,
        stages=wanted.stage,
        region=call.request.app[SETTINGS].default_region,
        after=after,
        limit=wanted.limit,
    )
    following = str(rows[-1].id) if more else None
    return call.page([ClientOut.model_validate(row) for row in rows], following, None)


async def _client(call: Call) -> ClientOut:
    found = await get_client(call.session, actor=call.actor, client_id=call.ids["client_id"])
    return ClientOut.model_validate(found)


async def _new_client(call: Call) -> ClientOut:
    sent: NewClient = call.body
    made = await save_client(
        call.session,
        actor=call.actor,
        form=ClientForm(
            full_name=sent.full_name,
            first_name=sent.first_name,
            last_name=sent.last_name,
            phone=sent.phone,
            email=sent.email,
            username=sent.username,
            language=sent.language,
            stage=sent.stage,
            notes=sent.notes,
        ),
        client_id=None,
        region=call.request.app[SETTINGS].default_region,
    )
    return ClientOut.model_validate(made)


async def _employees(call: Call) -> Page[EmployeeOut]:
    rows = await list_employees(call.session, actor=call.actor)
    return call.page([EmployeeOut.model_validate(row) for row in rows], None, len(rows))


async def _employee(call: Call) -> EmployeeOut:
    found = await get_employee(call.session, call.ids["employee_id"], actor=call.actor)
    return EmployeeOut.model_validate(found)


async def _departments(call: Call) -> Page[DepartmentOut]:
    rows = await list_departments(call.session, actor=call.actor)
    items = [
        DepartmentOut(
            id=row.department.id,
            name=row.department.name,
            address=row.department.address,
            phone=row.department.phone,
            takes_tickets=row.department.takes_tickets,
            employees=row.employees,
            tickets=row.tickets,
        )
        for row in rows
    ]
    return call.page(items, None, len(items))


API = ApiArea(
    tag="people",
    description="Client cards; employees and departments for owners and administrators.",
    endpoints=(
        Endpoint("GET", "/clients", _clients, "List clients", Page[ClientOut], query=ClientQuery),
        Endpoint(
            "POST",
            "/clients",
            _new_client,
            "Add a client",
            ClientOut,
            status=201,
            body=NewClient,
            location=lambda made: f"/api/v1/clients/{made.id}",  # type: ignore[attr-defined]
        ),
        Endpoint("GET", "/clients/{client_id}", _client, "Read a client", ClientOut),
        Endpoint("GET", "/employees", _employees, "List employees", Page[EmployeeOut]),
        Endpoint("GET", "/employees/{employee_id}", _employee, "Read an employee", EmployeeOut),
        Endpoint("GET", "/departments", _departments, "List departments", Page[DepartmentOut]),
    ),
)
