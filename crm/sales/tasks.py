"""Tasks: something to do about a deal or a client, by someone, by a time; set and marked done.

Who may set one and on what: anyone on staff on a deal they may work on or a client they may
see; owners and administrators give tasks to anyone on staff, the others to themselves.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from crm.errors import InvalidInput, NotFound
from crm.i18n import N_
from crm.people.clients import visible_client
from crm.people.names import clean_title
from crm.permissions import Actor, is_manager, require_staff
from crm.sales.deals import load_deal
from crm.sales.rules import actions, check_assignee, may_finish_task, require
from crm.visibility import load_visible
from db.models import Employee, Task

# What a task's line shows, loaded with it.
SHOWN = (selectinload(Task.deal), selectinload(Task.client), selectinload(Task.assignee))
# The longest title a task keeps.
MAX_TITLE = 300


async def _assignee(session: AsyncSession, assignee_id: int) -> int:
    """``assignee_id`` once it is someone active on staff."""
    assignee = await session.get(Employee, assignee_id)
    if assignee is None or not assignee.active:
        raise NotFound(N_("that employee does not exist"), field="assignee_id")
    return assignee.id


async def add_task(
    session: AsyncSession,
    *,
    actor: Actor,
    title: str,
    now: datetime,
    due_at: datetime | None = None,
    assignee_id: int | None = None,
    deal_id: int | None = None,
    client_id: int | None = None,
) -> Task:
    """A new open task on a deal (``actor`` may work on it) or a client (``actor`` may see
    them), for ``assignee_id`` (``actor`` when not given)."""
    me = require_staff(actor)
    title = clean_title(title, longest=MAX_TITLE)
    if deal_id is None and client_id is None:
        raise InvalidInput(N_("a task is about a deal or a client"), field="deal_id")
    if deal_id is not None:
        deal = await load_deal(session, deal_id, visible_to=actor)
        require("task" in actions(actor, deal))
        client_id = client_id or deal.client_id
    if client_id is not None and deal_id is None:
        await visible_client(session, actor, client_id, field="client_id")
    assignee_id = me.id if assignee_id is None else assignee_id
    if assignee_id != me.id:
        check_assignee(actor, assignee_id)
        assignee_id = await _assignee(session, assignee_id)
    task = Task(
        title=title,
        due_at=due_at,
        assignee_id=assignee_id,
        deal_id=deal_id,
        client_id=client_id,
        created_by_id=me.id,
        created_at=now,
        updated_at=now,
    )
    session.add(task)
    await session.flush()
    return task


async def load_task(session: AsyncSession, task_id: int, *, visible_to: Actor | None) -> Task:
    """The task with what its line shows, or NotFound (also when ``visible_to`` may not see
    it)."""
    task = await load_visible(session, Task, task_id, visible_to=visible_to, options=SHOWN)
    if task is None:
        raise NotFound(N_("task #{task_id} does not exist"), task_id=task_id)
    return task


async def finish_task(session: AsyncSession, *, actor: Actor, task_id: int, now: datetime) -> Task:
    """Mark a task done (its assignee, whoever set it, managers), once: a second or stale press
    changes nothing and is told so (InvalidInput)."""
    task = await load_task(session, task_id, visible_to=actor)
    require(may_finish_task(actor, task))
    if task.done_at is not None:
        raise InvalidInput(N_("task #{task_id} is already done"), task_id=task.id)
    task.done_at = now
    task.updated_at = now
    await session.flush()
    return task


async def edit_task(
    session: AsyncSession,
    *,
    actor: Actor,
    task_id: int,
    title: str,
    due_at: datetime | None,
    assignee_id: int,
    now: datetime,
) -> Task:
    """Change a task's title, due time or assignee (those who may mark it done); only managers
    give it to someone else."""
    task = await load_task(session, task_id, visible_to=actor)
    require(may_finish_task(actor, task))
    task.title = clean_title(title, longest=MAX_TITLE)
    if assignee_id != task.assignee_id:
        check_assignee(actor, assignee_id)
        require(is_manager(actor))
        task.assignee_id = await _assignee(session, assignee_id)
    task.due_at = due_at
    task.updated_at = now
    await session.flush()
    return task


async def delete_task(session: AsyncSession, *, actor: Actor, task_id: int) -> None:
    """Delete a task (those who may mark it done)."""
    task = await load_task(session, task_id, visible_to=actor)
    require(may_finish_task(actor, task))
    await session.delete(task)
    await session.flush()


async def assignee_choices(session: AsyncSession, *, actor: Actor) -> list[Employee]:
    """Whom ``actor`` may give a task to: managers anyone active on staff, the others
    themselves (``add_task`` and ``edit_task`` hold to the same)."""
    me = require_staff(actor)
    if not is_manager(me):
        return [me]
    found = await session.scalars(
        select(Employee).where(Employee.active.is_(True)).order_by(Employee.full_name, Employee.id)
    )
    return list(found)
