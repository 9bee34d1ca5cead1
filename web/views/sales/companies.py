"""Companies on the admin site: the listing (search by name, industry, in the URL) and its CSV,
the suggestions of the client form's company field, a company's page with its contacts, deals,
founders, innovations and events, and the company's own form and deletion."""

from __future__ import annotations

from typing import Any

import aiohttp_jinja2
from aiohttp import web

from crm.people.client_company import company_label
from crm.permissions import is_manager
from crm.sales.companies import CompanyDraft, company_to_change, delete_company, save_company
from crm.sales.company_listing import (
    CompanyFilter,
    company_card,
    export_companies,
    list_companies,
    suggest_companies,
)
from db.models import Company
from web.forms import Field, Reader, fields_from
from web.i18n import Gettext, words
from web.keys import db_session, employee, request_now
from web.views.crud import FieldsFor, delete_page, edit_page, object_id
from web.views.listing import listing_page, stream_csv

FILTER_KEYS = ("q", "industry")


def read_filter(request: web.Request) -> CompanyFilter:
    reader = Reader(request.query, words(request).gettext)  # type: ignore[arg-type]
    return CompanyFilter(search=reader.text("q"), industry=reader.text("industry"))


async def company_list(request: web.Request) -> web.StreamResponse:
    """The listing by name; a broken page link is said above the table, with a 400."""
    wanted, viewer = read_filter(request), employee(request)
    return await listing_page(
        request,
        "companies/list.html",
        path="/companies",
        keys=FILTER_KEYS,
        errors={},
        fetch=lambda after, before: list_companies(
            db_session(request), viewer, wanted, cursor=after, before=before
        ),
        refused_field="after",
        context={"can_edit": is_manager(viewer)},
    )


CSV_HEADER = ["id", "name", "industry", "website", "created"]


def _csv_row(company: Company) -> list[str]:
    return [
        str(company.id),
        company.name,
        company.industry or "",
        company.website or "",
        company.created_at.isoformat(timespec="seconds"),
    ]


async def company_csv(request: web.Request) -> web.StreamResponse:
    """Exactly the listing's rows with the same filter, streamed."""
    chunks = export_companies(db_session(request), employee(request), read_filter(request))
    return await stream_csv(
        request, chunks, filename="companies.csv", header=CSV_HEADER, row=_csv_row
    )


async def company_suggest(request: web.Request) -> web.Response:
    """GET /companies/suggest?q=…: the first companies whose name holds it, as JSON."""
    typed = Reader(request.query).text("q").strip()  # type: ignore[arg-type]
    if not typed:
        return web.json_response([])
    found = await suggest_companies(db_session(request), employee(request), typed)
    return web.json_response(
        [{"id": each.id, "name": each.name, "label": company_label(each)} for each in found]
    )


@aiohttp_jinja2.template("companies/detail.html")
async def company_page(request: web.Request) -> dict[str, Any]:
    company_id = object_id(request)
    assert company_id is not None
    card = await company_card(db_session(request), actor=employee(request), company_id=company_id)
    return {"card": card, "company": card.company, "can_edit": is_manager(employee(request))}


def _fields(_: Gettext) -> FieldsFor:
    async def fields(values: dict[str, Any], errors: dict[str, str]) -> list[Field]:
        field = fields_from(values, errors)

        return [
            field("name", _("Name"), required=True),
            field("industry", _("Industry")),
            field("website", _("Website"), "url", help=_("https://…")),
            field("description", _("Description"), "textarea"),
        ]

    return fields


async def company_form(request: web.Request) -> web.StreamResponse:
    session, actor = db_session(request), employee(request)
    company_id = object_id(request)
    _ = words(request).gettext
    company = await company_to_change(session, actor=actor, company_id=company_id)
    initial: dict[str, Any] = {}
    if company is not None:
        initial = {
            "name": company.name,
            "industry": company.industry or "",
            "website": company.website or "",
            "description": company.description or "",
        }

    async def save(reader: Reader) -> str:
        draft = CompanyDraft(
            name=reader.text("name"),
            industry=reader.text("industry"),
            website=reader.text("website"),
            description=reader.text("description"),
        )
        saved = await save_company(
            session, actor=actor, draft=draft, company_id=company_id, now=request_now(request)
        )
        return f"/companies/{saved.id}"

    return await edit_page(
        request,
        title=_("New company") if company is None else _("Edit {name}", name=company.name),
        initial=initial,
        fields_for=_fields(_),
        save=save,
        saved_message=_("Company saved."),
        cancel="/companies" if company is None else f"/companies/{company.id}",
    )


async def company_delete(request: web.Request) -> web.StreamResponse:
    session, actor = db_session(request), employee(request)
    company_id = object_id(request)
    assert company_id is not None
    company = await company_to_change(session, actor=actor, company_id=company_id)
    assert company is not None
    _ = words(request).gettext
    return await delete_page(
        request,
        what=_("the company {name}", name=company.name),
        delete=lambda: delete_company(session, actor=actor, company_id=company_id),
        done=_("Company deleted."),
        back="/companies",
        cancel=f"/companies/{company_id}",
    )
