"""Coaching products on the site: the catalog (programmes, courses and packages at a price),
creating, changing and deleting one (a product sold is made inactive instead), and selling one
to a client."""

from __future__ import annotations

from typing import Any

import aiohttp_jinja2
from aiohttp import web

from crm.coaching.products import (
    PRODUCT_KIND_NAMES,
    delete_product,
    product_to_change,
    products,
    save_product,
    sell_product,
)
from crm.coaching.programs import program_list
from crm.errors import DomainError, InvalidInput
from crm.i18n import N_
from crm.people.clients import get_client
from crm.permissions import is_manager, require_manager
from db.enums import ProductKind
from db.models import Program
from web.flash import flash
from web.forms import Field, FormErrors, Reader
from web.i18n import Gettext, words
from web.keys import db_session, employee, request_now
from web.views.crud import FieldsFor, delete_page, edit_page, object_id, refusals_by_field
from web.views.people.client_picker import Picked, card_number, client_fields, pick_client


def _product_id(request: web.Request) -> int:
    found = object_id(request)
    assert found is not None  # every route that calls this has the id in its path
    return found


@aiohttp_jinja2.template("products/list.html")
async def product_list(request: web.Request) -> dict[str, Any]:
    actor = employee(request)
    _ = words(request).gettext
    return {
        "catalog": await products(db_session(request), actor=actor),
        "kind_names": {kind: _(name) for kind, name in PRODUCT_KIND_NAMES.items()},
        "may_keep": is_manager(actor),
    }


def _product_fields(_: Gettext, programs: list[Program]) -> FieldsFor:
    async def fields(values: dict[str, Any], errors: dict[str, str]) -> list[Field]:
        return [
            Field(
                "name",
                _("Name"),
                value=values.get("name", ""),
                required=True,
                error=errors.get("name", ""),
            ),
            Field(
                "kind",
                _("Kind"),
                "select",
                values.get("kind", ""),
                options=[(kind.value, _(name)) for kind, name in PRODUCT_KIND_NAMES.items()],
                required=True,
                error=errors.get("kind", ""),
            ),
            Field(
                "price",
                _("Price"),
                "number",
                values.get("price", ""),
                required=True,
                error=errors.get("price", ""),
                help=_("a client who bought it keeps the price of that day"),
            ),
            Field(
                "program_id",
                _("Programme"),
                "select",
                values.get("program_id", ""),
                options=[("", "—")] + [(str(program.id), program.name) for program in programs],
                error=errors.get("program_id", ""),
                help=_("a client who buys it is enrolled at the programme's first stage"),
            ),
            Field(
                "description",
                _("Description"),
                "textarea",
                values.get("description", ""),
                error=errors.get("description", ""),
            ),
            Field(
                "active",
                _("On sale now"),
                "checkbox",
                values.get("active", ""),
            ),
        ]

    return fields


async def product_form(request: web.Request) -> web.StreamResponse:
    session, actor = db_session(request), employee(request)
    product_id = object_id(request)
    _ = words(request).gettext
    product = None
    initial: dict[str, Any] = {"active": "on", "kind": ProductKind.PACKAGE.value}
    if product_id is not None:
        product = await product_to_change(session, actor=actor, product_id=product_id)
        initial = {
            "name": product.name,
            "kind": product.kind.value,
            "price": str(product.price),
            "program_id": str(product.program_id or ""),
            "description": product.description or "",
            "active": "on" if product.active else "",
        }
    else:
        require_manager(actor)  # the form is its keepers' only
    programs = [summary.program for summary in await program_list(session, actor=actor)]

    async def save(reader: Reader) -> str:
        kind = reader.choice("kind", ProductKind, N_("Kind"), ProductKind.PACKAGE)
        program_id = reader.identifier("program_id", N_("Programme"))
        typed = reader.text("price").strip()
        if not typed:
            reader.errors["price"] = _("Say the price")
        price = None
        if typed:
            try:
                price = words(request).typed_amount(typed, "price")
            except InvalidInput as error:
                reader.errors["price"] = words(request).error(error)
        reader.done()
        assert price is not None
        await save_product(
            session,
            actor=actor,
            product_id=product_id,
            name=reader.text("name"),
            kind=kind,
            price=price,
            description=reader.text("description"),
            program_id=program_id,
            active=reader.flag("active"),
        )
        return "/products"

    return await edit_page(
        request,
        title=_("New product") if product is None else _("Edit {name}", name=product.name),
        initial=initial,
        fields_for=_product_fields(_, programs),
        save=save,
        saved_message=_("Product saved."),
        cancel="/products",
    )


async def product_delete(request: web.Request) -> web.StreamResponse:
    session, actor = db_session(request), employee(request)
    product_id = _product_id(request)
    product = await product_to_change(session, actor=actor, product_id=product_id)
    _ = words(request).gettext
    return await delete_page(
        request,
        what=_("the product {name}", name=product.name),
        delete=lambda: delete_product(session, actor=actor, product_id=product_id),
        done=_("Product deleted."),
        back="/products",
        cancel="/products",
    )


async def product_sell(request: web.Request) -> web.StreamResponse:
    """Record that a client bought the product, at its price unless another is agreed."""
    session, actor = db_session(request), employee(request)
    product_id = _product_id(request)
    _ = words(request).gettext
    product = await product_to_change(session, actor=actor, product_id=product_id)
    values: dict[str, str] = {"price": str(product.price)}
    errors: dict[str, str] = {}
    picked = Picked()
    if request.method == "POST":
        reader = Reader(await request.post(), _)
        values = {key: reader.text(key) for key in ("client", "price")}
        picked = await pick_client(session, actor, reader)
        if picked.client_id is not None and card_number(values["client"]) != picked.client_id:
            values["client"] = f"#{picked.client_id}"  # the choice survives a refusal
        typed = values["price"].strip()
        price = None
        if typed:
            try:
                price = words(request).typed_amount(typed, "price")
            except InvalidInput as error:
                reader.errors["price"] = words(request).error(error)
        try:
            reader.done()
            if picked.client_id is None:
                raise FormErrors({})  # a search: the matches are shown to choose from
            async with session.begin_nested():
                bought = await sell_product(
                    session,
                    actor=actor,
                    client_id=picked.client_id,
                    product_id=product_id,
                    price=price,
                    now=request_now(request),
                )
        except FormErrors as error:
            errors = error.errors
        except DomainError as error:
            errors = refusals_by_field(words(request), error)
            if "client_id" in errors:
                errors["client"] = errors.pop("client_id")
        else:
            client = await get_client(session, actor=actor, client_id=bought.client_id)
            await flash(
                request,
                _(
                    "{product} sold to {name} for {price}.",
                    product=product.name,
                    name=client.full_name,
                    price=words(request).money(bought.price),
                ),
            )
            raise web.HTTPFound("/products")
    fields = client_fields(values, errors, picked, _)
    fields.append(
        Field(
            "price",
            _("Price"),
            "number",
            values.get("price", ""),
            error=errors.get("price", ""),
            help=_("the product's price unless another is agreed"),
        )
    )
    context = {
        "title": _("Sell {product}", product=product.name),
        "fields": fields,
        "form_error": errors.get("_form", ""),
        "cancel": "/products",
    }
    return aiohttp_jinja2.render_template(
        "form.html", request, context, status=400 if errors else 200
    )
