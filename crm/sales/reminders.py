"""A task reminds its assignee in Telegram when it falls due, once, with a *done* button.

A scheduled job asks every minute (``crm/sales/area.py``). Each reminder's dedupe key names
the task and the due time it was set for (``task-due:<id>:<due>``): a second process, a
restart or a late run never sends one twice, and a task moved to a later time reminds again
then. A task done before it falls due is not asked for (``done_at IS NULL``), so it gets none.
A task that fell due more than ``LOOKBACK`` ago (the bot was off for days) is not reminded late:
the digest lists it as overdue.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from crm.notify import Notifier, already_queued
from crm.sales.task_notices import reminder_text, task_button
from db.models import Employee, Task

LOOKBACK = timedelta(days=1)
# At most this many reminders a run; the rest follow a minute later.
BATCH = 200


KEY_PREFIX = "task-due"


def reminder_key(task: Task) -> str:
    """The dedupe key of ``task``'s reminder for its current due time."""
    assert task.due_at is not None
    return f"{KEY_PREFIX}:{task.id}:{task.due_at:%Y%m%d%H%M}"


async def enqueue_task_reminders(
    session: AsyncSession, notifier: Notifier, *, now: datetime
) -> int:
    """Queue the reminders of the open tasks due by ``now``; returns how many were new.

    One query for the due tasks (``ix_tasks_done_due``), one for the keys already queued, then
    only the new reminders are written.
    """
    due = list(
        await session.scalars(
            select(Task)
            .join(Employee, Employee.id == Task.assignee_id)
            .where(
                Task.done_at.is_(None),
                Task.due_at <= now,
                Task.due_at > now - LOOKBACK,
                Employee.active.is_(True),
                Employee.telegram_id.is_not(None),
            )
            .order_by(Task.due_at, Task.id)
            .limit(BATCH)
            .options(
                selectinload(Task.assignee), selectinload(Task.deal), selectinload(Task.client)
            )
        )
    )
    if not due:
        return 0
    queued = await already_queued(session, [reminder_key(task) for task in due])
    count = 0
    for task in due:
        if reminder_key(task) in queued:
            continue
        assignee = task.assignee
        assert assignee is not None and assignee.telegram_id is not None  # joined above
        tr = notifier.translator(notifier.language_of(assignee))
        count += await notifier.enqueue(
            session,
            assignee.telegram_id,
            reminder_text(tr, notifier.zone, task, now),
            now=now,
            buttons=[[task_button(tr, "done", task.id)]],
            dedupe_key=reminder_key(task),
        )
    return count
