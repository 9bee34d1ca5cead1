"""Contracts and payments through the API: the site's listing and filters, a contract with its
payments, signing one for a client and recording money received, by the school's services."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from pydantic import Field

from crm.people.clients import get_client
from crm.school.contracts import ContractDraft, contract_for, record_payment, sign_contract
from crm.school.listing import list_contracts
from db.enums import ContractStatus, PaymentMethod
from db.models import Contract
from web.api.endpoints import (
    ApiArea,
    Call,
    Endpoint,
    In,
    Out,
    Page,
    Paging,
    RecordId,
)
from web.views.school.contracts import read_filter


class Named(Out):
    id: int
    full_name: str


class LanguageRef(Out):
    id: int
    name: str


class PaymentOut(Out):
    """Money received on a contract (a negative amount corrects a mistake)."""

    id: int
    amount: Decimal
    paid_at: datetime
    method: PaymentMethod
    note: str | None


class ContractOut(Out):
    """A contract as the listing shows it: lessons of a language, what was paid and given."""

    id: int
    status: ContractStatus
    client: Named
    language: LanguageRef
    teacher: Named | None
    branch_id: int | None
    lessons: int
    lessons_given: int
    total: Decimal
    paid: Decimal
    signed_at: datetime


class ContractCard(ContractOut):
    """A contract with its price and payments."""

    price_per_lesson: Decimal
    discount_percent: Decimal
    ended_at: datetime | None
    payments: list[PaymentOut]


class ContractQuery(Paging):
    status: list[ContractStatus] = Field(default_factory=list, description="Any of these.")
    language: RecordId | None = Field(default=None, description="A language id.")
    teacher: str = Field(default="", max_length=20, description="An employee id, or `none`.")
    branch: RecordId | None = Field(default=None, description="A branch (department) id.")
    client: str = Field(default="", max_length=200, description="A client id, name or phone.")
    from_: date | None = Field(default=None, alias="from", description="Signed on or after.")
    to: date | None = Field(default=None, description="Signed on or before.")


class NewContract(In):
    """A contract signed for a client at today's price (owners and administrators)."""

    client_id: RecordId
    language_id: RecordId
    lessons: int = Field(ge=1, le=1000)
    branch_id: RecordId | None = None


class NewPayment(In):
    """Money received; without an amount, the balance."""

    amount: Decimal | None = Field(default=None, max_digits=12, decimal_places=2)
    method: PaymentMethod = PaymentMethod.CASH
    note: str = Field(default="", max_length=2000)


def _card(contract: Contract) -> ContractCard:
    return ContractCard.model_validate(contract)


async def _contracts(call: Call) -> Page[ContractOut]:
    page = await call.listing(list_contracts, call.filtered(read_filter))
    return call.page_of(page, [ContractOut.model_validate(row) for row in page.contracts])


async def _contract(call: Call) -> ContractCard:
    found = await contract_for(call.session, actor=call.actor, contract_id=call.ids["contract_id"])
    return _card(found)


async def _again(call: Call, contract: Contract) -> ContractCard:
    """The contract as it is now, its payments read afresh."""
    contract_id = call.forget(contract)
    return _card(await contract_for(call.session, actor=call.actor, contract_id=contract_id))


async def _sign(call: Call) -> ContractCard:
    sent: NewContract = call.body
    client = await get_client(
        call.session, actor=call.actor, client_id=sent.client_id, field="client_id"
    )
    made = await sign_contract(
        call.session,
        call.notifier,
        actor=call.actor,
        client=client,
        draft=ContractDraft(sent.language_id, sent.lessons, sent.branch_id),
        now=call.now,
    )
    return await _again(call, made)


async def _pay(call: Call) -> ContractCard:
    sent: NewPayment = call.body
    contract_id = call.ids["contract_id"]
    payment = await record_payment(
        call.session,
        call.notifier,
        actor=call.actor,
        contract_id=contract_id,
        amount=sent.amount,
        now=call.now,
        method=sent.method,
        note=sent.note,
    )
    return await _again(call, payment.contract)


API = ApiArea(
    tag="school",
    description="Contracts of the language school and their payments.",
    endpoints=(
        Endpoint(
            "GET",
            "/contracts",
            _contracts,
            "List contracts",
            Page[ContractOut],
            query=ContractQuery,
        ),
        Endpoint(
            "POST",
            "/contracts",
            _sign,
            "Sign a contract for a client",
            ContractCard,
            status=201,
            body=NewContract,
            location=lambda made: f"/api/v1/contracts/{made.id}",  # type: ignore[attr-defined]
        ),
        Endpoint("GET", "/contracts/{contract_id}", _contract, "Read a contract", ContractCard),
        Endpoint(
            "POST",
            "/contracts/{contract_id}/payments",
            _pay,
            "Record a payment",
            ContractCard,
            body=NewPayment,
            current=_contract,
            description="Paid in full, an unpaid contract becomes active; the client is told.",
        ),
    ),
)
