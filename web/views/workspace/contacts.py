"""My contacts on the site: the list (searched), and the form to add, change or delete one."""

from __future__ import annotations

from typing import Any

import aiohttp_jinja2
from aiohttp import web

from crm.workspace.contacts import (
    ContactDraft,
    delete_contact,
    get_contact,
    list_contacts,
    save_contact,
)
from web.forms import Field, Reader, fields_from
from web.i18n import Gettext, words
from web.keys import SETTINGS, db_session, employee
from web.views.crud import FieldsFor, delete_page, edit_page, object_id


@aiohttp_jinja2.template("workspace/contacts.html")
async def contact_list(request: web.Request) -> dict[str, Any]:
    """My contacts by name; ``?q=`` searches every field."""
    search = request.query.get("q", "")
    contacts, total = await list_contacts(
        db_session(request), actor=employee(request), search=search
    )
    return {"contacts": contacts, "total": total, "search": search}


def _fields(_: Gettext) -> FieldsFor:
    async def fields(values: dict[str, Any], errors: dict[str, str]) -> list[Field]:
        field = fields_from(values, errors)
        return [
            field("name", _("Name"), required=True),
            field("email", _("E-mail"), "email"),
            field("phone", _("Phone"), "tel"),
            field("company", _("Company")),
            field("note", _("Note"), "textarea"),
        ]

    return fields


async def contact_form(request: web.Request) -> web.StreamResponse:
    """A contact of mine, new or to change."""
    session, actor = db_session(request), employee(request)
    contact_id = object_id(request)
    _ = words(request).gettext
    contact = (
        None
        if contact_id is None
        else await get_contact(session, actor=actor, contact_id=contact_id)
    )
    initial: dict[str, Any] = {}
    if contact is not None:
        initial = {
            "name": contact.name,
            "email": contact.email or "",
            "phone": contact.phone or "",
            "company": contact.company or "",
            "note": contact.note or "",
        }

    async def save(reader: Reader) -> str:
        draft = ContactDraft(
            name=reader.text("name"),
            email=reader.text("email"),
            phone=reader.text("phone"),
            company=reader.text("company"),
            note=reader.text("note"),
        )
        reader.done()
        await save_contact(
            session,
            actor=actor,
            draft=draft,
            region=request.app[SETTINGS].default_region,
            contact_id=contact_id,
        )
        return "/contacts"

    return await edit_page(
        request,
        title=_("New contact") if contact is None else _("Edit {name}", name=contact.name),
        initial=initial,
        fields_for=_fields(_),
        save=save,
        saved_message=_("Contact saved."),
        cancel="/contacts",
    )


async def contact_delete(request: web.Request) -> web.StreamResponse:
    """Delete a contact of mine."""
    session, actor = db_session(request), employee(request)
    contact_id = object_id(request)
    assert contact_id is not None
    contact = await get_contact(session, actor=actor, contact_id=contact_id)
    _ = words(request).gettext

    async def delete() -> None:
        await delete_contact(session, actor=actor, contact_id=contact_id)

    return await delete_page(
        request,
        what=_("the contact {name}", name=contact.name),
        delete=delete,
        done=_("Contact deleted."),
        back="/contacts",
        cancel="/contacts",
    )
