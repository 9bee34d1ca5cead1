"""The service desk in the chat, with the bot in this process (tests/support/in_process.py):
files sent and sent back, loose messages filed, refusals of arguments and of roles, forged
buttons, long and hostile texts. The ticket's whole life and Telegram's faults run over real
HTTP in test_tickets_e2e.py."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from bot.sandbox.telegram import FakeTelegram
from db.engine import Database
from db.enums import AttachmentKind, TicketStatus
from db.models import Employee, Ticket, TicketAttachment
from tests.support.desk import (  # noqa: F401  (fixtures)
    ANNA,
    BOB,
    IVAN,
    MARIA,
    PAVEL,
    TOM,
    People,
    all_sent,
    bot_desk,
    events,
    open_request,
    ticket,
)
from tests.support.e2e import (
    bot_replies,
    bot_said,
    eventually,
    eventually_async,
    handled,
    last_message_id,
    notified,
)
from tests.support.in_process import BotInProcess


async def test_a_photo_with_a_caption_opens_a_ticket_with_its_file(
    bot_desk: tuple[BotInProcess, Database, People], fake: FakeTelegram
) -> None:
    _, database, _ = bot_desk
    fake.send_text(MARIA, "/new")
    await bot_said(fake, MARIA, "Describe your request")
    photo = fake.send_photo(MARIA, "Cracked screen, see photo")
    await bot_said(fake, MARIA, "Which department")
    fake.press(MARIA, "I don't know")
    await bot_said(fake, MARIA, "✅ Request #1 is open.")

    async with database.reader() as session:
        [attachment] = list(await session.scalars(select(TicketAttachment)))
        opened = await session.get(Ticket, 1)
    largest = photo["message"]["photo"][-1]
    assert attachment.kind is AttachmentKind.PHOTO
    assert attachment.file_id == largest["file_id"]
    assert attachment.file_size == largest["file_size"]
    assert opened is not None and opened.description == "Cracked screen, see photo"
    assert opened.department_id is None

    fake.send_text(ANNA, "/assign 1 @ivan")
    assigned = await bot_said(fake, IVAN, "📌 Ticket #1")
    assert "📎 Files: 1" in assigned.text
    fake.send_text(IVAN, "/ticket 1")
    card = await bot_said(fake, IVAN, "History")
    assert "📎 Files" in card.buttons()
    fake.press(IVAN, "📎 Files")
    sent_photo = await eventually(
        lambda: [m for m in fake.bot_messages(IVAN) if m.photo], what="the photo"
    )
    assert sent_photo[0].photo == largest["file_id"]

    mark = last_message_id(fake, MARIA)
    fake.send_text(MARIA, "/new")
    await bot_said(fake, MARIA, "Describe your request", after=mark)
    fake.send_document(MARIA, "invoice-2026.pdf")
    await bot_said(fake, MARIA, "Which department", after=mark)
    fake.press(MARIA, "I don't know")
    await bot_said(fake, MARIA, "✅ Request #2 is open.")
    second = await ticket(database, 2)
    assert second.title == "invoice-2026.pdf"


async def test_staff_pressing_files_gets_the_clients_document_back(
    bot_desk: tuple[BotInProcess, Database, People], fake: FakeTelegram
) -> None:
    fake.send_text(MARIA, "/new")
    await bot_said(fake, MARIA, "Describe your request")
    sent = fake.send_document(MARIA, "warranty-2026.pdf", "The warranty card")
    await bot_said(fake, MARIA, "Which department")
    fake.press(MARIA, "I don't know")
    await bot_said(fake, MARIA, "✅ Request #1 is open.")

    fake.send_text(ANNA, "/ticket 1")
    card = await bot_said(fake, ANNA, "History")
    files = fake.press(ANNA, "📎 Files")
    arrived = await eventually(
        lambda: [m for m in fake.bot_messages(ANNA) if m.document], what="the document"
    )
    await handled(fake)
    # Anna sees no apology: sending the document back did not fail in the bot.
    assert fake.answered_callbacks[files["callback_query"]["id"]] == {
        "callback_query_id": files["callback_query"]["id"]
    }
    assert [m.text for m in fake.bot_messages(ANNA)][-1] == "#1"
    assert arrived[0].message_id > card.message_id
    assert arrived[0].document == sent["message"]["document"]


async def test_a_loose_message_is_filed_where_the_client_says(
    bot_desk: tuple[BotInProcess, Database, People], fake: FakeTelegram
) -> None:
    _, database, _ = bot_desk
    fake.send_text(MARIA, "Hello, my printer jams")
    first = await bot_said(fake, MARIA, "Shall I open a new request with this message?")
    assert first.buttons() == ["🆕 New request", "Never mind"]
    fake.press(MARIA, "🆕 New request")
    await bot_said(fake, MARIA, "Which department")
    fake.press(MARIA, "Repair workshop")
    await bot_said(fake, MARIA, "✅ Request #1 is open.")
    assert (await ticket(database, 1)).description == "Hello, my printer jams"

    fake.send_text(MARIA, "It also beeps twice")
    picker = await bot_said(fake, MARIA, "Is this a new request, or about one of your open")
    assert picker.buttons() == [
        "🆕 New request",
        "Ticket #1 · new · Hello, my printer jams",
        "Never mind",
    ]
    fake.press(MARIA, "Ticket #1 · new · Hello, my printer jams")
    await bot_said(fake, MARIA, "Added to request #1.")

    fake.send_text(MARIA, "never mind that")
    await eventually(
        lambda: len([m for m in fake.bot_messages(MARIA) if "open requests?" in m.text]) == 2
    )
    fake.press(MARIA, "Never mind")
    await bot_said(fake, MARIA, "All right, I have not filed it.")
    # An old picker pressed again (its buttons are gone, but a client may resend) files nothing.
    fake.press_callback(MARIA, picker.message_id, "fm:1")
    await bot_said(fake, MARIA, "That message is already taken care of.")

    async with database.reader() as session:
        tickets = await session.scalar(select(func.count()).select_from(Ticket))
    assert tickets == 1
    assert [kind for kind, _, _ in await events(database, 1)] == ["created", "client_message"]


async def test_a_reply_to_a_resolved_ticket_reopens_it(
    bot_desk: tuple[BotInProcess, Database, People], fake: FakeTelegram
) -> None:
    _, database, _ = bot_desk
    ticket_id = await open_request(fake, "Wi-Fi drops every hour")
    fake.send_text(IVAN, f"/take {ticket_id}")
    await bot_said(fake, IVAN, "is yours now")
    fake.send_text(IVAN, f"/status {ticket_id} in_progress")
    fake.send_text(IVAN, f"/status {ticket_id} resolved")
    resolved = await notified(fake, database, MARIA, "resolved.")
    fake.send_text(MARIA, "It dropped again this morning", reply_to=resolved.message_id)
    await bot_said(fake, MARIA, "Added to request #1, and we reopened it.")
    await eventually(
        lambda: fake.bot_messages(MARIA)[-1].text.startswith("🔔 Request #1: in progress."),
        what="the reopening notice",
    )
    wrote = await bot_said(fake, IVAN, "✉️ Maria Lopez wrote on ticket #1:")
    assert "It dropped again this morning" in wrote.text
    reopened = await ticket(database, ticket_id)
    assert reopened.status is TicketStatus.IN_PROGRESS
    assert (await events(database, ticket_id))[-1] == ("status", "resolved", "in_progress")


@pytest.mark.parametrize("number", ["²", "١٢", "99999999999999999999999", "0", "-1"])
async def test_a_ticket_number_no_ticket_can_have_gets_the_usage(
    bot_desk: tuple[BotInProcess, Database, People], fake: FakeTelegram, number: str
) -> None:
    fake.send_text(ANNA, f"/ticket {number}")
    await bot_said(fake, ANNA, "/ticket <ticket id>")


@pytest.mark.parametrize(
    "command",
    [
        "/queue",
        "/my",
        "/ticket 1",
        "/assign 1 @ivan",
        "/take 1",
        "/reply 1 hi",
        "/note 1 hi",
        "/digest",
    ],
)
async def test_staff_commands_are_refused_to_clients_and_change_nothing(
    bot_desk: tuple[BotInProcess, Database, People], fake: FakeTelegram, command: str
) -> None:
    _, database, _ = bot_desk
    await open_request(fake, "Keyboard is sticky")
    before = await events(database, 1)
    fake.send_text(BOB, command)
    refusal = await bot_replies(fake, BOB, 1)
    assert refusal[0].text == "This command is for staff only."
    assert await events(database, 1) == before
    assert (await ticket(database, 1)).assignee_id is None


async def test_status_means_a_summary_for_clients_and_a_move_for_staff(
    bot_desk: tuple[BotInProcess, Database, People], fake: FakeTelegram
) -> None:
    _, database, _ = bot_desk
    await open_request(fake, "Screen flickers")
    fake.send_text(MARIA, "/status 1 closed")
    summary = await bot_said(fake, MARIA, "Open requests:")
    assert "Ticket #1 · new · Screen flickers" in summary.text
    assert (await ticket(database, 1)).status is TicketStatus.NEW
    fake.send_text(TOM, "/status 1 in_progress")
    refusal = await bot_said(fake, TOM, "nobody assigned yet")
    assert "/take" in refusal.text
    fake.send_text(TOM, "/status 1 sideways")
    await bot_said(fake, TOM, "Unknown status sideways")
    fake.send_text(TOM, "/status x")
    await bot_said(fake, TOM, "Usage: /status <ticket id> <status>")
    fake.send_text(TOM, "/ticket 99")
    await bot_said(fake, TOM, "Ticket #99 does not exist")


async def test_impossible_moves_are_refused(
    bot_desk: tuple[BotInProcess, Database, People], fake: FakeTelegram
) -> None:
    _, database, people = bot_desk
    ticket_id = await open_request(fake, "Broken hinge")
    fake.send_text(ANNA, f"/status {ticket_id} cancelled")
    await bot_said(fake, ANNA, "is now cancelled")
    fake.send_text(ANNA, f"/status {ticket_id} closed")
    await bot_said(fake, ANNA, "Ticket #1 cannot go from cancelled to closed")
    fake.send_text(ANNA, f"/assign {ticket_id} @ivan")
    await bot_said(fake, ANNA, "Ticket #1 is no longer open")

    second = await open_request(fake, "Dead battery")
    async with database.writer() as session, session.begin():
        retired = await session.get(type(people.tom), people.tom.id)
        assert retired is not None
        retired.active = False
    fake.send_text(ANNA, f"/assign {second} @tom")
    await bot_said(fake, ANNA, "Tom Baker no longer works here and cannot be assigned")
    fake.send_text(ANNA, f"/assign {second} @nobody")
    await bot_said(fake, ANNA, "No employee @nobody")
    # A helper takes no tickets: the same rule as the site's Assign to (crm.tickets.tickets).
    fake.send_text(ANNA, f"/assign {second} @pavel")
    await bot_said(fake, ANNA, "Pavel Orlov does not take tickets: choose someone who does")
    assert (await ticket(database, second)).assignee_id is None


async def test_forged_callbacks_reveal_and_change_nothing(
    bot_desk: tuple[BotInProcess, Database, People], fake: FakeTelegram
) -> None:
    _, database, _ = bot_desk
    await open_request(fake, "Noisy fan")
    fake.send_text(ANNA, "/assign 1 @ivan")
    await bot_said(fake, IVAN, "📌 Ticket #1")
    before = await events(database, 1)

    fake.send_text(BOB, "/tickets")
    bobs = await bot_said(fake, BOB, "no requests yet")
    peek = fake.press_callback(BOB, bobs.message_id, "tk:view:1")
    close = fake.press_callback(BOB, bobs.message_id, "tk:closed:1")
    await eventually(
        lambda: (
            {peek["callback_query"]["id"], close["callback_query"]["id"]}
            <= fake.answered_callbacks.keys()
        ),
        what="both forged callbacks answered",
    )
    assert fake.answered_callbacks[peek["callback_query"]["id"]]["text"] == (
        "Ticket #1 does not exist"
    )
    assert fake.answered_callbacks[close["callback_query"]["id"]]["text"] == (
        "This command is for staff only."
    )
    assert not [m for m in fake.bot_messages(BOB) if "Noisy fan" in m.text]

    fake.send_text(TOM, "/my")
    toms = await bot_said(fake, TOM, "no open tickets")
    steal = fake.press_callback(TOM, toms.message_id, "tk:closed:1")
    garbage = fake.press_callback(TOM, toms.message_id, "tk:explode:1")
    await eventually(
        lambda: (
            {steal["callback_query"]["id"], garbage["callback_query"]["id"]}
            <= fake.answered_callbacks.keys()
        )
    )
    assert fake.answered_callbacks[steal["callback_query"]["id"]]["text"] == (
        "Ticket #1 does not exist"
    )
    assert fake.answered_callbacks[garbage["callback_query"]["id"]]["text"] == (
        "That button is not valid any more."
    )
    assert await events(database, 1) == before
    assert (await ticket(database, 1)).status is TicketStatus.ASSIGNED


async def test_a_helper_sees_their_clients_tickets_only(
    bot_desk: tuple[BotInProcess, Database, People], fake: FakeTelegram
) -> None:
    await open_request(fake, "Maria's phone")  # Maria is Pavel's client
    await open_request(fake, "Bob's tablet", client=BOB)
    fake.send_text(PAVEL, "/queue")
    queue = await bot_said(fake, PAVEL, "Waiting for someone (1):")
    assert "Maria's phone" in queue.text and "Bob's tablet" not in queue.text
    fake.send_text(PAVEL, "/ticket 2")
    await bot_said(fake, PAVEL, "Ticket #2 does not exist")
    fake.send_text(PAVEL, "/note 1 Called her back")
    await bot_said(fake, PAVEL, "Note added to #1")
    fake.send_text(PAVEL, "/take 1")
    await bot_said(fake, PAVEL, "You may not do this with that ticket.")


async def test_html_and_5000_character_texts_arrive_whole_and_as_text(
    bot_desk: tuple[BotInProcess, Database, People], fake: FakeTelegram
) -> None:
    _, database, _ = bot_desk
    hostile = "<b>not bold</b> & <script>alert('x')</script> "
    long_text = hostile + ("line of detail " * 40 + "\n") * 9
    assert len(long_text) > 5000
    fake.send_text(MARIA, "/new")
    await bot_said(fake, MARIA, "Describe your request")
    fake.send_text(MARIA, long_text)
    await bot_said(fake, MARIA, "Which department")
    fake.press(MARIA, "I don't know")
    await bot_said(fake, MARIA, "is open")
    stored = await ticket(database, 1)
    assert stored.description == long_text.strip()

    fake.send_text(ANNA, "/assign 1 @ivan")
    assigned = await bot_said(fake, IVAN, "📌 Ticket #1")
    assert "<script>alert('x')</script>" in assigned.text

    fake.send_text(IVAN, "/ticket 1")
    await bot_said(fake, IVAN, "History")
    card_parts = [m.text for m in fake.bot_messages(IVAN) if m.message_id > assigned.message_id]
    assert len(card_parts) >= 2  # too long for one message: split, not cut
    assert long_text.strip().replace("\n", "") in "".join(card_parts).replace("\n", "")

    reply = "Answer: " + "x" * 5000
    fake.send_text(IVAN, f"/reply 1 {reply}")
    await bot_said(fake, IVAN, "Your answer on #1")
    await eventually_async(lambda: all_sent(database), what="the long answer delivered")
    got = "".join(m.text for m in fake.bot_messages(MARIA) if "x" * 100 in m.text)
    assert ("x" * 5000) in got.replace("\n", "")


async def test_a_reply_to_the_card_from_tickets_is_filed_on_that_ticket(
    bot_desk: tuple[BotInProcess, Database, People], fake: FakeTelegram
) -> None:
    _, database, _ = bot_desk
    await open_request(fake, "Camera lens is scratched")
    fake.send_text(MARIA, "/tickets")
    listing = await bot_said(fake, MARIA, "Your requests")
    fake.press(MARIA, listing.buttons()[0])
    card = await bot_said(fake, MARIA, "History")
    fake.send_text(MARIA, "It is the rear camera", reply_to=card.message_id)
    await bot_said(fake, MARIA, "Added to request #1.")
    assert (await events(database, 1))[-1][0] == "client_message"


async def test_an_employees_telegram_language_is_kept_for_the_site(
    bot_desk: tuple[BotInProcess, Database, People], fake: FakeTelegram
) -> None:
    # The site speaks it to them until they choose one (tests/test_site_i18n.py).
    _, database, _ = bot_desk
    fake.users[IVAN].language_code = "fr-FR"
    fake.send_text(IVAN, "/my")
    await bot_replies(fake, IVAN, 1)
    fake.users[IVAN].language_code = "de"  # not one of ours: the last one seen stays
    fake.send_text(IVAN, "/my")
    await bot_replies(fake, IVAN, 2)
    async with database.reader() as session:
        ivan = await session.scalar(select(Employee).where(Employee.telegram_id == IVAN))
        assert ivan is not None and ivan.telegram_language == "fr"
        assert ivan.language is None  # nothing was chosen


async def test_a_command_in_a_group_chat_is_left_alone(
    bot_desk: tuple[BotInProcess, Database, People], fake: FakeTelegram
) -> None:
    """The bot works in private chats only (one filter at the dispatcher): a client's /new in a
    group opens nothing and gets no answer there; the same in private is answered."""
    _, database, _ = bot_desk
    group = -100_777
    fake.push(
        {
            "message": {
                "message_id": 9_001,
                "date": 1_700_000_000,
                "chat": {"id": group, "type": "group", "title": "Family"},
                "from": {"id": MARIA, "is_bot": False, "first_name": "Maria"},
                "text": "/new The boiler is cold",
                "entities": [{"type": "bot_command", "offset": 0, "length": 4}],
            }
        }
    )
    await handled(fake)
    assert fake.bot_messages(group) == []
    assert [call for call in fake.calls if str(call[1].get("chat_id")) == str(group)] == []
    async with database.reader() as session:
        assert await session.scalar(select(func.count()).select_from(Ticket)) == 0
    fake.send_text(MARIA, "/new The boiler is cold")
    await bot_said(fake, MARIA, "Which department")
