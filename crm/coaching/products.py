"""What coaching sells: products (a program, a course, a package of sessions) at a price, and
what each client bought or takes part in, at the price of that day. Everyone on staff reads the
catalog; owners and administrators keep it and record sales. A program product enrols its buyer
in the program at its first stage."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from crm.coaching.programs import enrol
from crm.errors import Conflict, InvalidInput, NotFound
from crm.i18n import N_, NP_
from crm.ids import MAX_ID
from crm.money import MAX_AMOUNT, cents
from crm.people.clients import visible_client
from crm.people.names import clean_name, clean_text
from crm.permissions import Actor, require_manager, require_staff
from crm.visibility import visible_clients
from db.enums import ProductKind
from db.models import Client, ClientProduct, Enrolment, Product, Program

PRODUCT_KIND_NAMES = {
    ProductKind.PROGRAM: N_("programme"),
    ProductKind.COURSE: N_("course"),
    ProductKind.PACKAGE: N_("package"),
}


def check_price(price: Decimal) -> Decimal:
    if not Decimal(0) <= price <= MAX_AMOUNT:
        raise InvalidInput(N_("a price is from 0 to {most}"), field="price", most=MAX_AMOUNT)
    return cents(price)


async def products(session: AsyncSession, *, actor: Actor) -> Sequence[Product]:
    """Every product, active ones first, by name (staff)."""
    require_staff(actor)
    found = await session.scalars(
        select(Product)
        .options(selectinload(Product.program))
        .order_by(Product.active.desc(), Product.name)
    )
    return found.all()


async def save_product(
    session: AsyncSession,
    *,
    actor: Actor,
    product_id: int | None,
    name: str,
    kind: ProductKind,
    price: Decimal,
    description: str = "",
    program_id: int | None = None,
    active: bool = True,
) -> Product:
    """Create (``product_id`` None) or change a product (owners and administrators)."""
    require_manager(actor)
    product = Product() if product_id is None else await session.get(Product, product_id)
    if product is None:
        raise NotFound(N_("that product does not exist"))
    cleaned = clean_name(name, "name")
    taken = await session.scalar(
        select(Product.id).where(Product.name == cleaned, Product.id != (product_id or 0))
    )
    if taken is not None:
        raise Conflict(N_("there is already a product called {name}"), name=cleaned)
    if program_id is not None and await session.get(Program, program_id) is None:
        raise NotFound(N_("that programme does not exist"))
    product.name = cleaned
    product.kind = kind
    product.price = check_price(price)
    product.description = clean_text(description, required=False) or None
    product.program_id = program_id
    product.active = active
    session.add(product)
    await session.flush()
    return product


async def sell_product(
    session: AsyncSession,
    *,
    actor: Actor,
    client_id: int,
    product_id: int,
    now: datetime,
    price: Decimal | None = None,
) -> ClientProduct:
    """Record that a client bought a product, at its price unless another is agreed; a program
    product also enrols the client in its program (unless already enrolled)."""
    me = require_manager(actor)
    client = await visible_client(session, actor, client_id)
    product = await session.get(Product, product_id)
    if product is None or not product.active:
        raise NotFound(N_("that product does not exist"))
    bought = ClientProduct(
        client_id=client.id,
        product_id=product.id,
        price=check_price(product.price if price is None else price),
        bought_at=now,
        sold_by_id=me.id,
    )
    session.add(bought)
    if product.program_id is not None:
        enrolled = await session.scalar(
            select(Enrolment.id).where(
                Enrolment.client_id == client.id, Enrolment.program_id == product.program_id
            )
        )
        if enrolled is None:
            await enrol(
                session, actor=actor, client_id=client.id, program_id=product.program_id, now=now
            )
    await session.flush()
    return bought


async def products_of(
    session: AsyncSession, *, actor: Actor, client_id: int
) -> Sequence[ClientProduct]:
    """What a client bought, newest first (staff who may open the client card)."""
    require_staff(actor)
    found = await session.scalars(
        select(ClientProduct)
        .join(Client, Client.id == ClientProduct.client_id)
        .where(ClientProduct.client_id == client_id, visible_clients(actor))
        .options(selectinload(ClientProduct.product))
        .order_by(ClientProduct.bought_at.desc(), ClientProduct.id.desc())
    )
    return found.all()


async def product_to_change(session: AsyncSession, *, actor: Actor, product_id: int) -> Product:
    """A product for its keepers' forms (owners and administrators)."""
    require_manager(actor)
    product = await session.get(Product, product_id) if 0 < product_id <= MAX_ID else None
    if product is None:
        raise NotFound(N_("that product does not exist"))
    return product


async def delete_product(session: AsyncSession, *, actor: Actor, product_id: int) -> None:
    """Delete a product nobody bought (owners and administrators); one that was sold stays in
    its buyers' records: deactivate it instead."""
    product = await product_to_change(session, actor=actor, product_id=product_id)
    sold = await session.scalar(
        select(func.count())
        .select_from(ClientProduct)
        .where(ClientProduct.product_id == product.id)
    )
    if sold:
        raise Conflict(
            NP_(
                "{name} was sold {count} time: it stays in the buyers' records; make it "
                "inactive instead",
                "{name} was sold {count} times: it stays in the buyers' records; make it "
                "inactive instead",
            ),
            name=product.name,
            count=sold,
        )
    await session.delete(product)
    await session.flush()
