"""Deals in the chat, with the bot in this process (tests/support/in_process.py): who sees which
deals in /deals, the card's moves edited in place, stale and forged buttons refused with nothing
changed, and the card's dialogs (why lost, a call's note, a task with its due time), /cancel
keeping nothing."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest
from sqlalchemy import select

from bot.sandbox.telegram import FakeTelegram
from db.base import utcnow
from db.enums import DealStage, InteractionKind
from db.models import Interaction, Task
from tests.support.desk import ANNA, BOB, IVAN, MARIA, PAVEL, TOM
from tests.support.e2e import STAFF_ONLY, bot_said, handled, last_message_id, press
from tests.support.in_process import BotInProcess
from tests.support.sales import (  # noqa: F401  (fixtures)
    Sales,
    bot_sales,
    deal,
    kept_and_counted,
    stage_of,
)

Running = tuple[BotInProcess, Sales]


@pytest.mark.parametrize(
    ("who", "shown", "hidden"),
    [
        (ANNA, ["2 open deals", "new · 2 · €40,500.50", "Warehouse &lt;pilot&gt;"], []),
        (IVAN, ["You have 1 open deal", "new · 1 · €12,000.00", "Maria Lopez"], ["Scanner"]),
        (TOM, ["You have 1 open deal", "new · 1 · €28,500.50", "Scanner"], ["Warehouse"]),
        (PAVEL, ["You have 1 open deal", "new · 1 · €12,000.00", "Warehouse"], ["Scanner"]),
    ],
)
async def test_deals_lists_what_each_role_may_see_by_stage(
    bot_sales: Running, fake: FakeTelegram, who: int, shown: list[str], hidden: list[str]
) -> None:
    fake.send_text(who, "/deals")
    listed = await bot_said(fake, who, "open deal")
    assert listed.html is not None
    for fragment in shown:
        assert fragment in listed.text or fragment in listed.html, fragment
    for fragment in hidden:
        assert fragment not in listed.text, fragment


async def test_clients_and_strangers_get_no_deals(bot_sales: Running, fake: FakeTelegram) -> None:
    _, sales = bot_sales
    for client in (MARIA, BOB):
        fake.send_text(client, f"/deals {sales.ivans}")
        await bot_said(fake, client, STAFF_ONLY)
        fake.send_text(client, "/deals")
        await bot_said(fake, client, STAFF_ONLY)


@pytest.mark.parametrize(
    ("command", "answer"),
    [
        ("/deals x", "Usage: /deals"),
        ("/deals 99999999999999999999", "Usage: /deals"),
        ("/deals 99", "Deal #99 does not exist"),
    ],
)
async def test_bad_deal_numbers_are_explained(
    bot_sales: Running, fake: FakeTelegram, command: str, answer: str
) -> None:
    fake.send_text(ANNA, command)
    await bot_said(fake, ANNA, answer)


async def test_a_card_moves_its_deal_in_place_and_refuses_stale_and_forged_presses(
    bot_sales: Running, fake: FakeTelegram
) -> None:
    bot, sales = bot_sales
    deal_id = sales.ivans
    # Tom may not see Ivan's deal at all.
    fake.send_text(TOM, f"/deals {deal_id}")
    await bot_said(fake, TOM, f"Deal #{deal_id} does not exist")

    fake.send_text(IVAN, "/deals")
    await bot_said(fake, IVAN, "open deal")
    mark = last_message_id(fake, IVAN)
    fake.press(IVAN, f"#{deal_id} Warehouse <pilot> · €12,000.00")
    card = await bot_said(fake, IVAN, "Stage: new", after=mark)
    assert card.html is not None and "Warehouse &lt;pilot&gt;" in card.html
    assert "Company: Nordlight Systems" in card.text
    assert card.buttons() == [
        "→ qualified",
        "→ proposal",
        "→ negotiation",
        "→ won",
        "→ lost",
        "📞 Log a call",
        "🤝 Log a meeting",
        "📝 Add a task",
    ]
    fake.press(IVAN, "→ proposal")
    await handled(fake)
    edited = next(m for m in fake.bot_messages(IVAN) if m.message_id == card.message_id)
    assert "Stage: proposal" in edited.text and "new → proposal" in edited.text
    assert "→ proposal" not in edited.buttons() and "→ new" in edited.buttons()
    assert await stage_of(bot.database, deal_id) is DealStage.PROPOSAL

    before = await kept_and_counted(bot.database)
    refusals = {
        # Pressed on a card that still showed it new: it moved meanwhile.
        f"dm:{deal_id}:new:qualified": "has moved to proposal meanwhile",
        f"dm:{deal_id}:proposal:proposal": "is already proposal",
        f"dm:{deal_id}:proposal:bogus": "That button is not valid any more.",
        f"dl:bogus:{deal_id}": "That button is not valid any more.",
        "dm:99:new:won": "Deal #99 does not exist",
    }
    for data, refusal in refusals.items():
        query = await press(fake, IVAN, card.message_id, data)
        assert refusal in fake.answered_callbacks[query]["text"], data
    for who in (TOM, MARIA):
        fake.send_text(who, "/deals")
        await handled(fake)
        for data in (f"dm:{deal_id}:proposal:won", f"dl:call:{deal_id}", f"dl:view:{deal_id}"):
            query = await press(fake, who, last_message_id(fake, who), data)
            moving_as_client = who == MARIA and data.startswith("dm")
            expected = STAFF_ONLY if moving_as_client else f"Deal #{deal_id} does not exist"
            assert fake.answered_callbacks[query]["text"] == expected
    assert await stage_of(bot.database, deal_id) is DealStage.PROPOSAL
    assert await kept_and_counted(bot.database) == before

    fake.press(IVAN, "→ won")
    await handled(fake)
    won = next(m for m in fake.bot_messages(IVAN) if m.message_id == card.message_id)
    assert "Stage: won" in won.text and won.buttons() == []  # over, and Ivan is no manager
    query = await press(fake, IVAN, card.message_id, f"dm:{deal_id}:won:lost")
    assert "it is over and moves no more" in fake.answered_callbacks[query]["text"]
    kept, counted = await kept_and_counted(bot.database)
    assert kept == counted


async def test_lost_asks_why_and_cancel_keeps_it_open(
    bot_sales: Running, fake: FakeTelegram
) -> None:
    bot, sales = bot_sales
    deal_id = sales.toms
    fake.send_text(TOM, f"/deals {deal_id}")
    card = await bot_said(fake, TOM, "Stage: new")
    fake.press(TOM, "→ lost")
    await bot_said(fake, TOM, f"Why was deal #{deal_id} (Scanner licences) lost?")
    fake.send_text(TOM, "/cancel")
    await bot_said(fake, TOM, "Cancelled.")
    fake.send_text(TOM, "Budget cut")  # no dialog any more: nothing is lost
    await handled(fake)
    assert await stage_of(bot.database, deal_id) is DealStage.NEW

    fake.press(TOM, "→ lost")
    await bot_said(fake, TOM, "lost?", after=card.message_id)
    mark = last_message_id(fake, TOM)
    fake.send_text(TOM, "   ")
    await bot_said(fake, TOM, "Say why the deal was lost", after=mark)
    fake.send_text(TOM, "Budget <cut> & frozen")
    await bot_said(fake, TOM, f"Deal #{deal_id} is lost.")
    edited = next(m for m in fake.bot_messages(TOM) if m.message_id == card.message_id)
    assert edited.html is not None and "Budget &lt;cut&gt; &amp; frozen" in edited.html
    assert "Stage: lost" in edited.text and edited.buttons() == []
    lost = await deal(bot.database, deal_id)
    assert lost.lost_reason == "Budget <cut> & frozen"
    assert [m.note for m in lost.moves][-1] == "Budget <cut> & frozen"


async def test_a_call_and_a_meeting_are_logged_from_the_card(
    bot_sales: Running, fake: FakeTelegram
) -> None:
    bot, sales = bot_sales
    fake.send_text(ANNA, f"/deals {sales.ivans}")
    await bot_said(fake, ANNA, "Stage: new")
    fake.press(ANNA, "📞 Log a call")
    await bot_said(fake, ANNA, "what was said?")
    fake.send_text(ANNA, "They want <60> vans")
    await bot_said(fake, ANNA, f"Call logged on deal #{sales.ivans}")
    fake.press(ANNA, "🤝 Log a meeting")
    await bot_said(fake, ANNA, "how did it go?")
    fake.send_text(ANNA, "/skip")
    await bot_said(fake, ANNA, f"Meeting logged on deal #{sales.ivans}")
    fake.press(ANNA, "📞 Log a call")
    await bot_said(fake, ANNA, "what was said?")
    fake.send_text(ANNA, "/cancel")
    await bot_said(fake, ANNA, "Cancelled.")
    async with bot.database.reader() as session:
        logged = list(await session.scalars(select(Interaction).order_by(Interaction.id)))
    assert [(i.kind, i.notes, i.client_id, i.deal_id) for i in logged] == [
        (InteractionKind.CALL, "They want <60> vans", sales.people.maria.id, sales.ivans),
        (InteractionKind.MEETING, None, sales.people.maria.id, sales.ivans),
    ]


async def test_a_task_is_added_with_its_due_time_as_people_type_it(
    bot_sales: Running, fake: FakeTelegram
) -> None:
    bot, sales = bot_sales
    fake.send_text(IVAN, f"/deals {sales.ivans}")
    await bot_said(fake, IVAN, "Stage: new")
    fake.press(IVAN, "📝 Add a task")
    await bot_said(fake, IVAN, "what is to be done?")
    fake.send_text(IVAN, "Send the <quote>")
    await bot_said(fake, IVAN, "When is it due?")
    mark = last_message_id(fake, IVAN)
    fake.send_text(IVAN, "someday")
    await bot_said(fake, IVAN, "is not a date and time", after=mark)
    fake.send_text(IVAN, "tomorrow 18:30")
    added = await bot_said(fake, IVAN, "added to deal")
    assert f"Task #1 added to deal #{sales.ivans}, due" in added.text
    fake.press(IVAN, "📝 Add a task")
    await bot_said(fake, IVAN, "what is to be done?", after=added.message_id)
    fake.send_text(IVAN, "Call back")
    await bot_said(fake, IVAN, "When is it due?", after=added.message_id)
    fake.send_text(IVAN, "/skip")
    await bot_said(fake, IVAN, "Task #2 added")
    async with bot.database.reader() as session:
        tasks = list(await session.scalars(select(Task).order_by(Task.id)))
    tomorrow = datetime.combine(utcnow().date() + timedelta(days=1), time(18, 30), tzinfo=UTC)
    assert [(t.title, t.due_at, t.assignee_id, t.deal_id) for t in tasks] == [
        ("Send the <quote>", tomorrow, sales.people.ivan.id, sales.ivans),
        ("Call back", None, sales.people.ivan.id, sales.ivans),
    ]
