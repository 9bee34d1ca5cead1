"""The workspace on the admin site, through aiohttp's test client on a real database: the
notification centre (unseen until opened, the header's count, *mark all seen*, filters by kind
and date, nobody else's), the agenda as a week with the planned items' forms, my contacts, my
documents and a client's on their card, and a conversation read and answered on the site."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import func, select

from bot.sandbox.telegram import FakeTelegram
from crm.notify import Notifier
from crm.settings import Settings
from crm.subjects import Subject
from crm.workspace.documents import FileDraft, keep_document
from crm.workspace.plans import PlanDraft, save_plan
from db.base import utcnow
from db.engine import Database
from db.enums import OutboxStatus, SubjectKind
from db.models import OutboxMessage, PersonalContact, PersonMessage, PlannedItem
from tests.support.desk import ANNA, IVAN, MARIA, People, add_people, set_coach
from tests.support.site import Client as SiteClient
from tests.support.site import give_logins, post_form, sign_in
from web.app import create_app

SECRET = "test-secret-key"
NOTIFIER = Notifier("en", "EUR")


@pytest.fixture
async def people(database: Database) -> People:
    people = await add_people(database, FakeTelegram("1:t"))
    await give_logins(database, people.anna, people.ivan, people.tom)
    return people


@pytest.fixture
async def site(database: Database, people: People) -> AsyncIterator[SiteClient]:
    app = create_app(Settings(_env_file=None), database, secret_key=SECRET)
    async with TestClient(TestServer(app)) as client:
        yield client


async def _notify(database: Database, chat_id: int, text: str, **extra: object) -> int:
    async with database.writer() as session, session.begin():
        await NOTIFIER.enqueue(session, chat_id, text, now=utcnow(), **extra)  # type: ignore[arg-type]
        found = await session.scalar(
            select(func.max(OutboxMessage.id)).where(OutboxMessage.chat_id == chat_id)
        )
        assert found is not None
        return int(found)


def _unseen(page: str) -> str:
    found = re.search(r'id="unseen"[^>]*>🔔 ([^<]*)</a>', page)
    assert found is not None, "the header has its bell"
    return found.group(1)


async def test_notifications_are_unseen_until_opened_and_all_can_be_marked_seen(
    site: SiteClient, database: Database, people: People
) -> None:
    ticket = await _notify(
        database,
        IVAN,
        "Ticket #5 <b>is assigned to you</b>",
        subject=Subject(SubjectKind.TICKET, 5),
    )
    await _notify(database, IVAN, "⏰ A task is due now: call back", dedupe_key="task-due:3:x")
    await _notify(database, IVAN, "☀️ Your digest", dedupe_key="digest:9:2026-12-06")
    await _notify(database, MARIA, "Not Ivan's")
    await _notify(database, ANNA, "Anna's own")
    await sign_in(site, "ivan")
    page = await (await site.get("/notifications")).text()
    assert _unseen(page) == "3 unseen"
    assert "is assigned to you" in page and "<b>is assigned" not in page  # shown as text
    assert "Not Ivan" not in page and "Anna&#39;s own" not in page
    # Filters: by kind, by date, unseen only; a bad one is refused next to its field.
    tasks = await (await site.get("/notifications?kind=task")).text()
    assert "A task is due now" in tasks and "Your digest" not in tasks
    today = utcnow().date()
    later = await (await site.get(f"/notifications?since={today + timedelta(days=1)}")).text()
    assert "No notifications." in later
    refused = await site.get("/notifications?since=yesterday&kind=weather&until=9999-12-31")
    assert refused.status == 400
    said = await refused.text()
    assert "From must be a date (YYYY-MM-DD)" in said and "choose a kind from the list" in said
    assert "To must be a date between" in said
    # Opened, it is seen, and links to what it is about.
    opened = await (await site.get(f"/notifications/{ticket}")).text()
    assert 'href="/tickets/5"' in opened
    assert _unseen(await (await site.get("/notifications")).text()) == "2 unseen"
    unseen = await (await site.get("/notifications?unseen=1")).text()
    assert "is assigned to you" not in unseen and "Your digest" in unseen
    # Someone else's is nobody's to open.
    async with database.reader() as session:
        annas = await session.scalar(select(OutboxMessage.id).where(OutboxMessage.chat_id == ANNA))
    assert (await site.get(f"/notifications/{annas}")).status == 404
    done = await post_form(site, "/notifications/seen", {}, page="/notifications")
    assert done.status == 302
    page = await (await site.get("/notifications")).text()
    assert _unseen(page) == "0 unseen" and "2 notifications marked seen." in page
    async with database.reader() as session:
        annas_row = await session.get(OutboxMessage, annas)
        assert annas_row is not None and annas_row.seen_at is None  # hers stay unseen


async def test_the_week_shows_my_planned_items_and_the_form_plans_moves_and_deletes(
    site: SiteClient, database: Database, people: People
) -> None:
    now = utcnow()
    async with database.writer() as session, session.begin():
        mine = await save_plan(
            session,
            actor=people.ivan,
            draft=PlanDraft("Prepare the <offer>", now + timedelta(hours=2)),
            now=now,
        )
        await save_plan(
            session,
            actor=people.tom,
            draft=PlanDraft("Tom's own", now + timedelta(hours=2)),
            now=now,
        )
    await sign_in(site, "ivan")
    monday = now.date() - timedelta(days=now.weekday())
    for far in ("", "0001-01-01", "9999-12-31", "2026-02-30"):  # this week instead, never a 500
        shown = await site.get(f"/agenda?week={far}")
        assert shown.status == 200
        assert f'/agenda?week={monday + timedelta(days=7)}" rel="next"' in await shown.text()
    # The item's own week: two hours from now is next week late on a Sunday (UTC here).
    week = await (await site.get(f"/agenda?week={(now + timedelta(hours=2)).date()}")).text()
    assert "Prepare the &lt;offer&gt;" in week and "Tom" not in week.split('id="week"')[1]
    when = (now + timedelta(days=8)).strftime("%Y-%m-%dT10:00")
    bad = await post_form(
        site, "/agenda/new", {"title": "", "starts_at": "someday", "remind_before": "0"}
    )
    assert bad.status == 400
    saved = await post_form(
        site,
        "/agenda/new",
        {"title": "Visit Nordlight", "starts_at": when, "minutes": "90", "remind_before": "60"},
    )
    assert saved.status == 302 and saved.headers["Location"].startswith("/agenda?week=")
    moved_to = await (await site.get(saved.headers["Location"])).text()
    assert "Visit Nordlight" in moved_to
    async with database.reader() as session:
        visit = await session.scalar(
            select(PlannedItem).where(PlannedItem.title == "Visit Nordlight")
        )
    assert visit is not None and visit.minutes == 90 and visit.remind_before == 60
    assert visit.remind_at == visit.starts_at - timedelta(hours=1)
    # Tom's item is not Ivan's to open, change or delete.
    async with database.reader() as session:
        toms = await session.scalar(select(PlannedItem.id).where(PlannedItem.title == "Tom's own"))
    assert (await site.get(f"/agenda/{toms}/edit")).status == 404
    gone = await post_form(site, f"/agenda/{mine.id}/delete", {})
    assert gone.status == 302
    async with database.reader() as session:
        assert await session.get(PlannedItem, mine.id) is None


async def test_my_contacts_and_documents_and_a_clients_on_their_card(
    site: SiteClient, database: Database, people: People
) -> None:
    now = utcnow()
    async with database.writer() as session, session.begin():
        await keep_document(
            session,
            actor=people.maria,
            draft=FileDraft("doc-maria-1", "u1", "passport.pdf", "application/pdf", 1200),
            title="",
            now=now,
        )
        mine = await keep_document(
            session,
            actor=people.anna,
            draft=FileDraft("doc-anna-1", "u2", "plan.docx", None, 800),
            title="Office plan",
            now=now,
        )
    await sign_in(site, "anna")
    refused = await post_form(site, "/contacts/new", {"name": "", "email": "not-mail"})
    assert refused.status == 400
    assert "not an e-mail address" in await refused.text()
    saved = await post_form(
        site, "/contacts/new", {"name": "Marc <Lefèvre>", "phone": "+33 6 12 34 50 01"}
    )
    assert saved.status == 302
    contacts = await (await site.get("/contacts?q=marc")).text()
    assert "Marc &lt;Lefèvre&gt;" in contacts and "+33612345001" in contacts
    documents = await (await site.get("/documents")).text()
    assert "Office plan" in documents and "DOCX" in documents and "passport" not in documents
    card = await (await site.get(f"/clients/{people.maria.id}")).text()
    assert 'id="client-documents"' in card and "passport.pdf" in card
    # Sent to Anna's own Telegram through the outbox, as the bot's own file.
    sent = await post_form(
        site, f"/documents/{mine.id}/send", {"back": "/documents"}, page="/documents"
    )
    assert sent.status == 302
    async with database.reader() as session:
        queued = await session.scalar(
            select(OutboxMessage).where(OutboxMessage.method == "sendDocument")
        )
    assert queued is not None and queued.chat_id == ANNA
    assert queued.payload["document"] == "doc-anna-1"
    async with database.reader() as session:
        assert (await session.scalar(select(PersonalContact.employee_id))) == people.anna.id


async def test_a_conversation_is_read_and_answered_on_the_site(
    site: SiteClient, database: Database, people: People
) -> None:
    await set_coach(database, people.ivan, people.maria)
    async with database.writer() as session, session.begin():
        session.add(
            PersonMessage(
                sender_client_id=people.maria.id,
                recipient_employee_id=people.ivan.id,
                text="Can we move <Friday>?",
                sent_at=utcnow(),
            )
        )
    await sign_in(site, "ivan")
    listed = await (await site.get("/conversations")).text()
    assert "Maria Lopez" in listed and "Can we move &lt;Friday&gt;?" in listed
    path = f"/conversations/client-{people.maria.id}"
    empty = await post_form(site, path, {"text": "  "})
    assert empty.status == 400
    answered = await post_form(site, path, {"text": "Yes: Monday."})
    assert answered.status == 302
    page = await (await site.get(path)).text()
    assert "Yes: Monday." in page and "on its way" in page
    async with database.reader() as session:
        relayed = await session.scalar(
            select(OutboxMessage).where(OutboxMessage.subject_kind == SubjectKind.MESSAGE)
        )
        read = await session.scalar(select(PersonMessage.read_at).where(PersonMessage.id == 1))
    assert relayed is not None and relayed.chat_id == MARIA and read is not None
    async with database.writer() as session, session.begin():
        row = await session.get(OutboxMessage, relayed.id)
        assert row is not None
        row.status = OutboxStatus.FAILED
    assert "undelivered" in await (await site.get(path)).text()
    # Bob is not Ivan's client: no conversation with him to open or start.
    assert (await site.get(f"/conversations/client-{people.bob.id}")).status == 404
