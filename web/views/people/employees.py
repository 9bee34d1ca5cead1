"""Employees: role, position, department, experience, salary, web login and password."""

from __future__ import annotations

from typing import Any

import aiohttp_jinja2
from aiohttp import web
from babel.numbers import get_currency_symbol

from crm.coaching.coaches import CoachProfileForm, coach_profile, domains, save_coach_profile
from crm.i18n import N_
from crm.ids import parse_id
from crm.people.clients import former_client_of
from crm.people.departments import list_departments
from crm.people.staff import (
    NEW_EMPLOYEE_ROLE,
    EmployeeForm,
    delete_employee,
    employee_to_change,
    get_employee,
    list_employees,
    save_employee,
)
from crm.permissions import ROLE_NAMES
from crm.school.languages import all_languages, languages_taught, set_teacher_languages
from db.enums import Role
from db.models import Department, ExpertiseDomain, Language
from web.forms import Field, Reader, fields_from
from web.i18n import Gettext, words
from web.keys import AREAS, SETTINGS, area_on, db_session, employee
from web.views.crud import FieldsFor, delete_page, edit_page, object_id

# Telegram ids are 64-bit (a BIGINT column).
TELEGRAM_ID_MAX = 2**63 - 1
LANGUAGES = [("", "—"), ("en", "English"), ("ru", "Русский"), ("fr", "Français")]


@aiohttp_jinja2.template("employees/list.html")
async def employee_list(request: web.Request) -> dict[str, Any]:
    return {"employees": await list_employees(db_session(request), actor=employee(request))}


@aiohttp_jinja2.template("employees/detail.html")
async def employee_page(request: web.Request) -> dict[str, Any]:
    session, actor = db_session(request), employee(request)
    employee_id = object_id(request)
    assert employee_id is not None
    person = await get_employee(session, employee_id, actor=actor)
    coaching = area_on(request, "coaching")
    return {
        "person": person,
        "coaching": coaching,
        "profile": (
            await coach_profile(session, actor=actor, employee_id=person.id) if coaching else None
        ),
        "former_client": await former_client_of(session, actor=actor, employee_id=person.id),
    }


def _chosen(value: Any) -> list[str]:
    """The values of a set of checkboxes, however many were ticked."""
    return [value] if isinstance(value, str) else list(value or [])


def _fields_for(
    departments: list[Department],
    languages: list[Language],
    known_domains: list[ExpertiseDomain],
    currency: str,
    editing: bool,
    _: Gettext,
    areas: frozenset[str],
) -> FieldsFor:
    async def fields(values: dict[str, Any], errors: dict[str, str]) -> list[Field]:
        field = fields_from(values, errors)

        teaching = [
            Field(
                "language_ids",
                _("Teaches (languages)"),
                "checkboxes",
                _chosen(values.get("language_ids")),
                options=[(str(language.id), language.name) for language in languages],
                error=errors.get("language_ids", ""),
            )
        ]
        coaching = [
            field(
                "bio",
                _("Coach's bio"),
                "textarea",
                help=_("leave the coach's fields empty for no coach profile"),
            ),
            field("hourly_rate", _("Hourly rate ({currency})", currency=currency), "number"),
            field(
                "availability",
                _("Availability"),
                "textarea",
                help=_("when they take clients, in their words"),
            ),
            Field(
                "domain_ids",
                _("Expertise domains"),
                "checkboxes",
                _chosen(values.get("domain_ids")),
                options=[(str(domain.id), domain.name) for domain in known_domains],
                error=errors.get("domain_ids", ""),
            ),
        ]
        return [
            field("full_name", _("Full name"), required=True),
            field(
                "role",
                _("Role"),
                "select",
                options=[(role.value, _(ROLE_NAMES[role])) for role in Role],
            ),
            field("position", _("Position")),
            field(
                "department_id",
                _("Department"),
                "select",
                options=[("", "—")] + [(str(d.id), d.name) for d in departments],
            ),
            field("experience_years", _("Experience (years)"), "number"),
            field("salary", _("Salary"), "number"),
            *(teaching if "school" in areas else []),
            field(
                "telegram_id",
                _("Telegram id"),
                "number",
                help=_("the numeric id; the bot recognises them by it"),
            ),
            field("username", _("Telegram username")),
            field("language", _("Bot language"), "select", options=LANGUAGES),
            field("web_login", _("Web login"), help=_("leave empty for no access to this site")),
            Field(
                "password",
                _("New password") if editing else _("Password"),
                "password",
                error=errors.get("password", ""),
                help=_("at least 8 characters; leave empty to keep the current one")
                if editing
                else _("at least 8 characters"),
            ),
            Field("active", _("Active"), "checkbox", values.get("active", "on")),
            *(coaching if "coaching" in areas else []),
        ]

    return fields


