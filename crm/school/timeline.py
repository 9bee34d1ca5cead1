"""The school's events on a client's timeline: contracts signed and payments."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from crm.overview.timeline import Event, EventKind
from crm.permissions import Actor
from crm.school.rules import PAYMENT_METHOD_NAMES, STATUS_NAMES
from crm.visibility import visible_contracts
from db.models import Contract, Language, Payment


async def contract_events(
    session: AsyncSession, actor: Actor, client_id: int, limit: int
) -> list[Event]:
    rows = await session.execute(
        select(Contract.id, Contract.signed_at, Language.name, Contract.status, Contract.total)
        .join(Language, Language.id == Contract.language_id)
        .where(Contract.client_id == client_id, visible_contracts(actor))
        .order_by(Contract.signed_at.desc(), Contract.id.desc())
        .limit(limit)
    )
    return [
        Event(
            at,
            EventKind.CONTRACT,
            contract_id,
            language,
            status,
            total,
            status_name=STATUS_NAMES[status],
        )
        for contract_id, at, language, status, total in rows
    ]


async def payment_events(
    session: AsyncSession, actor: Actor, client_id: int, limit: int
) -> list[Event]:
    rows = await session.execute(
        select(Payment.id, Payment.paid_at, Payment.method, Payment.amount, Payment.contract_id)
        .join(Contract, Contract.id == Payment.contract_id)
        .where(Contract.client_id == client_id, visible_contracts(actor))
        .order_by(Payment.paid_at.desc(), Payment.id.desc())
        .limit(limit)
    )
    return [
        Event(
            at,
            EventKind.PAYMENT,
            payment_id,
            status=method,
            amount=amount,
            parent_id=contract,
            status_name=PAYMENT_METHOD_NAMES[method],
        )
        for payment_id, at, method, amount, contract in rows
    ]
