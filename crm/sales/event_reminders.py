"""Reminders of events: each client going to an event hears of it the day before (once its
start is less than a day away), through the outbox. A scheduled job asks every few minutes;
the dedupe key (event, start, client) keeps a second process, a restart or a late run from
sending one twice. A client who left, and an event deleted, get none; an event moved to
another time is reminded again for its new start."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from crm.notify import Notifier
from crm.telegram_html import escape
from db.enums import ParticipantStatus
from db.models import Client, Event, EventParticipant

AHEAD = timedelta(hours=24)
# The dedupe keys of event reminders start so (the notification centre files them by it).
KEY_PREFIX = "event"


def reminder_text(notifier: Notifier, client: Client, event: Event) -> str:
    tr = notifier.translator(notifier.language_of(client))
    lines = [
        tr.gettext(
            "⏰ Reminder: event #{event_id} “{title}” starts {when}.",
            event_id=event.id,
            title=escape(event.title),
            when=notifier.moment(tr.language, event.starts_at),
        )
    ]
    if event.place:
        lines.append(tr.gettext("Place: {place}", place=escape(event.place)))
    lines.append(tr.gettext("Changed your plans? /events lets you leave it."))
    return "\n".join(lines)


async def enqueue_event_reminders(
    session: AsyncSession, notifier: Notifier, *, now: datetime
) -> int:
    """Queue the reminders due at ``now``; returns how many were new."""
    rows = await session.execute(
        select(Event, Client)
        .join(EventParticipant, EventParticipant.event_id == Event.id)
        .join(Client, Client.id == EventParticipant.client_id)
        .where(
            Event.starts_at > now,
            Event.starts_at <= now + AHEAD,
            EventParticipant.status == ParticipantStatus.GOING,
            Client.telegram_id.is_not(None),
            Client.unreachable.is_(False),
        )
        .options(selectinload(Event.company))
        .order_by(Event.starts_at, Event.id, Client.id)
    )
    messages: list[tuple[int, str, str]] = []
    for event, client in rows:
        assert client.telegram_id is not None
        key = f"{KEY_PREFIX}:{event.id}:{event.starts_at:%Y%m%d%H%M}:{client.id}"
        messages.append((client.telegram_id, reminder_text(notifier, client, event), key))
    if not messages:
        return 0
    return await notifier.enqueue_once(session, messages, now=now)
