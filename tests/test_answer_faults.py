"""The work commits whatever Telegram does with the answer.

The bot answers the person who wrote only after the update's transaction has committed. A
429 storm, a 5xx burst, a callback answer Telegram no longer takes, or a user who blocked the
bot in the middle of a dialog: each time the change is in the database exactly once, the
answer arrives later or is dropped (never the change repeated), and the bot goes on.
"""

from __future__ import annotations

from sqlalchemy import func, select

from bot.sandbox.chat import Fault
from bot.sandbox.telegram import FakeTelegram
from db.engine import Database
from db.enums import TicketEventKind, TicketStatus
from db.models import Client, Ticket, TicketEvent
from tests.support.desk import (  # noqa: F401  (fixtures)
    ANNA,
    IVAN,
    MARIA,
    TOM,
    People,
    desk,
    open_request,
    ticket,
)
from tests.support.e2e import (
    Product,
    bot_said,
    eventually,
    eventually_async,
    handled,
    outbox_drained,
)

APOLOGY = "Sorry, something went wrong"
IN_PROGRESS = TicketStatus.IN_PROGRESS.value


async def event_count(
    database: Database, ticket_id: int, kind: TicketEventKind, to_value: str | None = None
) -> int:
    """How many times the ticket's history records this change."""
    query = select(func.count()).where(TicketEvent.ticket_id == ticket_id, TicketEvent.kind == kind)
    if to_value is not None:
        query = query.where(TicketEvent.to_value == to_value)
    async with database.reader() as session:
        return int(await session.scalar(query) or 0)


async def the_next_hundred_updates_are_handled(fake: FakeTelegram, user_id: int) -> None:
    """A hundred more commands, each answered: nothing is stuck behind the failed answer."""
    before = len(fake.bot_messages(user_id))
    for _ in range(100):
        fake.send_text(user_id, "/help")
    await eventually(
        lambda: len(fake.bot_messages(user_id)) >= before + 100,
        timeout=60,
        what="a hundred answers",
    )
    await handled(fake)


def apologies(fake: FakeTelegram, user_id: int) -> list[str]:
    return [m.text for m in fake.bot_messages(user_id) if APOLOGY in m.text]


async def test_a_429_storm_on_the_answer_keeps_the_assignment_and_tells_everyone(
    desk: tuple[Product, Database, People], fake: FakeTelegram
) -> None:
    _, database, _ = desk
    ticket_id = await open_request(fake, "The printer jams")
    storm = Fault("sendMessage", 429, "Too Many Requests: retry after 1", retry_after=1, times=3)
    fake.faults.append(storm)
    fake.send_text(ANNA, f"/assign {ticket_id} @tom")
    await handled(fake)
    assigned = await ticket(database, ticket_id)
    assert assigned.status is TicketStatus.ASSIGNED
    assert await event_count(database, ticket_id, TicketEventKind.ASSIGNED) == 1
    # The admin's answer comes late, through the outbox; the assignee hears of it.
    await bot_said(fake, ANNA, f"#{ticket_id} is assigned to Tom Baker")
    await bot_said(fake, TOM, f"📌 Ticket #{ticket_id} is assigned to you.")
    assert apologies(fake, ANNA) == []
    await the_next_hundred_updates_are_handled(fake, ANNA)
    assert await event_count(database, ticket_id, TicketEventKind.ASSIGNED) == 1


async def test_a_5xx_burst_on_answers_keeps_the_work_and_delivers_the_answer_later(
    desk: tuple[Product, Database, People], fake: FakeTelegram
) -> None:
    _, database, _ = desk
    ticket_id = await open_request(fake, "No sound from the speakers")
    fake.faults.append(Fault("sendMessage", 502, "Bad Gateway", times=5))
    fake.send_text(IVAN, f"/take {ticket_id}")
    await handled(fake)
    taken = await ticket(database, ticket_id)
    assert taken.assignee_id is not None
    assert await event_count(database, ticket_id, TicketEventKind.ASSIGNED) == 1
    await bot_said(fake, IVAN, f"#{ticket_id} is yours now.")
    await bot_said(fake, MARIA, "is now handling your request")
    await eventually_async(lambda: outbox_drained(database), what="the outbox drained")
    assert len([m for m in fake.bot_messages(IVAN) if "is yours now" in m.text]) == 1
    await the_next_hundred_updates_are_handled(fake, IVAN)


async def test_a_button_whose_callback_answer_fails_still_does_its_work_once(
    desk: tuple[Product, Database, People], fake: FakeTelegram
) -> None:
    _, database, _ = desk
    ticket_id = await open_request(fake, "Cracked screen")
    fake.send_text(ANNA, f"/assign {ticket_id} @ivan")
    await bot_said(fake, IVAN, "is assigned to you")
    # After downtime Telegram refuses answers to old button presses.
    too_old = "Bad Request: query is too old and response timeout expired or query ID is invalid"
    fake.faults.append(Fault("answerCallbackQuery", 400, too_old, times=None))
    fake.press(IVAN, "Start work")
    await bot_said(fake, IVAN, f"#{ticket_id} is now in progress")
    assert (await ticket(database, ticket_id)).status is TicketStatus.IN_PROGRESS
    assert await event_count(database, ticket_id, TicketEventKind.STATUS, IN_PROGRESS) == 1
    assert apologies(fake, IVAN) == []
    await the_next_hundred_updates_are_handled(fake, IVAN)
    assert await event_count(database, ticket_id, TicketEventKind.STATUS, IN_PROGRESS) == 1


async def test_a_client_who_blocks_the_bot_mid_dialog_still_gets_their_request_filed_once(
    desk: tuple[Product, Database, People], fake: FakeTelegram
) -> None:
    _, database, _ = desk
    fake.send_text(MARIA, "/new The washing machine leaks")
    await bot_said(fake, MARIA, "Which department")
    blocked = Fault("*", 403, "Forbidden: bot was blocked by the user", chat_id=MARIA, times=None)
    fake.faults.append(blocked)
    fake.press(MARIA, "Repair workshop")
    await handled(fake)
    async with database.reader() as session:
        tickets = list(await session.scalars(select(Ticket)))
        assert [t.title for t in tickets] == ["The washing machine leaks"]
    # The answer met the block through the outbox: the card says the client cannot be reached.

    async def marked_unreachable() -> bool:
        async with database.reader() as session:
            client = await session.scalar(select(Client).where(Client.telegram_id == MARIA))
            return client is not None and client.unreachable

    await eventually_async(marked_unreachable, what="the client marked unreachable")
    fake.send_text(ANNA, "/queue")
    await bot_said(fake, ANNA, "Waiting for someone (1):")
    await the_next_hundred_updates_are_handled(fake, ANNA)
    async with database.reader() as session:
        assert await session.scalar(select(func.count()).select_from(Ticket)) == 1
