"""Clients: the full card, searchable; helpers see theirs (a client's page with what every area
holds for them: web/views/overview/client_page.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import aiohttp_jinja2
from aiohttp import web

from crm.i18n import N_
from crm.people.client_company import company_label
from crm.people.clients import (
    ClientForm,
    CoachingChoices,
    client_to_change,
    coaching_choices,
    company_of,
    delete_client,
    export_clients,
    list_clients,
    save_client,
)
from crm.permissions import is_manager
from db.enums import ClientStage
from db.models import Client
from web.forms import Field, Reader, fields_from
from web.i18n import Gettext, words
from web.keys import SETTINGS, area_on, db_session, employee
from web.views.crud import FieldsFor, delete_page, edit_page, object_id
from web.views.listing import filter_query, read_statuses, stream_csv
from web.views.people.company_field import COMPANY_SUGGESTIONS, company_typed
from web.views.people.employees import LANGUAGES

# Far past the last page of any client list, and still an OFFSET every database takes.
MAX_PAGE = 1_000_000


FILTER_KEYS = ("q", "stage")


def read_filter(request: web.Request) -> tuple[str, tuple[ClientStage, ...], dict[str, str]]:
    """The listing's filter from the URL (the search, the ticked stages) and what was wrong."""
    reader = Reader(request.query, words(request).gettext)  # type: ignore[arg-type]
    search = reader.text("q")
    stages = read_statuses(reader, ClientStage, key="stage")
    return search, stages, reader.errors


async def client_list(request: web.Request) -> web.StreamResponse:
    reader = Reader(request.query, words(request).gettext)  # type: ignore[arg-type]
    page = reader.integer("page", N_("Page"), minimum=1, maximum=MAX_PAGE) or 1
    if reader.errors:
        raise web.HTTPBadRequest(text="; ".join(reader.errors.values()))
    search, stages, errors = read_filter(request)
    clients: list[Client] = []
    more = False
    if not errors:
        clients, more = await list_clients(
            db_session(request),
            actor=employee(request),
            search=search,
            page=page,
            stages=stages,
            region=request.app[SETTINGS].default_region,
        )
    said = words(request)
    context = {
        "clients": clients,
        "search": search,
        "page": page,
        "more": more,
        "can_edit": is_manager(employee(request)),
        "errors": errors,
        "query": request.query,
        "statuses": [(stage.value, said.stage(stage)) for stage in ClientStage],
        "selected_statuses": {stage.value for stage in stages},
        "filter_query": filter_query(request, FILTER_KEYS),
        "csv_url": f"/clients.csv?{filter_query(request, FILTER_KEYS)}",
    }
    return aiohttp_jinja2.render_template(
        "clients/list.html", request, context, status=400 if errors else 200
    )


CSV_HEADER = ["id", "name", "phone", "email", "username", "stage", "helper", "telegram"]


def csv_row(found: Client) -> list[str]:
    return [
        str(found.id),
        found.full_name,
        found.phone or "",
        found.email or "",
        found.username or "",
        found.stage.value,
        found.helper.full_name if found.helper else "",
        "unreachable" if found.unreachable else ("yes" if found.telegram_id else ""),
    ]


async def client_csv(request: web.Request) -> web.StreamResponse:
    """The clients the listing with the same filter shows, as CSV."""
    search, stages, errors = read_filter(request)
    if errors:
        raise web.HTTPBadRequest(text="; ".join(errors.values()))
    chunks = export_clients(
        db_session(request),
        actor=employee(request),
        search=search,
        stages=stages,
        region=request.app[SETTINGS].default_region,
    )
    return await stream_csv(request, chunks, filename="clients.csv", header=CSV_HEADER, row=csv_row)


