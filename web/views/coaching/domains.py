"""Expertise domains: the small catalog coaches and coaching requests are filed under."""

from __future__ import annotations

from typing import Any

import aiohttp_jinja2
from aiohttp import web

from crm.coaching.coaches import delete_domain, domain_to_change, domains, save_domain
from crm.permissions import require_manager
from web.forms import Field, Reader
from web.i18n import words
from web.keys import db_session, employee
from web.views.crud import FieldsFor, delete_page, edit_page, object_id


@aiohttp_jinja2.template("domains/list.html")
async def domain_list(request: web.Request) -> dict[str, Any]:
    actor = employee(request)
    require_manager(actor)  # the catalog's page is its keepers'; staff read domains elsewhere
    return {"rows": await domains(db_session(request), actor=actor)}


async def domain_form(request: web.Request) -> web.StreamResponse:
    actor, session = employee(request), db_session(request)
    domain_id = object_id(request)
    _ = words(request).gettext
    domain = await domain_to_change(session, actor=actor, domain_id=domain_id)
    initial = {"name": domain.name if domain else ""}

    async def fields(values: dict[str, Any], errors: dict[str, str]) -> list[Field]:
        return [
            Field(
                "name",
                _("Name"),
                value=values.get("name", ""),
                required=True,
                error=errors.get("name", ""),
                help=_("what coaches work on: career, leadership, relationships…"),
            )
        ]

    async def save(reader: Reader) -> str:
        await save_domain(session, actor=actor, domain_id=domain_id, name=reader.text("name"))
        return "/domains"

    form: FieldsFor = fields
    return await edit_page(
        request,
        title=_("New domain") if domain is None else _("Rename {name}", name=domain.name),
        initial=initial,
        fields_for=form,
        save=save,
        saved_message=_("Domain saved."),
        cancel="/domains",
    )


async def domain_delete(request: web.Request) -> web.StreamResponse:
    actor, session = employee(request), db_session(request)
    domain_id = object_id(request)
    assert domain_id is not None
    domain = await domain_to_change(session, actor=actor, domain_id=domain_id)
    assert domain is not None
    _ = words(request).gettext
    return await delete_page(
        request,
        what=_("the domain {name}", name=domain.name),
        delete=lambda: delete_domain(session, actor=actor, domain_id=domain_id),
        done=_("Domain deleted."),
        back="/domains",
        cancel="/domains",
    )
