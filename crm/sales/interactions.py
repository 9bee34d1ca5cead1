"""Interactions: a call, a meeting, an email or a note logged with a client (and a deal)."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from crm.errors import InvalidInput
from crm.i18n import N_
from crm.people.clients import visible_client
from crm.people.names import clean_text
from crm.permissions import Actor, require_staff
from crm.sales.deals import load_deal
from crm.sales.rules import LOGGED_KINDS, actions, check_notes, require
from db.enums import InteractionKind
from db.models import Interaction

# How far back a moment may be logged (a call last year), and ahead (none: it happened).
FURTHEST_BACK = timedelta(days=366)


async def log_interaction(
    session: AsyncSession,
    *,
    actor: Actor,
    kind: InteractionKind,
    now: datetime,
    client_id: int | None = None,
    deal_id: int | None = None,
    happened_at: datetime | None = None,
    notes: str | None = None,
) -> Interaction:
    """Log what happened with a client: on a deal ``actor`` may work on (its client), or with a
    client they may see. Chats are not logged by hand: Telegram keeps them."""
    me = require_staff(actor)
    if kind not in LOGGED_KINDS:
        raise InvalidInput(N_("choose a call, a meeting, an email or a note"), field="kind")
    if deal_id is not None:
        deal = await load_deal(session, deal_id, visible_to=actor)
        require("log" in actions(actor, deal))
        if client_id is not None and deal.client_id != client_id:
            raise InvalidInput(
                N_("deal #{deal_id} is not this client's"), field="deal_id", deal_id=deal_id
            )
        client_id = deal.client_id
        if client_id is None:
            raise InvalidInput(
                N_("deal #{deal_id} has no client to log this with"), deal_id=deal_id
            )
    elif client_id is None:
        raise InvalidInput(N_("choose the client"), field="client_id")
    else:
        await visible_client(session, actor, client_id, field="client_id")
    happened_at = happened_at or now
    if happened_at > now or happened_at < now - FURTHEST_BACK:
        raise InvalidInput(
            N_("the time must be within the last year, and not to come"), field="happened_at"
        )
    check_notes(notes)
    interaction = Interaction(
        client_id=client_id,
        deal_id=deal_id,
        kind=kind,
        happened_at=happened_at,
        notes=clean_text(notes, required=kind is InteractionKind.NOTE, field="notes") or None,
        by_id=me.id,
    )
    session.add(interaction)
    await session.flush()
    return interaction