def _fields_for(
    choices: CoachingChoices,
    _: Gettext,
    stage: Callable[[ClientStage], str],
    coaching: bool,
    sales: bool,
) -> FieldsFor:
    async def fields(values: dict[str, Any], errors: dict[str, str]) -> list[Field]:
        field = fields_from(values, errors)

        return [
            field(
                "full_name",
                _("Full name"),
                required=not sales,
                help=_("as people see it; left empty, made of the first and last name")
                if sales
                else "",
            ),
            *(
                [
                    field("first_name", _("First name")),
                    field("last_name", _("Last name")),
                    field(
                        "company",
                        _("Company"),
                        help=_("the company's name or number (#12)"),
                        suggest=COMPANY_SUGGESTIONS,
                    ),
                ]
                if sales
                else []
            ),
            field("phone", _("Phone"), help=_("any format; kept as +country number")),
            field("email", _("E-mail"), "email"),
            field("username", _("Telegram username")),
            field("language", _("Language"), "select", options=LANGUAGES),
            field(
                "stage",
                _("Stage"),
                "select",
                options=[(each.value, stage(each)) for each in ClientStage],
            ),
            field("topic", _("Topic"), "textarea"),
            field("method_of_work", _("Method of work"), "textarea"),
            field("notes", _("Notes"), "textarea"),
            field("source", _("Source"), help=_("how they found us")),
            *(
                [
                    field(
                        "coach_id",
                        _("Coach"),
                        "select",
                        options=[("", "—")] + [(str(c.id), c.full_name) for c in choices.coaches],
                    )
                ]
                if coaching
                else []
            ),
            field(
                "helper_id",
                _("Helper"),
                "select",
                options=[("", "—")] + [(str(h.id), h.full_name) for h in choices.helpers],
            ),
            field(
                "became_employee_id",
                _("Became employee"),
                "select",
                options=[("", "—")] + [(str(e.id), e.full_name) for e in choices.employees],
                help=_("a former client who now works with us"),
            ),
            field("unreachable", _("Unreachable in Telegram (blocked the bot)"), "checkbox"),
        ]

    return fields


async def client_form(request: web.Request) -> web.StreamResponse:
    actor = employee(request)
    client_id = object_id(request)
    session = db_session(request)
    _ = words(request).gettext
    client = await client_to_change(session, actor=actor, client_id=client_id)
    choices = await coaching_choices(session, actor=actor)
    coaching, sales = area_on(request, "coaching"), area_on(request, "sales")
    initial: dict[str, Any] = {"stage": ClientStage.LEAD.value}
    if client is not None:
        company = await company_of(session, client)
        initial = {
            "full_name": client.full_name,
            "first_name": client.first_name or "",
            "last_name": client.last_name or "",
            "company": company_label(company) if company is not None else "",
            "phone": client.phone or "",
            "email": client.email or "",
            "username": client.username or "",
            "language": client.language or "",
            "stage": client.stage.value,
            "topic": client.topic or "",
            "method_of_work": client.method_of_work or "",
            "notes": client.notes or "",
            "source": client.source or "",
            "helper_id": str(client.helper_id or ""),
            "coach_id": str(client.coach_id or ""),
            "became_employee_id": str(client.became_employee_id or ""),
            "unreachable": "on" if client.unreachable else "",
        }

    async def save(reader: Reader) -> str:
        form = ClientForm(
            full_name=reader.text("full_name"),
            first_name=reader.text("first_name"),
            last_name=reader.text("last_name"),
            # Without the sales area the form has no company: the card keeps the one it has.
            company=(
                company_typed(reader.text("company"))
                if sales
                else (client.company_id if client is not None else None)
            ),
            phone=reader.text("phone"),
            email=reader.text("email"),
            username=reader.text("username"),
            language=reader.text("language"),
            stage=reader.choice("stage", ClientStage, N_("Stage"), ClientStage.LEAD),
            topic=reader.text("topic"),
            method_of_work=reader.text("method_of_work"),
            notes=reader.text("notes"),
            source=reader.text("source"),
            unreachable=reader.flag("unreachable"),
            helper_id=reader.identifier("helper_id", N_("Helper")),
            # Without the coaching area the form has no coach: the card keeps the one it has.
            coach_id=(
                reader.identifier("coach_id", N_("Coach"))
                if coaching
                else (client.coach_id if client is not None else None)
            ),
            became_employee_id=reader.identifier("became_employee_id", N_("Became employee")),
        )
        reader.done()
        saved = await save_client(
            session,
            actor=actor,
            form=form,
            client_id=client_id,
            region=request.app[SETTINGS].default_region,
        )
        return f"/clients/{saved.id}"

    return await edit_page(
        request,
        title=_("New client") if client_id is None else _("Edit {name}", name=initial["full_name"]),
        initial=initial,
        fields_for=_fields_for(choices, _, words(request).stage, coaching, sales),
        save=save,
        saved_message=_("Client card saved."),
        cancel="/clients" if client_id is None else f"/clients/{client_id}",
    )


async def client_delete(request: web.Request) -> web.StreamResponse:
    actor = employee(request)
    client_id = object_id(request)
    assert client_id is not None
    client = await client_to_change(db_session(request), actor=actor, client_id=client_id)
    assert client is not None
    return await delete_page(
        request,
        what=words(request).gettext("the client card of {name}", name=client.full_name),
        delete=lambda: delete_client(db_session(request), actor=actor, client_id=client_id),
        done=words(request).gettext("Client card deleted."),
        back="/clients",
        cancel=f"/clients/{client_id}",
    )
