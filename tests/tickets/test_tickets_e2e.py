"""The service desk through the real bot, over HTTP against the fake Bot API: a ticket's whole
life, and what Telegram being down, throttling or blocked does to it. What each person may ask
and the refusals run with the bot in this process, in test_tickets_bot.py."""

from __future__ import annotations

from sqlalchemy import select

from bot.sandbox.telegram import FakeTelegram
from db.engine import Database
from db.enums import OutboxStatus, TicketStatus
from db.models import Client
from tests.support.desk import (  # noqa: F401  (fixtures)
    ANNA,
    IVAN,
    MARIA,
    People,
    all_sent,
    desk,
    events,
    open_request,
    outbox,
    ticket,
)
from tests.support.e2e import (
    Product,
    bot_said,
    eventually_async,
    notified,
)


async def test_the_life_of_a_ticket_from_new_to_closed(
    desk: tuple[Product, Database, People], fake: FakeTelegram
) -> None:
    _, database, _ = desk
    fake.send_text(MARIA, "/new")
    ask = await bot_said(fake, MARIA, "Describe your request")
    assert "/cancel" in ask.text
    fake.send_text(MARIA, "My laptop fan is noisy <very>")
    question = await bot_said(fake, MARIA, "Which department is it for?")
    assert question.buttons() == ["Repair workshop", "I don't know"]
    fake.press(MARIA, "Repair workshop")
    opened = await bot_said(fake, MARIA, "✅ Request #1 is open.")
    assert "reply to this message" in opened.text

    fake.send_text(ANNA, "/queue")
    queue = await bot_said(fake, ANNA, "Waiting for someone (1):")
    assert "Ticket #1 · new · Maria Lopez: My laptop fan is noisy <very>" in queue.text

    fake.send_text(ANNA, "/assign 1 @ivan")
    await bot_said(fake, ANNA, "#1 is assigned to Ivan Kuznetsov; they and the client are told.")
    assigned = await bot_said(fake, IVAN, "📌 Ticket #1 is assigned to you.")
    assert "Client: Maria Lopez" in assigned.text
    assert "Phone: +34600123456" in assigned.text
    assert "My laptop fan is noisy <very>" in assigned.text
    assert assigned.buttons() == ["Open the card", "Start work"]
    await bot_said(fake, MARIA, "👤 Ivan Kuznetsov is now handling your request #1.")

    fake.press(IVAN, "Start work")
    await bot_said(fake, IVAN, "#1 is now in progress; the client is told.")
    await bot_said(fake, MARIA, "🔔 Request #1: in progress.")

    fake.send_text(IVAN, "/reply 1 Please bring it in tomorrow & keep the charger")
    await bot_said(fake, IVAN, "Your answer on #1 goes to Maria Lopez.")
    answer = await bot_said(fake, MARIA, "💬 Ivan Kuznetsov on request #1:")
    assert "Please bring it in tomorrow & keep the charger" in answer.text

    fake.send_text(IVAN, "/status 1 waiting")
    waiting = await notified(fake, database, MARIA, "🔔 Request #1: waiting for you.")
    assert "We need an answer from you" in waiting.text

    fake.send_text(MARIA, "OK, tomorrow at 10", reply_to=waiting.message_id)
    await bot_said(fake, MARIA, "Added to request #1.")
    wrote = await bot_said(fake, IVAN, "✉️ Maria Lopez wrote on ticket #1:")
    assert "OK, tomorrow at 10" in wrote.text

    fake.send_text(IVAN, "/note 1 Needs a new fan, part ordered")
    await bot_said(fake, IVAN, "Note added to #1")
    fake.send_text(IVAN, "/status 1 in progress")
    await bot_said(fake, IVAN, "#1 is now in progress")
    fake.send_text(IVAN, "/status 1 resolved")
    await bot_said(fake, MARIA, "🔔 Request #1: resolved.")
    fake.send_text(IVAN, "/status 1 closed")
    await bot_said(fake, MARIA, "🔔 Request #1: closed.")

    fake.send_text(MARIA, "/tickets")
    listing = await bot_said(fake, MARIA, "Your requests")
    assert listing.buttons() == ["Ticket #1 · closed · My laptop fan is noisy <very>"]
    fake.press(MARIA, listing.buttons()[0])
    card = await bot_said(fake, MARIA, "History")
    assert card.text.startswith("#1 · closed")
    assert "Please bring it in tomorrow" in card.text
    assert "OK, tomorrow at 10" in card.text
    assert "part ordered" not in card.text  # notes are for staff only

    fake.send_text(IVAN, "/ticket 1")
    staff_card = await bot_said(fake, IVAN, "History")
    assert "🔒 note: Needs a new fan, part ordered" in staff_card.text
    assert "Anna Petrova: assigned it to Ivan Kuznetsov" in staff_card.text

    closed = await ticket(database, 1)
    assert closed.status is TicketStatus.CLOSED and closed.closed_at is not None
    assert await events(database, 1) == [
        ("created", None, "new"),
        ("assigned", None, "Ivan Kuznetsov"),
        ("status", "new", "assigned"),
        ("status", "assigned", "in_progress"),
        ("reply", None, None),
        ("status", "in_progress", "waiting"),
        ("client_message", None, None),
        ("note", None, None),
        ("status", "waiting", "in_progress"),
        ("status", "in_progress", "resolved"),
        ("status", "resolved", "closed"),
    ]
    # Every notification was delivered once: Maria heard of each step exactly once.
    maria_heard = [m.text.split("\n")[0] for m in fake.bot_messages(MARIA) if "🔔" in m.text]
    assert maria_heard == [
        "🔔 Request #1: in progress.",
        "🔔 Request #1: waiting for you.",
        "🔔 Request #1: in progress.",
        "🔔 Request #1: resolved.",
        "🔔 Request #1: closed.",
    ]
    assert all(message.status is OutboxStatus.SENT for message in await outbox(database))


