"""Tasks and deals for the sales tests of tasks and interactions: the desk's people
(tests/support/desk.py) with two deals and five tasks, made through the services.

1 Ivan's, on his deal "Website" (Maria's), overdue by two hours
2 Ivan's, on Maria, due in three hours
3 Tom's, on his deal "Laptops" (Bob's), due tomorrow
4 Ivan's, on his deal, done
5 Anna's, on Bob, due in a day and an hour
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy import select, update

from crm.sales.deals import DealDraft, open_deal
from crm.sales.tasks import add_task
from db.engine import Database
from db.models import Employee, Interaction, Task
from tests.support.desk import People


@dataclass
class Sales:
    website: int  # Ivan's deal with Maria
    laptops: int  # Tom's deal with Bob
    tasks: dict[int, int]  # the task's number above -> its id


async def add_sales(database: Database, people: People, now: datetime) -> Sales:
    async with database.writer() as session, session.begin():
        anna = await session.get(Employee, people.anna.id)
        assert anna is not None

        async def deal(name: str, client_id: int, owner_id: int) -> int:
            draft = DealDraft(name, Decimal(1000), "EUR", client_id=client_id, owner_id=owner_id)
            return (await open_deal(session, actor=anna, draft=draft, now=now)).id

        website = await deal("Website", people.maria.id, people.ivan.id)
        laptops = await deal("Laptops", people.bob.id, people.tom.id)
        made = [
            ("Call Maria back", now - timedelta(hours=2), people.ivan.id, website, None),
            ("Send the brochure", now + timedelta(hours=3), people.ivan.id, None, people.maria.id),
            ("Quote the laptops", now + timedelta(days=1), people.tom.id, laptops, None),
            ("Kick-off notes", now - timedelta(days=2), people.ivan.id, website, None),
            (
                "Ask Bob for feedback",
                now + timedelta(days=1, hours=1),
                people.anna.id,
                None,
                people.bob.id,
            ),
        ]
        tasks = {}
        for number, (title, due, assignee, deal_id, client_id) in enumerate(made, start=1):
            task = await add_task(
                session,
                actor=anna,
                title=title,
                now=now,
                due_at=due,
                assignee_id=assignee,
                deal_id=deal_id,
                client_id=client_id,
            )
            tasks[number] = task.id
        await session.execute(update(Task).where(Task.id == tasks[4]).values(done_at=now))
    return Sales(website, laptops, tasks)


async def task_row(database: Database, task_id: int) -> Task:
    async with database.reader() as session:
        found = await session.get(Task, task_id)
    assert found is not None
    return found


async def chats_logged(database: Database) -> list[tuple[int, int | None]]:
    """(client id, deal id) of every chat interaction, oldest first."""
    async with database.reader() as session:
        rows = await session.execute(
            select(Interaction.client_id, Interaction.deal_id)
            .where(Interaction.kind == "chat")
            .order_by(Interaction.id)
        )
        return [(client_id, deal_id) for client_id, deal_id in rows]


async def due_at(database: Database, task_id: int, moment: datetime) -> None:
    """The task's due time moved to ``moment``."""
    async with database.writer() as session, session.begin():
        await session.execute(update(Task).where(Task.id == task_id).values(due_at=moment))
