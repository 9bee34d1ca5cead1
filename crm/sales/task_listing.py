"""Reading tasks: the site's listing (filtered by assignee, due and state, soonest due first,
keyset pages, the same rows for CSV), an employee's own open tasks for ``/tasks``, and the
tasks due by a moment for the digest.

Every read goes through ``crm.visibility.visible_tasks``: a specialist sees the tasks assigned
to them (and those on their deals and clients), managers all. A task with no due time sorts
after every dated one (``SOMEDAY``), so the order is a total one keyset pages can follow.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, Select, func, literal, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload

from crm import keyset
from crm.i18n import N_
from crm.keyset import PAGE_SIZE, day_start
from crm.permissions import Actor, require_staff
from crm.visibility import visible_tasks
from db.base import UTCDateTime
from db.models import Task

# Where a task with no due time stands in the order: after every dated one.
SOMEDAY = datetime(9999, 12, 31, tzinfo=UTC)
# At most this many of one's own tasks are listed in the chat; the rest are counted.
MY_TASKS_SHOWN = 30
SHOWN = (joinedload(Task.deal), joinedload(Task.client), joinedload(Task.assignee))


class TaskState(StrEnum):
    """A task's state as the listing filters it."""

    OPEN = "open"
    DONE = "done"
    OVERDUE = "overdue"


class DueRange(StrEnum):
    """The due times the listing offers at one click, in the business's time zone."""

    OVERDUE = "overdue"
    TODAY = "today"
    WEEK = "week"


STATE_NAMES = {
    # A task's own words, not a session's "open"/"done": a task is feminine in ru and fr.
    TaskState.OPEN: N_("to do"),
    TaskState.DONE: N_("marked done"),
    TaskState.OVERDUE: N_("overdue"),
}
DUE_NAMES = {
    DueRange.OVERDUE: N_("overdue"),
    DueRange.TODAY: N_("due today"),
    DueRange.WEEK: N_("due this week"),
}


def due_order() -> ColumnElement[datetime]:
    """The listing's moment: the due time, or ``SOMEDAY``."""
    return func.coalesce(Task.due_at, literal(SOMEDAY, UTCDateTime()))


def is_open() -> ColumnElement[bool]:
    return Task.done_at.is_(None)


def overdue(now: datetime) -> ColumnElement[bool]:
    """Past due while open: the SQL of ``Task.is_overdue``."""
    return is_open() & (Task.due_at < now)


@dataclass(frozen=True)
class TaskFilter:
    """What a person asked the listing for; every field is optional and they combine."""

    now: datetime
    assignee_id: int | None = None
    state: TaskState | None = None
    due: DueRange | None = None
    due_from: date | None = None
    due_to: date | None = None
    client_id: int | None = None
    zone: ZoneInfo = field(default_factory=lambda: ZoneInfo("UTC"))


@dataclass(frozen=True)
class TaskPage:
    tasks: list[Task]
    next_cursor: str | None
    previous_cursor: str | None
    total: int  # capped at COUNT_CAP
    total_is_capped: bool


def _due_range(query: Select[Task], wanted: TaskFilter) -> Select[Task]:
    now, zone = wanted.now, wanted.zone
    today = now.astimezone(zone).date()
    if wanted.due is DueRange.OVERDUE:
        query = query.where(overdue(now))
    elif wanted.due is DueRange.TODAY:
        query = query.where(
            Task.due_at >= day_start(today, zone),
            Task.due_at < day_start(today + timedelta(days=1), zone),
        )
    elif wanted.due is DueRange.WEEK:
        monday = today - timedelta(days=today.weekday())
        query = query.where(
            Task.due_at >= day_start(monday, zone),
            Task.due_at < day_start(monday + timedelta(days=7), zone),
        )
    return keyset.within_days(query, Task.due_at, wanted.due_from, wanted.due_to, zone)


def filtered(viewer: Actor, wanted: TaskFilter) -> Select[Task]:
    """The tasks ``viewer`` may see that match ``wanted``, unordered."""
    query = select(Task).where(visible_tasks(viewer))
    if wanted.assignee_id is not None:
        query = query.where(Task.assignee_id == wanted.assignee_id)
    if wanted.client_id is not None:
        query = query.where(Task.client_id == wanted.client_id)
    if wanted.state is TaskState.OPEN:
        query = query.where(is_open())
    elif wanted.state is TaskState.DONE:
        query = query.where(Task.done_at.is_not(None))
    elif wanted.state is TaskState.OVERDUE:
        query = query.where(overdue(wanted.now))
    return _due_range(query, wanted)


def encode_cursor(task: Task) -> str:
    """A link to the listing's position just after ``task``."""
    return keyset.encode_cursor(task.due_at or SOMEDAY, task.id)


async def list_tasks(
    session: AsyncSession,
    viewer: Actor,
    wanted: TaskFilter,
    *,
    cursor: str | None = None,
    before: str | None = None,
    page_size: int = PAGE_SIZE,
) -> TaskPage:
    """One page of the tasks ``viewer`` may see that match ``wanted``, soonest due first."""
    page = await keyset.read_page(
        session,
        filtered(viewer, wanted),
        key=(due_order(), Task.id),
        cursor_of=encode_cursor,
        oldest_first=True,
        cursor=cursor,
        before=before,
        page_size=page_size,
        options=SHOWN,
    )
    return TaskPage(
        tasks=page.rows,
        next_cursor=page.next_cursor,
        previous_cursor=page.previous_cursor,
        total=page.total,
        total_is_capped=page.total_is_capped,
    )


def export_tasks(
    session: AsyncSession, viewer: Actor, wanted: TaskFilter, *, chunk: int = 1000
) -> AsyncGenerator[list[Task]]:
    """Every matching task, in chunks, in the listing's order (for CSV export)."""

    async def read(cursor: str | None) -> tuple[list[Task], str | None]:
        page = await list_tasks(session, viewer, wanted, cursor=cursor, page_size=chunk)
        return page.tasks, page.next_cursor

    return keyset.in_chunks(read)


@dataclass(frozen=True)
class MyTasks:
    shown: list[Task]
    more: int


async def my_open_tasks(
    session: AsyncSession, *, actor: Actor, limit: int = MY_TASKS_SHOWN
) -> MyTasks:
    """``actor``'s own open tasks (assigned to them), overdue first then by due time: the
    overdue ones are those due earliest, so the due order is both (undated ones last)."""
    me = require_staff(actor)
    mine = select(Task).where(visible_tasks(me), Task.assignee_id == me.id, is_open())
    rows = await session.scalars(mine.order_by(due_order(), Task.id).limit(limit).options(*SHOWN))
    shown = list(rows.unique())
    more = 0
    if len(shown) == limit:
        total = await session.scalar(select(func.count()).select_from(mine.subquery()))
        more = int(total or 0) - limit
    return MyTasks(shown, more)
