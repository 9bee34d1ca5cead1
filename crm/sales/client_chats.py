"""A client who writes to the bot while a deal of theirs is open is in touch about it: the
message goes to the deal's owner (the managers when nobody owns it) in Telegram, the client is
told who has it, with no question asked of them, and it is logged as a ``chat`` interaction on
that deal without its text (the log says when the client and the business were in touch; the
words are in the owner's chat).

One chat interaction per client and deal per ``QUIET`` is enough: a conversation of twenty
messages is one moment of contact in the deal's log, not twenty rows hiding the calls and
meetings around it, and a client who pastes a long text in parts does not flood the table.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from crm.i18n import N_
from crm.notify import Notifier
from crm.people.staff import in_charge_or_managers
from crm.sales.rules import OPEN_STAGES
from crm.telegram_html import escape
from db.enums import InteractionKind
from db.models import Client, Deal, Interaction

QUIET = timedelta(minutes=30)


async def _open_deal_of(session: AsyncSession, client: Client) -> Deal | None:
    """The client's newest open deal (``ix_deals_client_created``)."""
    found: Deal | None = await session.scalar(
        select(Deal)
        .where(Deal.client_id == client.id, Deal.stage.in_(OPEN_STAGES))
        .order_by(Deal.created_at.desc(), Deal.id.desc())
        .limit(1)
    )
    return found


async def relay_client_message(
    session: AsyncSession,
    notifier: Notifier,
    client: Client,
    deal: Deal,
    text: str,
    *,
    now: datetime,
) -> list[str]:
    """``client``'s message about their open ``deal``, sent to its owner (the managers when
    nobody owns it) through the outbox; the names of those told (none: nobody to read it)."""
    names = []
    for person in await in_charge_or_managers(session, deal.owner_id):
        assert person.telegram_id is not None
        tr = notifier.translator(notifier.language_of(person))
        said = tr.gettext(
            N_("💬 {name} wrote about deal #{deal_id} “{deal}”:"),
            name=escape(client.full_name),
            deal_id=deal.id,
            deal=escape(deal.name),
        )
        await notifier.enqueue(session, person.telegram_id, f"{said}\n{escape(text)}", now=now)
        names.append(person.full_name)
    return names


async def note_client_wrote(session: AsyncSession, client: Client, *, now: datetime) -> Deal | None:
    """``client``'s newest open deal, on which their writing at ``now`` is logged as a chat
    (unless one was logged there in the last ``QUIET``); None when they have none."""
    deal = await _open_deal_of(session, client)
    if deal is not None:
        await _log_chat(session, client, deal.id, now=now)
    return deal


async def _log_chat(session: AsyncSession, client: Client, deal_id: int, *, now: datetime) -> bool:
    """A chat on ``deal_id`` at ``now``, unless one was logged there in the last ``QUIET``
    (``ix_interactions_client_at``); True if logged."""
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
