"""What a deal's page shows beside the deal: the interactions logged on it and its tasks, each
filtered by its own visibility rule."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload

from crm.permissions import Actor
from crm.visibility import visible_interactions, visible_tasks
from db.models import Deal, Interaction, Task

# The newest interactions and tasks a deal's page lists.
SHOWN = 50


@dataclass(frozen=True)
class DealWork:
    interactions: list[Interaction]
    tasks: list[Task]


async def deal_work(session: AsyncSession, *, actor: Actor, deal: Deal) -> DealWork:
    """The newest interactions on ``deal`` and its tasks (open ones first, by due time) that
    ``actor`` may see."""
    interactions = await session.scalars(
        select(Interaction)
        .where(Interaction.deal_id == deal.id, visible_interactions(actor))
        .order_by(Interaction.happened_at.desc(), Interaction.id.desc())
        .limit(SHOWN)
        .options(joinedload(Interaction.by))
    )
    tasks = await session.scalars(
        select(Task)
        .where(Task.deal_id == deal.id, visible_tasks(actor))
        .order_by(Task.done_at.is_not(None), Task.due_at.is_(None), Task.due_at, Task.id)
        .limit(SHOWN)
        .options(joinedload(Task.assignee))
    )
    return DealWork(list(interactions), list(tasks))
