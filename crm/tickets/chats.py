"""The service desk's part of a client's chat moments (crm/chats.py): the messages the client
wrote on their tickets (opening one, writing to one), read from the tickets' history without
their text. What staff answered went out through the outbox, which the kernel reads itself."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from crm.chats import ChatMoment
from db.enums import TicketEventKind
from db.models import Client, Ticket, TicketEvent

WRITTEN_BY_CLIENT = (TicketEventKind.CREATED, TicketEventKind.CLIENT_MESSAGE)


async def client_messages(session: AsyncSession, client: Client, limit: int) -> list[ChatMoment]:
    """The newest ``limit`` messages ``client`` wrote on their tickets (through
    ``ix_tickets_client_created``, then each ticket's ``ix_ticket_events_ticket``)."""
    rows = await session.scalars(
        select(TicketEvent.created_at)
        .join(Ticket, Ticket.id == TicketEvent.ticket_id)
        .where(
            Ticket.client_id == client.id,
            TicketEvent.author_client_id == client.id,
            TicketEvent.kind.in_(WRITTEN_BY_CLIENT),
        )
        .order_by(TicketEvent.created_at.desc(), TicketEvent.id.desc())
        .limit(limit)
    )
    return [ChatMoment(at, from_client=True) for at in rows]
