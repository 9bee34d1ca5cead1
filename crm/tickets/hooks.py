"""The service desk's webhook events: a ticket opened, a ticket moved to another status."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from crm.i18n import N_
from crm.webhooks import WebhookEvent, emit
from db.enums import TicketStatus
from db.models import Ticket

TICKET_CREATED = WebhookEvent("ticket.created", N_("A ticket is opened"))
TICKET_STATUS_CHANGED = WebhookEvent("ticket.status_changed", N_("A ticket changes status"))


def ticket_data(ticket: Ticket) -> dict[str, Any]:
    return {
        "id": ticket.id,
        "status": ticket.status.value,
        "title": ticket.title,
        "client_id": ticket.client_id,
        "assignee_id": ticket.assignee_id,
        "department_id": ticket.department_id,
    }


async def ticket_created(session: AsyncSession, ticket: Ticket, *, now: datetime) -> None:
    await emit(session, TICKET_CREATED.name, ticket_data(ticket), now=now)


async def ticket_moved(
    session: AsyncSession, ticket: Ticket, previous: TicketStatus, *, now: datetime
) -> None:
    data = {**ticket_data(ticket), "previous_status": previous.value}
    await emit(session, TICKET_STATUS_CHANGED.name, data, now=now)
