"""Sales' part of the daily digest (and ``/digest``): each employee's open tasks due today and
those overdue, soonest first. One query for everyone in the morning, or for the one asker."""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from crm.areas import DigestDay, DigestText
from crm.keyset import day_start
from crm.notify import Notifier
from crm.sales.task_listing import is_open
from crm.sales.task_notices import task_line
from db.models import Task

# At most this many tasks are listed one by one; the rest are counted.
TASKS_SHOWN = 15


async def task_digest(session: AsyncSession, notifier: Notifier, ask: DigestDay) -> DigestText:
    """The open tasks due by the end of ``ask.day`` (today's and the overdue), per assignee."""
    end = day_start(ask.day + timedelta(days=1), notifier.zone)
    query = (
        select(Task)
        .where(is_open(), Task.assignee_id.is_not(None), Task.due_at < end)
        .order_by(Task.due_at, Task.id)
        .options(selectinload(Task.deal), selectinload(Task.client))
    )
    if ask.employee_id is not None:
        query = query.where(Task.assignee_id == ask.employee_id)
    by_assignee: dict[int, list[Task]] = defaultdict(list)
    for task in await session.scalars(query):
        assert task.assignee_id is not None  # filtered above
        by_assignee[task.assignee_id].append(task)

    def text(employee_id: int, _manager: bool, language: str | None) -> str:
        tasks = by_assignee.get(employee_id, [])
        if not tasks:
            return ""
        tr = notifier.translator(language)
        overdue = sum(task.is_overdue(ask.now) for task in tasks)
        lines = [
            tr.gettext(
                "✅ Your tasks due today and overdue: {count} ({overdue} overdue)",
                count=len(tasks),
                overdue=overdue,
            )
        ]
        lines += [task_line(tr, notifier.zone, task, ask.now) for task in tasks[:TASKS_SHOWN]]
        if len(tasks) > TASKS_SHOWN:
            lines.append(tr.gettext("… and {count} more", count=len(tasks) - TASKS_SHOWN))
        lines.append(tr.gettext("Mark them done in /tasks"))
        return "\n".join(lines)

    return text
