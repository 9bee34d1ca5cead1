"""The school's webhook events: a contract signed, a payment recorded on one."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from crm.i18n import N_
from crm.webhooks import WebhookEvent, emit
from db.models import Contract, Payment

CONTRACT_SIGNED = WebhookEvent("contract.signed", N_("A contract is signed"))
CONTRACT_PAID = WebhookEvent("contract.paid", N_("A payment is recorded on a contract"))


def contract_data(contract: Contract) -> dict[str, Any]:
    return {
        "id": contract.id,
        "status": contract.status.value,
        "client_id": contract.client_id,
        "language_id": contract.language_id,
        "lessons": contract.lessons,
        "total": str(contract.total),
        "paid": str(contract.paid),
    }


async def contract_signed(session: AsyncSession, contract: Contract, *, now: datetime) -> None:
    await emit(session, CONTRACT_SIGNED.name, contract_data(contract), now=now)


async def contract_paid(
    session: AsyncSession, contract: Contract, payment: Payment, *, now: datetime
) -> None:
    data = {
        **contract_data(contract),
        "payment": {"id": payment.id, "amount": str(payment.amount), "method": payment.method},
    }
    await emit(session, CONTRACT_PAID.name, data, now=now)
