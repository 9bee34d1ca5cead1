"""Tasks and the interaction log on the admin site, through aiohttp's test client on a real
database: the task listing, its filters and CSV per role, the *done* button, the task forms
with good and bad input, and a client's page showing the chats they had with the business
(without their text) beside what was logged by hand."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import AsyncIterator
from datetime import UTC, datetime, time, timedelta

import pytest
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import select

from bot.sandbox.telegram import FakeTelegram
from crm.notify import Notifier
from crm.settings import Settings
from db.base import utcnow
from db.engine import Database
from db.models import Interaction, Task
from tests.sales.tasks_support import Sales, add_sales, due_at, task_row
from tests.support.desk import MARIA, People, add_people
from tests.support.site import Client as SiteClient
from tests.support.site import give_logins, post_form, sign_in
from web.app import create_app

SECRET = "test-secret-key"


@pytest.fixture
async def setting(database: Database) -> tuple[People, Sales]:
    people = await add_people(database, FakeTelegram("1:t"))
    sales = await add_sales(database, people, utcnow())
    await give_logins(database, people.anna, people.ivan, people.tom, people.pavel)
    return people, sales


@pytest.fixture
async def site(database: Database, setting: tuple[People, Sales]) -> AsyncIterator[SiteClient]:
    app = create_app(Settings(_env_file=None), database, secret_key=SECRET)
    async with TestClient(TestServer(app)) as client:
        yield client


def numbers(sales: Sales, page: str) -> list[int]:
    """The tasks a page lists, by their number in tests/sales/tasks_support.py, in its order."""
    number = {task_id: n for n, task_id in sales.tasks.items()}
    return [number[int(found)] for found in re.findall(r'<tr id="task-(\d+)">', page)]


async def exported(site: SiteClient, sales: Sales, query: str) -> set[int]:
    response = await site.get(f"/tasks.csv?{query}")
    assert response.status == 200
    number = {task_id: n for n, task_id in sales.tasks.items()}
    return {number[int(row["id"])] for row in csv.DictReader(io.StringIO(await response.text()))}


@pytest.mark.parametrize(
    ("login", "query", "expected"),
    [
        # Managers see every task, soonest due first; a specialist their own.
        ("anna", "", [4, 1, 2, 3, 5]),
        ("ivan", "", [4, 1, 2]),
        ("tom", "", [3, 5]),  # and the tasks on Bob, the client of his deal
        ("pavel", "", [4, 1, 2]),  # a helper: the tasks of Maria, whom he helps
        ("anna", "state=open", [1, 2, 3, 5]),
        ("anna", "state=done", [4]),
        ("anna", "state=overdue", [1]),
        ("anna", "due=overdue", [1]),
        ("anna", "assignee={tom}", [3]),
        ("ivan", "assignee={tom}", []),
        ("anna", "state=open&assignee={ivan}", [1, 2]),
    ],
)
async def test_the_listing_and_its_csv_by_role_and_filter(
    site: SiteClient,
    setting: tuple[People, Sales],
    login: str,
    query: str,
    expected: list[int],
) -> None:
    people, sales = setting
    query = query.format(tom=people.tom.id, ivan=people.ivan.id)
    await sign_in(site, login)
    response = await site.get(f"/tasks?{query}")
    page = await response.text()
    assert response.status == 200, page
    assert numbers(sales, page) == expected
    assert await exported(site, sales, query) == set(expected)


async def test_the_date_window_lists_the_tasks_due_on_its_days(
    site: SiteClient, setting: tuple[People, Sales], database: Database
) -> None:
    """``from`` and ``to`` are days of the business's zone (UTC here), both included, whatever
    the hour: the tasks are put at each edge of the window, so neither bound can slip."""
    _people, sales = setting
    tomorrow = (utcnow() + timedelta(days=1)).date()
    after = tomorrow + timedelta(days=1)
    start = datetime.combine(tomorrow, time(0, 0), tzinfo=UTC)
    edges = {
        1: start - timedelta(seconds=1),  # the last second of today: out
        2: start,  # tomorrow's first second: in
        3: start + timedelta(hours=12),
        5: start + timedelta(days=2, seconds=-1),  # the day after's last second: in
        4: start + timedelta(days=2),  # the next day's first second: out
    }
    for number, moment in edges.items():
        await due_at(database, sales.tasks[number], moment)
    query = f"from={tomorrow}&to={after}"
    await sign_in(site, "anna")
    response = await site.get(f"/tasks?{query}")
    page = await response.text()
    assert response.status == 200, page
    assert numbers(sales, page) == [2, 3, 5]
    assert await exported(site, sales, query) == {2, 3, 5}


async def test_bad_filters_are_told_next_to_their_field(site: SiteClient) -> None:
    await sign_in(site, "anna")
    response = await site.get("/tasks?state=lost&from=someday&assignee=x")
    page = await response.text()
    assert response.status == 400
    assert "unknown value" in page and "must be a date" in page and "whole number" in page
    assert (await site.get("/tasks.csv?state=lost")).status == 400
    assert (await site.get("/tasks?after=broken")).status == 400


async def test_done_once_then_said_so(
    site: SiteClient, database: Database, setting: tuple[People, Sales]
) -> None:
    _, sales = setting
    task_id = sales.tasks[2]
    await sign_in(site, "ivan")
    done = await post_form(
        site, f"/tasks/{task_id}/done", {"back": "/tasks?state=open"}, page="/tasks"
    )
    assert done.status == 302 and done.headers["Location"] == "/tasks?state=open"
    assert f"Task #{task_id} is done." in await (await site.get("/tasks")).text()
    first = (await task_row(database, task_id)).done_at
    assert first is not None
    await post_form(site, f"/tasks/{task_id}/done", {}, page="/tasks")
    assert f"Task #{task_id} is already done" in await (await site.get("/tasks")).text()
    assert (await task_row(database, task_id)).done_at == first
    # Tom may not mark Ivan's task done: for him it does not exist.
    await sign_in(site, "tom")
    refused = await post_form(site, f"/tasks/{sales.tasks[1]}/done", {}, page="/tasks")
    assert refused.status == 404
    assert (await task_row(database, sales.tasks[1])).done_at is None


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("ru", ["открыта", "выполнена", "просрочена", "Отметить выполненной"]),
        ("fr", ["ouverte", "faite", "en retard", "Marquer faite"]),
    ],
)
async def test_task_states_and_the_done_button_speak_of_a_task(
    site: SiteClient, language: str, words: list[str]
) -> None:
    # A task (задача, tâche) is feminine: not a session's "проведена"/"tenue", nor "открыт".
    await sign_in(site, "anna")
    chosen = await post_form(site, "/language", {"language": language}, page="/tasks")
    assert chosen.status == 302
    page = await (await site.get("/tasks")).text()
    states = re.search(r'<select id="state".*?</select>', page, re.S)
    assert states is not None
    shown = {
        re.sub(r"<[^>]+>", "", cell).strip()
        for cell in re.findall(r'data-label="[^"]*">(.*?)</td>', page, re.S)
    }
    for word in words[:3]:
        assert f">{word}</option>" in states.group(0), word
        assert word in shown, word
    assert f'<button type="submit">{words[3]}</button>' in page
    for wrong in ("проведена", "открыт<", "Выполнен<", "tenue", "ouvert<"):
        assert wrong not in page, wrong


async def test_new_task_forms_refuse_next_to_the_field_and_save(
    site: SiteClient, database: Database, setting: tuple[People, Sales]
) -> None:
    people, sales = setting
    await sign_in(site, "ivan")
    form = await (await site.get("/tasks/new")).text()
    # A specialist gives tasks to themselves only.
    assert re.findall(r'<option value="(\d+)"', form) == [str(people.ivan.id)]
    bad = await post_form(
        site,
        "/tasks/new",
        {"title": "", "deal_id": "x", "due_at": "soon", "assignee_id": str(people.ivan.id)},
    )
    page = await bad.text()
    assert bad.status == 400
    assert 'id="deal_id-error"' in page and 'id="due_at-error"' in page
    other = await post_form(
        site,
        "/tasks/new",
        {"title": "Chase", "deal_id": str(sales.laptops), "assignee_id": str(people.ivan.id)},
    )
    assert other.status == 400 and "Deal #" in await other.text()  # Tom's deal: not there
    saved = await post_form(
        site,
        "/tasks/new",
        {
            "title": "Send <the> offer",
            "deal_id": str(sales.website),
            "due_at": "2030-01-02T10:00",
            "assignee_id": str(people.ivan.id),
        },
    )
    assert saved.status == 302
    async with database.reader() as session:
        task = await session.scalar(select(Task).where(Task.title == "Send <the> offer"))
    assert task is not None and task.deal_id == sales.website and task.client_id == people.maria.id
    listing = await (await site.get("/tasks")).text()
    assert "Send &lt;the&gt; offer" in listing
    # Edit and delete.
    edited = await post_form(
        site,
        f"/tasks/{task.id}/edit",
        {"title": "Send the offer", "due_at": "", "assignee_id": str(people.tom.id)},
    )
    assert edited.status == 400  # not his to give away
    forged = r'id="assignee_id-error">[^<]*You may only give tasks to yourself'
    assert re.search(forged, await edited.text())
    assert (await task_row(database, task.id)).assignee_id == people.ivan.id
    to_tom = {"title": "X", "deal_id": str(sales.website), "assignee_id": str(people.tom.id)}
    given = await post_form(site, "/tasks/new", to_tom)
    assert given.status == 400 and re.search(forged, await given.text())
    edited = await post_form(
        site,
        f"/tasks/{task.id}/edit",
        {"title": "Send the offer", "due_at": "", "assignee_id": str(people.ivan.id)},
    )
    assert edited.status == 302
    assert (await task_row(database, task.id)).title == "Send the offer"
    gone = await post_form(site, f"/tasks/{task.id}/delete", {})
    assert gone.status == 302
    async with database.reader() as session:
        assert await session.get(Task, task.id) is None


async def test_the_client_page_refuses_notes_too_long(
    site: SiteClient, database: Database, setting: tuple[People, Sales]
) -> None:
    people, _ = setting
    await sign_in(site, "ivan")
    page = f"/clients/{people.maria.id}"
    before = await logged(database)
    too_long = {"kind": "note", "notes": "n" * 5001}
    refused = await post_form(site, f"{page}/interactions", too_long, page=page)
    assert refused.status == 400
    assert re.search(r'id="notes-error">[^<]*longer than 5000', await refused.text())
    assert await logged(database) == before


async def logged(database: Database) -> int:
    async with database.reader() as session:
        return len(list(await session.scalars(select(Interaction))))


async def test_the_client_page_shows_chats_without_their_text_and_logs_a_call(
    site: SiteClient, database: Database, setting: tuple[People, Sales]
) -> None:
    people, sales = setting
    secret = "Your laptop password is hunter2"
    async with database.writer() as session, session.begin():
        # A notice sent to Maria's chat (a ticket reply, a session notice...).
        await Notifier("en").enqueue(session, MARIA, secret, now=utcnow() - timedelta(hours=1))
    await sign_in(site, "ivan")
    page = await (await site.get(f"/clients/{people.maria.id}")).text()
    log = page[page.index('id="interaction-log"') :].split("</table>")[0]
    assert 'class="interaction-chat"' in log and "the business" in log
    assert secret not in page
    # A call logged on the page, with its deal; a bad time is told next to its field.
    bad = await post_form(
        site,
        f"/clients/{people.maria.id}/interactions",
        {"kind": "call", "happened_at": "yesterday-ish", "notes": "x"},
        page=f"/clients/{people.maria.id}",
    )
    assert bad.status == 400 and 'id="happened_at-error"' in await bad.text()
    logged = await post_form(
        site,
        f"/clients/{people.maria.id}/interactions",
        {"kind": "call", "deal_id": str(sales.website), "notes": "Agreed on <b>scope</b>"},
        page=f"/clients/{people.maria.id}",
    )
    assert logged.status == 302
    page = await (await site.get(f"/clients/{people.maria.id}")).text()
    log = page[page.index('id="interaction-log"') :].split("</table>")[0]
    assert 'class="interaction-call"' in log and "Agreed on &lt;b&gt;scope&lt;/b&gt;" in log
    assert "Ivan Kuznetsov" in log and "Website" in log
    async with database.reader() as session:
        assert await session.scalar(select(Interaction.client_id)) == people.maria.id
    # A deal of another client's is refused, next to its field.
    await sign_in(site, "anna")
    other = await post_form(
        site,
        f"/clients/{people.maria.id}/interactions",
        {"kind": "note", "deal_id": str(sales.laptops), "notes": "Mixed up"},
        page=f"/clients/{people.maria.id}",
    )
    assert other.status == 400 and 'id="deal_id-error"' in await other.text()
