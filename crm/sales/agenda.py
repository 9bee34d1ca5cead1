"""Sales's part of ``/agenda`` (``crm.areas.Area.agenda``): for a client, the events they
joined that have not begun; for staff, their open tasks due before the horizon (overdue ones
too: they are still to do)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from crm.areas import AgendaAsk, AgendaItem
from crm.visibility import visible_tasks
from db.enums import ParticipantStatus
from db.models import Client, Deal, Employee, Event, EventParticipant, Task

# How many things of one kind the agenda shows.
SHOWN = 20


async def agenda_items(session: AsyncSession, ask: AgendaAsk) -> list[AgendaItem]:
    actor = ask.actor
    if isinstance(actor, Client):
        events = await session.scalars(
            select(Event)
            .join(EventParticipant, EventParticipant.event_id == Event.id)
            .where(
                EventParticipant.client_id == actor.id,
                EventParticipant.status == ParticipantStatus.GOING,
                Event.starts_at >= ask.now,
                Event.starts_at < ask.horizon,
            )
            .options(selectinload(Event.company))
            .order_by(Event.starts_at, Event.id)
            .limit(SHOWN)
        )
        return [AgendaItem("sales.event", event, event.starts_at) for event in events]
    if isinstance(actor, Employee):
        tasks = await session.scalars(
            select(Task)
            .where(
                visible_tasks(actor),
                Task.assignee_id == actor.id,
                Task.done_at.is_(None),
                Task.due_at.is_not(None),
                Task.due_at < ask.horizon,
            )
            .options(selectinload(Task.deal).selectinload(Deal.client), selectinload(Task.client))
            .order_by(Task.due_at, Task.id)
            .limit(SHOWN)
        )
        return [AgendaItem("sales.task", task, task.due_at) for task in tasks]
    return []
