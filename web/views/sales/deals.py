"""Deals on the site: the board (a column per stage, its count and value, its newest cards, each
moved by a small form) and, with ``?view=list``, the filtered list and its CSV export."""

from __future__ import annotations

from typing import Any, NamedTuple

import aiohttp_jinja2
from aiohttp import web

from crm.i18n import N_
from crm.permissions import is_manager
from crm.sales.listing import NO_OWNER, DealFilter, company_choices, export_deals, list_deals
from crm.sales.listing import owner_choices as deal_owners
from crm.sales.pipeline import columns
from crm.sales.rules import PIPELINE, STAGE_NAMES, may_create_deal, moves_for
from db.enums import DealStage
from db.models import Deal
from web.forms import Reader
from web.i18n import words
from web.keys import SETTINGS, db_session, employee
from web.views.listing import listing_page, read_employee, read_statuses, stream_csv

FILTER_KEYS = (
    "view",
    "stage",
    "owner",
    "company",
    "value_from",
    "value_to",
    "close_from",
    "close_to",
)


class OwnerChoice(NamedTuple):
    """An owner the filter offers, shaped as the ``select_filter`` macro reads it."""

    id: int
    full_name: str


class CompanyChoice(NamedTuple):
    """A company the filter offers, shaped as the ``select_filter`` macro reads it."""

    id: int
    name: str


def read_filter(request: web.Request) -> tuple[DealFilter, dict[str, str]]:
    """The list's filter from the URL; bad values are reported next to their field."""
    reader = Reader(request.query, words(request).gettext)  # type: ignore[arg-type]
    language, currency = words(request).language, request.app[SETTINGS].currency
    wanted = DealFilter(
        stages=read_statuses(reader, DealStage, "stage"),
        owner=read_employee(reader, "owner", NO_OWNER, N_("Owner must be an employee id or none")),
        company_id=reader.identifier("company", N_("Company")),
        value_from=reader.money("value_from", language=language, currency=currency),
        value_to=reader.money("value_to", language=language, currency=currency),
        close_from=reader.day("close_from", N_("Expected close from")),
        close_to=reader.day("close_to", N_("Expected close to")),
    )
    return wanted, reader.errors


async def _choices(request: web.Request) -> dict[str, Any]:
    session, viewer = db_session(request), employee(request)
    return {
        "stages": [(stage.value, words(request).named(STAGE_NAMES)(stage)) for stage in PIPELINE],
        "owners": [OwnerChoice(*each) for each in await deal_owners(session, viewer)]
        if is_manager(viewer)
        else [],
        "companies": [CompanyChoice(*each) for each in await company_choices(session)],
        "can_open": may_create_deal(viewer, viewer.id),
    }


async def deal_list(request: web.Request) -> web.StreamResponse:
    """``/deals``: the board; ``/deals?view=list``: the filtered list."""
    if request.query.get("view") == "list":
        return await _list(request)
    return await _board(request)


async def _board(request: web.Request) -> web.StreamResponse:
    """The columns of the viewer's pipeline (a manager's: everyone's, or one owner's)."""
    session, viewer = db_session(request), employee(request)
    reader = Reader(request.query, words(request).gettext)  # type: ignore[arg-type]
    owner_id = reader.identifier("owner", N_("Deal owner")) if is_manager(viewer) else None
    board = await columns(session, viewer, owner_id=owner_id)
    context = {
        "columns": board,
        "moves": {deal.id: moves_for(viewer, deal) for column in board for deal in column.deals},
        "errors": reader.errors,
        "query": request.query,
        **await _choices(request),
    }
    return aiohttp_jinja2.render_template(
        "deals/board.html", request, context, status=400 if reader.errors else 200
    )


async def _list(request: web.Request) -> web.StreamResponse:
    wanted, errors = read_filter(request)
    return await listing_page(
        request,
        "deals/list.html",
        path="/deals",
        keys=FILTER_KEYS,
        errors=errors,
        fetch=lambda after, before: list_deals(
            db_session(request), employee(request), wanted, cursor=after, before=before
        ),
        refused_field="value_from",
        context={
            "selected_statuses": set(request.query.getall("stage", [])),
            **await _choices(request),
        },
    )


CSV_HEADER = [
    "id",
    "created",
    "name",
    "stage",
    "value",
    "currency",
    "client",
    "company",
    "owner",
    "expected_close",
    "lost_reason",
]


def _csv_row(deal: Deal) -> list[str]:
    return [
        str(deal.id),
        deal.created_at.isoformat(timespec="seconds"),
        deal.name,
        deal.stage.value,
        str(deal.value),
        deal.currency,
        deal.client.full_name if deal.client else "",
        deal.company.name if deal.company else "",
        deal.owner.full_name if deal.owner else "",
        deal.expected_close.isoformat() if deal.expected_close else "",
        deal.lost_reason or "",
    ]


async def deal_csv(request: web.Request) -> web.StreamResponse:
    """Exactly the list's rows for its filter, streamed; a bad filter is a 400 before a byte."""
    wanted, errors = read_filter(request)
    if errors:
        raise web.HTTPBadRequest(text="; ".join(errors.values()))
    chunks = export_deals(db_session(request), employee(request), wanted)
    return await stream_csv(request, chunks, filename="deals.csv", header=CSV_HEADER, row=_csv_row)
