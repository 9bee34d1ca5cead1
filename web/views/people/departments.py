"""Departments and branches."""

from __future__ import annotations

from typing import Any

import aiohttp_jinja2
from aiohttp import web

from crm.people.departments import (
    DepartmentDraft,
    delete_department,
    department_to_change,
    list_departments,
    save_department,
)
from web.forms import Field, Reader
from web.i18n import Gettext, words
from web.keys import SETTINGS, area_on, db_session, employee
from web.views.crud import FieldsFor, delete_page, edit_page, object_id


@aiohttp_jinja2.template("departments/list.html")
async def department_list(request: web.Request) -> dict[str, Any]:
    return {
        "rows": await list_departments(db_session(request), actor=employee(request)),
        # A business without the service desk has no tickets to count.
        "tickets_on": area_on(request, "tickets"),
    }


def _fields_for(_: Gettext, tickets_on: bool) -> FieldsFor:
    async def fields(values: dict[str, Any], errors: dict[str, str]) -> list[Field]:
        return _fields(_, values, errors, tickets_on)

    return fields


def _fields(
    _: Gettext, values: dict[str, Any], errors: dict[str, str], tickets_on: bool
) -> list[Field]:
    takes = Field(
        "takes_tickets",
        _("Takes requests"),
        "checkbox",
        values.get("takes_tickets", "on"),
        help=_("offered to clients opening a request, and on the ticket form"),
    )
    return [
        Field(
            "name",
            _("Name"),
            value=values.get("name", ""),
            required=True,
            error=errors.get("name", ""),
        ),
        Field(
            "address",
            _("Address"),
            value=values.get("address", ""),
            error=errors.get("address", ""),
            help=_("a department with an address is a branch clients can visit"),
        ),
        Field("phone", _("Phone"), value=values.get("phone", ""), error=errors.get("phone", "")),
        Field(
            "description",
            _("Description"),
            "textarea",
            values.get("description", ""),
            error=errors.get("description", ""),
        ),
        # A business without the service desk has no requests to take.
        *([takes] if tickets_on else []),
    ]


async def department_form(request: web.Request) -> web.StreamResponse:
    actor = employee(request)
    department_id = object_id(request)
    _ = words(request).gettext
    department = await department_to_change(
        db_session(request), actor=actor, department_id=department_id
    )
    initial: dict[str, Any] = {}
    if department is not None:
        initial = {
            "name": department.name,
            "address": department.address or "",
            "phone": department.phone or "",
            "description": department.description or "",
            "takes_tickets": "on" if department.takes_tickets else "",
        }
    tickets_on = area_on(request, "tickets")

    async def save(reader: Reader) -> str:
        reader.done()
        await save_department(
            db_session(request),
            actor=actor,
            draft=DepartmentDraft(
                reader.text("name"),
                reader.text("address"),
                reader.text("phone"),
                reader.text("description"),
                # Without the field, the department keeps what it had (a new one: it takes them).
                reader.flag("takes_tickets")
                if tickets_on
                else (department.takes_tickets if department is not None else True),
            ),
            department_id=department_id,
            region=request.app[SETTINGS].default_region,
        )
        return "/departments"

    return await edit_page(
        request,
        title=_("New department")
        if department_id is None
        else _("Edit {name}", name=initial["name"]),
        initial=initial,
        fields_for=_fields_for(_, tickets_on),
        save=save,
        saved_message=_("Department saved."),
        cancel="/departments",
    )


async def department_delete(request: web.Request) -> web.StreamResponse:
    actor = employee(request)
    department_id = object_id(request)
    assert department_id is not None
    department = await department_to_change(
        db_session(request), actor=actor, department_id=department_id
    )
    assert department is not None
    return await delete_page(
        request,
        what=words(request).gettext("the department {name}", name=department.name),
        delete=lambda: delete_department(
            db_session(request), actor=actor, department_id=department_id
        ),
        done=words(request).gettext("Department deleted."),
        back="/departments",
        cancel="/departments",
    )
