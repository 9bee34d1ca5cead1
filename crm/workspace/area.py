"""The workspace: each person's agenda with their planned items and reminders, their own
contacts and documents, messages between people, and the notification centre."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from crm.areas import Area, Job
from crm.notify import Notifier
from crm.workspace.agenda import agenda_items
from crm.workspace.demo import PEOPLE, seed_workspace
from crm.workspace.reminders import enqueue_plan_reminders


async def _plan_reminders(session: AsyncSession, notifier: Notifier, now: datetime) -> int:
    return await enqueue_plan_reminders(session, notifier, now=now)


AREA = Area(
    name="workspace",
    # Before sales: a reply to a relayed message is the workspace's before a client's loose
    # text goes to their deal's owner.
    position=35,
    jobs=(Job("plan_reminders", timedelta(minutes=1), _plan_reminders),),
    agenda=agenda_items,
    demo=seed_workspace,
    demo_people=PEOPLE,
)
