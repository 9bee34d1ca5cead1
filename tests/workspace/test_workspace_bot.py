"""The workspace in the chat, with the bot in this process (tests/support/in_process.py):
planned items in one line and in a dialog, reminded once by the job at the test's clock and
never once deleted from /agenda; a contact card saved to my contacts; a file kept in my
documents and sent back; a conversation relayed both ways with neither side's Telegram id,
username or phone in it; a button pressed on a notification making it seen."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from bot.sandbox.chat import Fault, SandboxUser
from bot.sandbox.telegram import FakeTelegram
from crm.notify import Notifier
from crm.workspace.area import AREA
from crm.workspace.notifications import seen_in_chat
from db.base import utcnow
from db.engine import Database
from db.enums import OutboxStatus, Role
from db.models import (
    Client,
    Employee,
    OutboxMessage,
    PersonalContact,
    PersonalDocument,
    PersonMessage,
    PlannedItem,
)
from notifications.scheduler import run_job
from tests.support.desk import (
    ANNA,
    BOB,
    IVAN,
    MARIA,
    TOM,
    UNPACED_SENDER,
    People,
    add_people,
    desk_settings,
    set_coach,
)
from tests.support.e2e import (
    bot_said,
    eventually_async,
    handled,
    last_message_id,
    notified,
    press,
)
from tests.support.in_process import FAKE_API_BASE, bot_in_process

NOTIFIER = Notifier("en", "EUR")
JOB = next(job for job in AREA.jobs if job.id == "plan_reminders")


@pytest.fixture
async def bot_desk(fake: FakeTelegram, database_url: str) -> AsyncIterator[tuple[Database, People]]:
    settings = desk_settings(FAKE_API_BASE, database_url)
    async with bot_in_process(settings, fake, UNPACED_SENDER) as bot:
        yield bot.database, await add_people(bot.database, fake)


async def _rows(database: Database, model: Any, **where: object) -> list[Any]:
    async with database.reader() as session:
        return list(await session.scalars(select(model).filter_by(**where).order_by(model.id)))


async def test_planned_in_one_line_or_a_dialog_reminded_once_and_deleted_from_the_agenda(
    bot_desk: tuple[Database, People], fake: FakeTelegram
) -> None:
    database, _people = bot_desk
    soon = (utcnow() + timedelta(days=2)).replace(hour=10, minute=0, second=0, microsecond=0)
    fake.send_text(MARIA, f"/remind {soon:%Y-%m-%d} 10:00 call the <bank>")
    planned = await bot_said(fake, MARIA, "📝 Planned; you will find it in /agenda:")
    assert "call the <bank>" in planned.text and "reminder at its time" in planned.text
    # The dialog: what, when, which reminder.
    fake.send_text(MARIA, "/remind")
    await bot_said(fake, MARIA, "What do you want to plan?")
    fake.send_text(MARIA, "Dentist")
    await bot_said(fake, MARIA, "When? A date and a time")
    fake.send_text(MARIA, "yesterday 9:00")
    await bot_said(fake, MARIA, "is not a date and time")  # refused, still asked
    fake.send_text(MARIA, f"{soon + timedelta(days=1):%Y-%m-%d} 09:00")
    await bot_said(fake, MARIA, "When shall I remind you?")
    mark = last_message_id(fake, MARIA)
    fake.press(MARIA, "reminder 1 hour before")
    await bot_said(fake, MARIA, "Dentist", after=mark)
    [bank, dentist] = await _rows(database, PlannedItem)
    assert dentist.remind_before == 60 and dentist.title == "Dentist"

    fake.send_text(MARIA, "/agenda")
    agenda = await bot_said(fake, MARIA, "Coming for you:")
    assert f"📝 #{bank.id}" in agenda.text and f"📝 #{dentist.id}" in agenda.text
    assert agenda.buttons() == [f"🗑 Delete #{bank.id}", f"🗑 Delete #{dentist.id}"]

    # At the bank call's time (brought to now: the sender goes by the real clock), once.
    now = await _falls_due(database, bank)
    assert await run_job(database, NOTIFIER, JOB, now=now) == 1
    assert await run_job(database, NOTIFIER, JOB, now=now + timedelta(minutes=1)) == 0
    reminder = await notified(fake, database, MARIA, "⏰ Reminder: call the <bank>")
    # The dentist is deleted from /agenda before its reminder: none comes.
    fake.press(MARIA, f"🗑 Delete #{dentist.id}")
    await handled(fake)
    assert [item.id for item in await _rows(database, PlannedItem)] == [bank.id]
    assert dentist.remind_at is not None
    assert await run_job(database, NOTIFIER, JOB, now=dentist.remind_at) == 0
    reminders = [m for m in fake.bot_messages(MARIA) if m.text.startswith("⏰")]
    assert reminders == [reminder]


async def test_a_contact_card_is_saved_to_my_contacts_and_listed(
    bot_desk: tuple[Database, People], fake: FakeTelegram
) -> None:
    database, people = bot_desk
    friend = fake.add_user(
        SandboxUser(id=7099, first_name="Sophie", last_name="<Bernard>", phone="+33612345001")
    )
    fake.share_contact(MARIA, owner=friend)
    await bot_said(fake, MARIA, "A contact card of Sophie <Bernard>. What shall I do with it?")
    mark = last_message_id(fake, MARIA)
    fake.press(MARIA, "💾 Save to my contacts")
    saved = await bot_said(fake, MARIA, "Saved to your contacts:", after=mark)
    assert "Sophie <Bernard> · +33612345001" in saved.text
    [contact] = await _rows(database, PersonalContact)
    assert (contact.client_id, contact.employee_id, contact.telegram_user_id) == (
        people.maria.id,
        None,
        7099,
    )
    fake.send_text(MARIA, "/contacts")
    assert "Sophie <Bernard>" in (await bot_said(fake, MARIA, "Your contacts:")).text
    fake.send_text(MARIA, "/contacts nobody")
    await bot_said(fake, MARIA, "No contact matches “nobody”.")
    # A card of someone not on Telegram (no user id) is someone else's too.
    fake.share_card(MARIA, "Dr Petit", "+33478123456")
    await bot_said(fake, MARIA, "A contact card of Dr Petit.")
    fake.press(MARIA, "💾 Save to my contacts")
    await bot_said(fake, MARIA, "Saved to your contacts: Dr Petit · +33478123456")
    # Her own card is her client card, as always; left alone, a card is not kept.
    fake.share_contact(MARIA)
    await bot_said(fake, MARIA, "already")
    fake.share_contact(IVAN, owner=friend)
    await bot_said(fake, IVAN, "What shall I do with it?")
    fake.press(IVAN, "✖️ Leave it")
    await bot_said(fake, IVAN, "Left as it was.")
    fake.send_text(IVAN, "/contacts")
    await bot_said(fake, IVAN, "You have no contacts yet.")
    assert len(await _rows(database, PersonalContact)) == 2


async def test_a_file_is_kept_in_my_documents_and_sent_back(
    bot_desk: tuple[Database, People], fake: FakeTelegram
) -> None:
    database, people = bot_desk
    fake.send_document(IVAN, "contract.pdf", content=b"%PDF-1.4 the contract")
    await bot_said(fake, IVAN, "Shall I keep this file in your documents?")
    fake.press(IVAN, "📁 Keep in my documents")
    await bot_said(fake, IVAN, "📁 Kept in your documents: contract.pdf (PDF).")
    # A client's photo: kept beside the desk's own choices (a new request, her tickets).
    fake.send_photo(MARIA, "my passport")
    question = await bot_said(fake, MARIA, "new request")
    assert "📁 Keep in my documents" in question.buttons()
    fake.press(MARIA, "📁 Keep in my documents")
    await bot_said(fake, MARIA, "📁 Kept in your documents: my passport (JPG).")
    kept = await _rows(database, PersonalDocument)
    assert [(d.title, d.kind, d.employee_id, d.client_id) for d in kept] == [
        ("contract.pdf", "PDF", people.ivan.id, None),
        ("my passport", "JPG", None, people.maria.id),
    ]
    fake.send_text(IVAN, "/documents")
    listed = await bot_said(fake, IVAN, "Your documents, the newest first")
    [label] = listed.buttons()
    assert label.startswith("📄 contract.pdf · PDF · ")
    mark = last_message_id(fake, IVAN)
    fake.press(IVAN, label)
    back = await bot_said(fake, IVAN, "contract.pdf", after=mark)
    assert back.document is not None and back.document["file_id"] == kept[0].file_id
    # Nobody else's document comes back, whatever button data they forge.
    fake.send_text(BOB, "/documents")
    bobs = await bot_said(fake, BOB, "You keep no documents yet.")
    query = await press(fake, BOB, bobs.message_id, f"wsd:{kept[0].id}")
    assert f"Document #{kept[0].id} does not exist" in fake.answered_callbacks[query]["text"]
    assert not [m for m in fake.bot_messages(BOB) if m.document]


async def test_a_conversation_is_relayed_both_ways_and_keeps_ids_and_phones_private(
    bot_desk: tuple[Database, People], fake: FakeTelegram
) -> None:
    database, people = bot_desk
    await set_coach(database, people.ivan, people.maria)
    fake.send_text(MARIA, "/write")
    await bot_said(fake, MARIA, "Whom do you want to write to?")
    fake.press(MARIA, "Ivan Kuznetsov")
    await bot_said(fake, MARIA, "Your message to Ivan Kuznetsov")
    fake.send_text(MARIA, "Can we move <Friday>?")
    await bot_said(fake, MARIA, "✉️ Sent to Ivan Kuznetsov.")
    relayed = await notified(fake, database, IVAN, "💬 Message from Maria Lopez:")
    assert "Can we move <Friday>?" in relayed.text
    # Ivan answers with a Telegram reply to it; it goes back to her.
    fake.send_text(IVAN, "Yes, Monday at 10.", reply_to=relayed.message_id)
    await bot_said(fake, IVAN, "✉️ Sent to Maria Lopez.")
    answer = await notified(fake, database, MARIA, "💬 Message from Ivan Kuznetsov:")
    assert "Yes, Monday at 10." in answer.text
    # Neither side learns the other's Telegram id, username or phone.
    for message, other in ((relayed, people.maria), (answer, people.ivan)):
        shown = f"{message.text}\n{message.html}"
        for secret in (str(other.telegram_id), other.username, getattr(other, "phone", None)):
            assert secret is None or secret not in shown, (secret, shown)
    first, second = await _rows(database, PersonMessage)
    assert (first.sender_client_id, first.recipient_employee_id) == (
        people.maria.id,
        people.ivan.id,
    )
    assert (second.sender_employee_id, second.recipient_client_id) == (
        people.ivan.id,
        people.maria.id,
    )
    # Whom she may not write to is nobody to her; Bob works with nobody yet.
    fake.send_text(MARIA, "/write @tom hello")
    await bot_said(fake, MARIA, "annot write to @tom")
    fake.send_text(BOB, "/write")
    await bot_said(fake, BOB, "There is nobody you work with to write to yet.")
    # Staff write to each other in one line; one who blocked the bot has it kept, undelivered.
    fake.faults.append(
        Fault("sendMessage", 403, "Forbidden: bot was blocked by the user", chat_id=TOM, times=None)
    )
    fake.send_text(ANNA, "/write @tom The meeting is at 3.")
    await bot_said(fake, ANNA, "✉️ Sent to Tom Baker.")
    await handled(fake)
    async with database.reader() as session:
        kept = await session.scalar(
            select(PersonMessage).where(PersonMessage.recipient_employee_id == people.tom.id)
        )
        assert kept is not None and kept.text == "The meeting is at 3."
    await _eventually_status(database, f"message:{kept.id}#0", OutboxStatus.FAILED)


async def _falls_due(database: Database, item: PlannedItem) -> datetime:
    """``item``'s reminder time comes: moved to a minute ago, as the clock would bring it (the
    sender in this process sends what is due by the real clock)."""
    now = utcnow()
    async with database.writer() as session, session.begin():
        row = await session.get(PlannedItem, item.id)
        assert row is not None
        row.remind_at = now - timedelta(minutes=1)
    return now


async def _eventually_status(database: Database, key: str, status: OutboxStatus) -> None:
    async def reached() -> bool:
        async with database.reader() as session:
            found = await session.scalar(
                select(OutboxMessage.status).where(OutboxMessage.dedupe_key == key)
            )
            return found is status

    await eventually_async(reached, what=f"{key} {status}")


async def test_a_button_pressed_on_a_notification_makes_it_seen(
    bot_desk: tuple[Database, People], fake: FakeTelegram
) -> None:
    database, people = bot_desk
    fake.send_text(IVAN, f"/remind {utcnow() + timedelta(days=1):%Y-%m-%d} 10:00 Review")
    await bot_said(fake, IVAN, "📝 Planned")
    [item] = await _rows(database, PlannedItem)
    await _falls_due(database, item)
    [item] = await _rows(database, PlannedItem)
    assert await run_job(database, NOTIFIER, JOB, now=utcnow()) == 1
    await notified(fake, database, IVAN, "⏰ Reminder: Review")
    [row] = await _rows(
        database,
        OutboxMessage,
        chat_id=IVAN,
        dedupe_key=f"plan:{item.id}:{item.remind_at:%Y%m%d%H%M}#0",
    )
    assert row.seen_at is None and row.message_id is not None
    fake.press(IVAN, f"🗑 Delete #{item.id}")
    await handled(fake)
    [row] = await _rows(database, OutboxMessage, id=row.id)
    assert row.seen_at is not None
    assert people.ivan.telegram_id == IVAN


async def test_only_staff_presses_mark_a_notification_seen(database: Database) -> None:
    """Clients have no notification centre: their presses write nothing (no UPDATE on every
    client's button press); an employee's press on the same kind of message marks it seen."""
    now = utcnow()
    async with database.writer() as session, session.begin():
        staff = Employee(full_name="Ivan", role=Role.SPECIALIST, telegram_id=91)
        client = Client(full_name="Maria", telegram_id=92)
        session.add_all([staff, client])
        for chat_id in (91, 92):
            session.add(
                OutboxMessage(chat_id=chat_id, payload={"text": "hi"}, message_id=5, created_at=now)
            )
    async with database.writer() as session, session.begin():
        for actor, chat_id in ((staff, 91), (client, 92)):
            await seen_in_chat(session, actor=actor, chat_id=chat_id, message_id=5, now=now)
    rows = {row.chat_id: row.seen_at for row in await _rows(database, OutboxMessage)}
    assert rows[91] is not None and rows[92] is None
