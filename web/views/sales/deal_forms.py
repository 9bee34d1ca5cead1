"""Opening, changing and deleting a deal on the site, through web/views/crud.py's shapes: each
refusal next to its field, nothing kept from a refused form."""

from __future__ import annotations

from datetime import date
from typing import Any

from aiohttp import web

from crm.errors import InvalidInput, PermissionDenied
from crm.i18n import N_
from crm.permissions import is_manager
from crm.sales.deals import DealDraft, check_value, delete_deal, edit_deal, load_deal, open_deal
from crm.sales.listing import company_choices, owner_choices
from crm.sales.rules import actions, may_create_deal
from db.models import Deal
from web.forms import Field, FormErrors, Reader, fields_from
from web.i18n import Gettext, words
from web.keys import SETTINGS, db_session, employee, request_now
from web.views.crud import delete_page, edit_page
from web.views.people.client_picker import Picked, client_fields, client_label, pick_client
from web.views.sales.deal_page import deal_id_of


def _initial(deal: Deal | None, words_value: Any, viewer_id: int) -> dict[str, Any]:
    if deal is None:
        return {"owner_id": str(viewer_id)}
    return {
        "name": deal.name,
        "client": client_label(deal.client) if deal.client else "",
        "company_id": str(deal.company_id or ""),
        "value": words_value(deal.value),
        "owner_id": str(deal.owner_id or ""),
        "expected_close": deal.expected_close.isoformat() if deal.expected_close else "",
    }


async def _form(request: web.Request, deal: Deal | None) -> web.StreamResponse:
    session, viewer = db_session(request), employee(request)
    _: Gettext = words(request).gettext
    currency = deal.currency if deal is not None else request.app[SETTINGS].currency
    companies = await company_choices(session)
    owners = await owner_choices(session, viewer)
    picked = Picked()

    async def fields(values: dict[str, Any], errors: dict[str, str]) -> list[Field]:
        field = fields_from(values, errors)
        client = client_fields(values, errors, picked, _)
        client[0].required = False
        client[0].help = _("a name, a phone number or the card's number; may stay empty")
        return [
            field("name", _("Name"), required=True),
            *client,
            field(
                "company_id",
                _("Company"),
                "select",
                options=[("", "—")] + [(str(key), name) for key, name in companies],
                help=_("left empty, the client's company"),
            ),
            field("value", _("Value ({currency})", currency=currency), "number", required=True),
            field(
                "owner_id",
                _("Deal owner"),
                "select",
                options=([("", _("nobody yet"))] if is_manager(viewer) else [])
                + [(str(key), name) for key, name in owners],
            ),
            field("expected_close", _("Expected close"), "date"),
        ]

    async def save(reader: Reader) -> str:
        nonlocal picked
        client_id = None
        if reader.text("client").strip() or reader.text("client_id").strip():
            picked = await pick_client(session, viewer, reader)
            if len(picked.matches) == 1:  # a search that found one client means that client
                picked = Picked(picked.matches[0].id)
            client_id = picked.client_id
        company_id = reader.identifier("company_id", N_("Company"))
        owner_id = reader.identifier("owner_id", N_("Deal owner"))
        value = reader.money("value", language=words(request).language, currency=currency)
        if value is None and "value" not in reader.errors:
            reader.errors["value"] = _("Say the deal's value")
        elif value is not None:
            try:  # said with the other fields' refusals, all at once
                check_value(value)
            except InvalidInput as error:
                reader.errors["value"] = words(request).error(error)
        closes: date | None = reader.day("expected_close", N_("Expected close"))
        reader.done()
        if picked.matches:
            raise FormErrors({})  # a search: the matches are shown to choose from
        assert value is not None
        draft = DealDraft(
            name=reader.text("name"),
            value=value,
            currency=currency,
            client_id=client_id,
            company_id=company_id,
            owner_id=owner_id,
            expected_close=closes,
        )
        now = request_now(request)
        if deal is None:
            opened = await open_deal(session, actor=viewer, draft=draft, now=now)
            return f"/deals/{opened.id}"
        await edit_deal(session, actor=viewer, deal_id=deal.id, draft=draft, now=now)
        return f"/deals/{deal.id}"

    if deal is None:
        title, saved, cancel = _("New deal"), _("Deal opened."), "/deals"
    else:
        title = _("Edit deal #{id}", id=deal.id)
        saved, cancel = _("Deal #{id} saved.", id=deal.id), f"/deals/{deal.id}"
    return await edit_page(
        request,
        title=title,
        initial=_initial(deal, words(request).amount, viewer.id),
        fields_for=fields,
        save=save,
        saved_message=saved,
        cancel=cancel,
    )


async def deal_new(request: web.Request) -> web.StreamResponse:
    """A new deal: a manager's for anyone (or nobody yet), a specialist's their own."""
    if not may_create_deal(employee(request), employee(request).id):
        raise PermissionDenied(N_("You may not do this with that deal."))
    return await _form(request, None)


async def deal_edit(request: web.Request) -> web.StreamResponse:
    """Change a deal: its owner while it is open, owners and administrators."""
    viewer = employee(request)
    deal = await load_deal(db_session(request), deal_id_of(request), visible_to=viewer)
    if "edit" not in actions(viewer, deal):
        raise PermissionDenied(N_("You may not do this with that deal."))
    return await _form(request, deal)


async def deal_delete(request: web.Request) -> web.StreamResponse:
    """A confirmation page, then the deletion with its history and tasks (POST only)."""
    session, viewer = db_session(request), employee(request)
    deal_id = deal_id_of(request)
    deal = await load_deal(session, deal_id, visible_to=viewer)
    if "delete" not in actions(viewer, deal):
        raise PermissionDenied(N_("You may not do this with that deal."))
    _ = words(request).gettext
    return await delete_page(
        request,
        what=_("deal #{id} ({name})", id=deal.id, name=deal.name),
        delete=lambda: delete_deal(session, actor=viewer, deal_id=deal_id),
        done=_("Deal #{id} deleted.", id=deal_id),
        back="/deals",
        cancel=f"/deals/{deal_id}",
    )