async def employee_form(request: web.Request) -> web.StreamResponse:
    actor = employee(request)
    employee_id = object_id(request)
    session = db_session(request)
    _ = words(request).gettext
    person = await employee_to_change(session, actor=actor, employee_id=employee_id)
    departments = [row.department for row in await list_departments(session, actor=actor)]
    languages = await all_languages(session)
    known_domains = [row.domain for row in await domains(session, actor=actor)]
    initial: dict[str, Any] = {"role": NEW_EMPLOYEE_ROLE.value, "active": "on"}
    if person is not None:
        initial = {
            "full_name": person.full_name,
            "role": person.role.value,
            "position": person.position or "",
            "department_id": str(person.department_id or ""),
            "experience_years": ""
            if person.experience_years is None
            else str(person.experience_years),
            "salary": "" if person.salary is None else str(person.salary),
            "telegram_id": "" if person.telegram_id is None else str(person.telegram_id),
            "username": person.username or "",
            "language": person.language or "",
            "web_login": person.web_login or "",
            "active": "on" if person.active else "",
            "language_ids": [
                str(language.id)
                for language in await languages_taught(session, actor=actor, employee=person)
            ],
        }
        profile = await coach_profile(session, actor=actor, employee_id=person.id)
        if profile is not None:
            initial |= {
                "bio": profile.bio or "",
                "hourly_rate": "" if profile.hourly_rate is None else str(profile.hourly_rate),
                "availability": profile.availability or "",
                "domain_ids": [str(domain.id) for domain in profile.domains],
            }

    in_money = {"language": words(request).language, "currency": request.app[SETTINGS].currency}
    areas = frozenset(area.name for area in request.app[AREAS])

    async def save(reader: Reader) -> str:
        form = EmployeeForm(
            full_name=reader.text("full_name"),
            role=reader.choice("role", Role, N_("Role"), NEW_EMPLOYEE_ROLE),
            telegram_id=reader.integer("telegram_id", N_("Telegram id"), maximum=TELEGRAM_ID_MAX),
            username=reader.text("username"),
            position=reader.text("position"),
            department_id=reader.identifier("department_id", N_("Department")),
            experience_years=reader.integer("experience_years", N_("Experience")),
            salary=reader.money("salary", **in_money),
            web_login=reader.text("web_login"),
            language=reader.text("language"),
            active=reader.flag("active"),
        )
        language_ids = [parse_id(raw) for raw in reader.form.getall("language_ids", [])]
        if None in language_ids:
            reader.errors["language_ids"] = _("that language does not exist")
        domain_ids = [parse_id(raw) for raw in reader.form.getall("domain_ids", []) if raw]
        if None in domain_ids:
            reader.errors["domain_ids"] = _("that domain does not exist")
        hourly_rate = reader.money("hourly_rate", **in_money)
        # The service checks every field before the reader's own problems are raised, so the
        # form shows them all at once.
        saved = await save_employee(
            session,
            actor=actor,
            form=form,
            employee_id=employee_id,
            password=reader.text("password") or None,
        )
        reader.done()
        # The coach's profile first: refused, it leaves the taught languages untouched. An area
        # that is off has no fields on the form, and what it keeps is left as it is.
        if "coaching" in areas:
            await save_coach_profile(
                session,
                actor=actor,
                employee_id=saved.id,
                form=CoachProfileForm(
                    bio=reader.text("bio"),
                    hourly_rate=hourly_rate,
                    availability=reader.text("availability"),
                    domain_ids=[each for each in domain_ids if each is not None],
                ),
            )
        if "school" in areas:
            await set_teacher_languages(
                session,
                actor=actor,
                employee=saved,
                language_ids=[each for each in language_ids if each is not None],
            )
        return "/employees"

    return await edit_page(
        request,
        title=_("New employee")
        if employee_id is None
        else _("Edit {name}", name=initial["full_name"]),
        initial=initial,
        fields_for=_fields_for(
            departments,
            languages,
            known_domains,
            get_currency_symbol(request.app[SETTINGS].currency, words(request).language),
            editing=employee_id is not None,
            _=_,
            areas=areas,
        ),
        save=save,
        saved_message=_("Employee saved."),
        cancel="/employees",
    )


async def employee_delete(request: web.Request) -> web.StreamResponse:
    actor = employee(request)
    employee_id = object_id(request)
    assert employee_id is not None
    person = await employee_to_change(db_session(request), actor=actor, employee_id=employee_id)
    assert person is not None
    return await delete_page(
        request,
        what=words(request).gettext("the employee {name}", name=person.full_name),
        delete=lambda: delete_employee(db_session(request), actor=actor, employee_id=employee_id),
        done=words(request).gettext("Employee deleted."),
        back="/employees",
        cancel="/employees",
    )
