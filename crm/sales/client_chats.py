"""A client who writes to the bot while a deal of theirs is open is in touch about it: the
message is logged as a ``chat`` interaction on that deal, with no question asked of the client
and nothing of the message copied (its text stays where the area that files it keeps it).

One chat interaction per client and deal per ``QUIET`` is enough: a conversation of twenty
messages is one moment of contact in the deal's log, not twenty rows hiding the calls and
meetings around it, and a client who pastes a long text in parts does not flood the table.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from crm.sales.rules import OPEN_STAGES
from db.enums import InteractionKind
from db.models import Client, Deal, Interaction

QUIET = timedelta(minutes=30)


async def note_client_wrote(session: AsyncSession, client: Client, *, now: datetime) -> bool:
    """Log that ``client`` wrote at ``now`` on their newest open deal, unless a chat was logged
    there in the last ``QUIET``; True if logged. Two indexed reads: the client's deals
    (``ix_deals_client_created``) and their interactions (``ix_interactions_client_at``)."""
    deal_id = await session.scalar(
        select(Deal.id)
        .where(Deal.client_id == client.id, Deal.stage.in_(OPEN_STAGES))
        .order_by(Deal.created_at.desc(), Deal.id.desc())
        .limit(1)
    )
    if deal_id is None:
        return False
    recent = await session.scalar(
        select(Interaction.id).where(
            Interaction.client_id == client.id,
            Interaction.happened_at > now - QUIET,
            Interaction.deal_id == deal_id,
            Interaction.kind == InteractionKind.CHAT,
        )
    )
    if recent is not None:
        return False
    session.add(
        Interaction(
            client_id=client.id,
            deal_id=deal_id,
            kind=InteractionKind.CHAT,
            happened_at=now,
            notes=None,
            by_id=None,
        )
    )
    await session.flush()
    return True
