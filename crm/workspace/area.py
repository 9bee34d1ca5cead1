"""The workspace: each person's agenda with their planned items and reminders, their own
contacts and documents, messages between people, and the notification centre."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from crm.areas import Area, Job, NoticeKind
from crm.i18n import N_
from crm.notify import Notifier
from crm.workspace.agenda import agenda_items
from crm.workspace.demo import PEOPLE, seed_workspace
from crm.workspace.reminders import KEY_PREFIX as PLAN_KEYS
from crm.workspace.reminders import enqueue_plan_reminders
from db.enums import SubjectKind


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
    notices=(
        NoticeKind("message", N_("Messages"), (SubjectKind.MESSAGE,)),
        NoticeKind("reminder", N_("Reminders"), keys=(PLAN_KEYS,)),
    ),
)