async def test_delivery_survives_telegram_being_down_for_a_while(
    desk: tuple[Product, Database, People], fake: FakeTelegram
) -> None:
    _, database, _ = desk
    ticket_id = await open_request(fake, "Router resets")
    fake.send_text(IVAN, f"/take {ticket_id}")
    await bot_said(fake, MARIA, "is now handling your request")
    from bot.sandbox.chat import Fault

    fake.faults.append(Fault("sendMessage", 502, "Bad Gateway", chat_id=MARIA, times=None))
    fake.send_text(IVAN, f"/reply {ticket_id} Try the other power socket")
    await bot_said(fake, IVAN, "Your answer on #1 goes to Maria Lopez.")
    await eventually_async(lambda: _attempts_at_least(database, 3), what="several failed attempts")
    assert not [m for m in fake.bot_messages(MARIA) if "other power socket" in m.text]
    fake.faults.clear()
    await bot_said(fake, MARIA, "Try the other power socket")
    await eventually_async(lambda: all_sent(database), what="the outbox drained")
    assert len([m for m in fake.bot_messages(MARIA) if "other power socket" in m.text]) == 1


async def _attempts_at_least(database: Database, attempts: int) -> bool:
    return any(message.attempts >= attempts for message in await outbox(database))


async def test_a_429_storm_delays_but_loses_nothing(
    desk: tuple[Product, Database, People], fake: FakeTelegram
) -> None:
    _, database, _ = desk
    ticket_id = await open_request(fake, "Slow laptop")
    fake.send_text(IVAN, f"/take {ticket_id}")
    await bot_said(fake, MARIA, "is now handling your request")
    from bot.sandbox.chat import Fault

    fake.faults.append(
        Fault(
            "sendMessage",
            429,
            "Too Many Requests: retry after 1",
            retry_after=1,
            chat_id=MARIA,
            times=3,
        )
    )
    for number in range(1, 4):
        fake.send_text(IVAN, f"/reply {ticket_id} Step {number} of 3")
        await bot_said(fake, IVAN, "Your answer on #1")
    await eventually_async(lambda: all_sent(database), timeout=15, what="delivered after waits")
    steps = [m.text.split("\n")[1] for m in fake.bot_messages(MARIA) if "Step " in m.text]
    assert steps == ["Step 1 of 3", "Step 2 of 3", "Step 3 of 3"]  # once each, in order
    refused = [
        c for c in fake.calls if c[0] == "sendMessage" and str(c[1].get("chat_id")) == str(MARIA)
    ]
    assert len(refused) >= 6  # three refused with 429, then the three that went through


async def test_a_client_who_blocked_the_bot_is_marked_and_others_are_unaffected(
    desk: tuple[Product, Database, People], fake: FakeTelegram
) -> None:
    _, database, _ = desk
    ticket_id = await open_request(fake, "Fridge is warm")
    fake.blocked_chats.add(MARIA)
    fake.send_text(ANNA, f"/assign {ticket_id} @ivan")
    await bot_said(fake, IVAN, "📌 Ticket #1")  # the employee still hears of it

    async def maria_unreachable() -> bool:
        async with database.reader() as session:
            maria = await session.scalar(select(Client).where(Client.telegram_id == MARIA))
        return maria is not None and maria.unreachable

    await eventually_async(maria_unreachable, what="Maria marked unreachable")
    failed = [m for m in await outbox(database) if m.chat_id == MARIA]
    assert failed and all(m.status is OutboxStatus.FAILED for m in failed)
    assert all((m.last_error or "").startswith("403") for m in failed)

    fake.send_text(IVAN, f"/reply {ticket_id} Defrost it first")
    await bot_said(fake, IVAN, "Your answer on #1")
    fake.send_text(IVAN, f"/ticket {ticket_id}")
    card = await bot_said(fake, IVAN, "History")
    assert "The client blocked the bot" in card.text
    # Nothing more is queued for a client who cannot be reached.
    assert len([m for m in await outbox(database) if m.chat_id == MARIA]) == len(failed)

    fake.blocked_chats.discard(MARIA)
    fake.send_text(MARIA, "/status")
    await bot_said(fake, MARIA, "Open requests:")
    assert not await maria_unreachable()
