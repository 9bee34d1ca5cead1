"""Coaching's webhook event: a session held."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from crm.i18n import N_
from crm.webhooks import WebhookEvent, emit
from db.models import CoachingSession

SESSION_DONE = WebhookEvent("session.done", N_("A coaching session is held"))


async def session_done(session: AsyncSession, meeting: CoachingSession, *, now: datetime) -> None:
    data = {
        "id": meeting.id,
        "status": meeting.status.value,
        "client_id": meeting.client_id,
        "coach_id": meeting.coach_id,
        "contract_id": meeting.contract_id,
        "starts_at": meeting.starts_at.isoformat(),
        "minutes": meeting.minutes,
    }
    await emit(session, SESSION_DONE.name, data, now=now)
