"""Sales: companies, deals and their pipeline, interactions, tasks and events."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from crm.areas import Area, Job, NoticeKind
from crm.i18n import N_
from crm.notify import Notifier
from crm.sales.agenda import agenda_items
from crm.sales.client_staff import deal_owners
from crm.sales.demo import PEOPLE, seed_sales
from crm.sales.digest import task_digest
from crm.sales.event_reminders import KEY_PREFIX as EVENT_KEYS
from crm.sales.event_reminders import enqueue_event_reminders
from crm.sales.hooks import DEAL_STAGE_CHANGED
from crm.sales.reminders import KEY_PREFIX as TASK_KEYS
from crm.sales.reminders import enqueue_task_reminders
from crm.sales.timeline import deal_moves


async def _task_reminders(session: AsyncSession, notifier: Notifier, now: datetime) -> int:
    return await enqueue_task_reminders(session, notifier, now=now)


async def _event_reminders(session: AsyncSession, notifier: Notifier, now: datetime) -> int:
    return await enqueue_event_reminders(session, notifier, now=now)


AREA = Area(
    name="sales",
    client_staff=deal_owners,
    position=40,
    jobs=(
        Job("task_reminders", timedelta(minutes=1), _task_reminders),
        Job("event_reminders", timedelta(minutes=5), _event_reminders, grace=timedelta(minutes=5)),
    ),
    digest=task_digest,
    timeline=(deal_moves,),
    demo=seed_sales,
    agenda=agenda_items,
    demo_people=PEOPLE,
    notices=(
        NoticeKind("task", N_("Tasks"), keys=(TASK_KEYS,)),
        NoticeKind("event", N_("Events"), keys=(EVENT_KEYS,)),
    ),
    webhooks=(DEAL_STAGE_CHANGED,),
)
