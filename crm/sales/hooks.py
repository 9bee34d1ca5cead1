"""Sales' webhook event: a deal moved to another stage."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from crm.i18n import N_
from crm.webhooks import WebhookEvent, emit
from db.enums import DealStage
from db.models import Deal

DEAL_STAGE_CHANGED = WebhookEvent("deal.stage_changed", N_("A deal moves to another stage"))


async def deal_moved(
    session: AsyncSession, deal: Deal, previous: DealStage, *, now: datetime
) -> None:
    data = {
        "id": deal.id,
        "name": deal.name,
        "stage": deal.stage.value,
        "previous_stage": previous.value,
        "value": str(deal.value),
        "currency": deal.currency,
        "client_id": deal.client_id,
        "company_id": deal.company_id,
        "owner_id": deal.owner_id,
    }
    await emit(session, DEAL_STAGE_CHANGED.name, data, now=now)
