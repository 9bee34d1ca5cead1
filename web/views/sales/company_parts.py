"""A company's founders and innovations on the admin site: the form to add or change each, and
its removal, all returning to the company's page."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from crm.i18n import N_
from crm.sales.founders import (
    INNOVATION_KIND_NAMES,
    FounderDraft,
    InnovationDraft,
    founder_to_change,
    innovation_to_change,
    remove_founder,
    remove_innovation,
    save_founder,
    save_innovation,
)
from db.enums import InnovationKind
from web.forms import Field, Reader, fields_from
from web.i18n import Gettext, words
from web.keys import db_session, employee
from web.views.crud import FieldsFor, delete_page, edit_page, object_id


def _ids(request: web.Request, part: str) -> tuple[int, int | None]:
    company_id = object_id(request)
    assert company_id is not None
    return company_id, object_id(request, part)


def _founder_fields(_: Gettext) -> FieldsFor:
    async def fields(values: dict[str, Any], errors: dict[str, str]) -> list[Field]:
        field = fields_from(values, errors)

        return [
            field("name", _("Name"), required=True),
            field("email", _("E-mail"), "email"),
            field(
                "linkedin", _("LinkedIn profile"), "url", help=_("the profile's address, https://…")
            ),
        ]

    return fields


async def founder_form(request: web.Request) -> web.StreamResponse:
    session, actor = db_session(request), employee(request)
    company_id, founder_id = _ids(request, "founder_id")
    _ = words(request).gettext
    founder = await founder_to_change(
        session, actor=actor, company_id=company_id, founder_id=founder_id
    )
    initial: dict[str, Any] = {}
    if founder is not None:
        initial = {
            "name": founder.name,
            "email": founder.email or "",
            "linkedin": founder.linkedin or "",
        }

    async def save(reader: Reader) -> str:
        draft = FounderDraft(reader.text("name"), reader.text("email"), reader.text("linkedin"))
        await save_founder(
            session, actor=actor, company_id=company_id, founder_id=founder_id, draft=draft
        )
        return f"/companies/{company_id}#founders"

    return await edit_page(
        request,
        title=_("New founder") if founder is None else _("Edit {name}", name=founder.name),
        initial=initial,
        fields_for=_founder_fields(_),
        save=save,
        saved_message=_("Founder saved."),
        cancel=f"/companies/{company_id}",
    )


async def founder_delete(request: web.Request) -> web.StreamResponse:
    session, actor = db_session(request), employee(request)
    company_id, founder_id = _ids(request, "founder_id")
    assert founder_id is not None
    founder = await founder_to_change(
        session, actor=actor, company_id=company_id, founder_id=founder_id
    )
    assert founder is not None
    _ = words(request).gettext
    return await delete_page(
        request,
        what=_("the founder {name}", name=founder.name),
        delete=lambda: remove_founder(
            session, actor=actor, company_id=company_id, founder_id=founder_id
        ),
        done=_("Founder removed."),
        back=f"/companies/{company_id}",
        cancel=f"/companies/{company_id}",
    )


def _innovation_fields(_: Gettext) -> FieldsFor:
    async def fields(values: dict[str, Any], errors: dict[str, str]) -> list[Field]:
        field = fields_from(values, errors)

        return [
            field("title", _("Title"), required=True),
            field(
                "kind",
                _("Kind"),
                "select",
                options=[(kind.value, _(INNOVATION_KIND_NAMES[kind])) for kind in InnovationKind],
            ),
            field("published_on", _("Published on"), "date"),
            field("description", _("Description"), "textarea"),
        ]

    return fields


async def innovation_form(request: web.Request) -> web.StreamResponse:
    session, actor = db_session(request), employee(request)
    company_id, innovation_id = _ids(request, "innovation_id")
    _ = words(request).gettext
    innovation = await innovation_to_change(
        session, actor=actor, company_id=company_id, innovation_id=innovation_id
    )
    initial: dict[str, Any] = {"kind": InnovationKind.PRODUCT.value}
    if innovation is not None:
        initial = {
            "title": innovation.title,
            "kind": innovation.kind.value,
            "published_on": innovation.published_on.isoformat() if innovation.published_on else "",
            "description": innovation.description or "",
        }

    async def save(reader: Reader) -> str:
        kind = reader.choice("kind", InnovationKind, N_("Kind"), InnovationKind.PRODUCT)
        published_on = reader.day("published_on", N_("Published on"))
        reader.done()
        draft = InnovationDraft(
            reader.text("title"), kind, reader.text("description"), published_on
        )
        await save_innovation(
            session,
            actor=actor,
            company_id=company_id,
            innovation_id=innovation_id,
            draft=draft,
        )
        return f"/companies/{company_id}#innovations"

    return await edit_page(
        request,
        title=_("New innovation")
        if innovation is None
        else _("Edit {name}", name=innovation.title),
        initial=initial,
        fields_for=_innovation_fields(_),
        save=save,
        saved_message=_("Innovation saved."),
        cancel=f"/companies/{company_id}",
    )


async def innovation_delete(request: web.Request) -> web.StreamResponse:
    session, actor = db_session(request), employee(request)
    company_id, innovation_id = _ids(request, "innovation_id")
    assert innovation_id is not None
    innovation = await innovation_to_change(
        session, actor=actor, company_id=company_id, innovation_id=innovation_id
    )
    assert innovation is not None
    _ = words(request).gettext
    return await delete_page(
        request,
        what=_("the innovation {name}", name=innovation.title),
        delete=lambda: remove_innovation(
            session, actor=actor, company_id=company_id, innovation_id=innovation_id
        ),
        done=_("Innovation removed."),
        back=f"/companies/{company_id}",
        cancel=f"/companies/{company_id}",
    )
