"""Coaching sessions and requests in the chat, with the bot in this process
(tests/support/in_process.py): /requests with Accept and Refuse, /plan and its refusals, the
/session card and its buttons, /sessions per role, the meeting report's dialog, and who may
press what. The business runs on Paris time; the database keeps UTC."""

from __future__ import annotations

from datetime import UTC, timedelta

import pytest
from sqlalchemy import select

from bot.sandbox.telegram import FakeTelegram
from crm.errors import NotFound
from crm.notify import Notifier
from crm.people.clients import get_client
from db.base import utcnow
from db.engine import Database
from db.enums import RequestStatus, SessionFormat, SessionStatus
from db.models import MeetingReport, OutboxMessage
from tests.coaching.jobs import send_reminders
from tests.support.coaching import (  # noqa: F401  (fixtures)
    CALENDAR_LINK,
    NOT_YOURS,
    PARIS,
    ask,
    bot_coached,
    ivan_with_maria,
    meeting,
    paris_in,
    participants,
    request_row,
    shown,
    starts,
    statuses,
    typed,
)
from tests.support.desk import ANNA, BOB, IVAN, MARIA, PAVEL, TOM, People
from tests.support.e2e import STAFF_ONLY, bot_said, handled, last_message_id, notified, press


async def test_a_request_accepted_by_button_becomes_a_session_and_is_marked_done(
    bot_coached: tuple[Database, People], fake: FakeTelegram
) -> None:
    database, people = bot_coached
    wanted = paris_in(3, 18, 30)
    request_id = await ask(database, people.maria.id, people.ivan.id, wanted)
    await notified(fake, database, IVAN, f"🙋 Coaching request #{request_id} from Maria Lopez.")

    fake.send_text(IVAN, "/requests")
    waiting = await bot_said(fake, IVAN, "Coaching requests waiting for your answer (1):")
    assert (
        f"Coaching request #{request_id} · Maria Lopez · preferred {shown(wanted)}" in waiting.text
    )
    assert waiting.buttons() == [f"✅ Accept #{request_id}", f"✖️ Refuse #{request_id}"]
    fake.press(IVAN, f"✅ Accept #{request_id}")
    await bot_said(fake, IVAN, f"Request #{request_id} accepted: session #1 on {shown(wanted)}")
    assert fake.messages(IVAN)[-3].buttons() == []  # nothing left to answer
    await notified(
        fake,
        database,
        MARIA,
        f"✅ Ivan Kuznetsov accepted your request #{request_id}: session #1 on {shown(wanted)}.",
    )
    row = await request_row(database, request_id)
    assert (row.status, row.session_id) == (RequestStatus.ACCEPTED, 1)
    assert (await meeting(database, 1)).starts_at == wanted.astimezone(UTC)

    fake.send_text(IVAN, "/session 1")
    card = await bot_said(fake, IVAN, "#1 · planned")
    assert "Client: Maria Lopez" in card.text and "Coach: Ivan Kuznetsov" in card.text
    assert f"When: {shown(wanted)}, 60 min." in card.text and "In person" in card.text
    assert card.buttons() == ["❌ Cancel"]  # held or missed only once it has started
    query = await press(fake, IVAN, card.message_id, "ss:done:1")
    assert "ession #1 has not started yet" in fake.answered_callbacks[query]["text"]
    assert not [m for m in fake.bot_messages(MARIA) if m.text.startswith("⭐")]

    # Maria forges the buttons on her own chat; Tom, another coach, on his.
    fake.send_text(MARIA, "/sessions")
    mine = await bot_said(fake, MARIA, "Your upcoming sessions")
    query = await press(fake, MARIA, mine.message_id, "ss:done:1")
    assert NOT_YOURS in fake.answered_callbacks[query]["text"]
    fake.send_text(TOM, "/sessions")
    toms = await bot_said(fake, TOM, "No sessions are planned.")
    query = await press(fake, TOM, toms.message_id, "ss:cancel:1")
    assert "Session #1 does not exist" in fake.answered_callbacks[query]["text"]
    assert await statuses(database) == [(1, SessionStatus.PLANNED)]

    # Its hour comes: the card offers Done and No-show.
    await starts(database, 1, utcnow() - timedelta(minutes=5))
    fake.send_text(IVAN, "/session 1")
    card = await bot_said(fake, IVAN, "#1 · planned", after=card.message_id)
    assert card.buttons() == ["✅ Done", "🚷 No-show", "❌ Cancel"]
    fake.press(IVAN, "✅ Done")
    await bot_said(fake, IVAN, "Session #1 is marked done.")
    await handled(fake)
    card_now = next(m for m in fake.messages(IVAN) if m.message_id == card.message_id)
    # The card says what the press did, in place; a done session offers its reports.
    assert card_now.text.startswith("#1 · done") and "Client: Maria Lopez" in card_now.text
    assert card_now.buttons() == ["📝 Meeting report", "🧭 My coach report"]
    assert await statuses(database) == [(1, SessionStatus.DONE)]
    mark = last_message_id(fake, IVAN)
    query = await press(fake, IVAN, card.message_id, "ss:cancel:1")
    assert "Session #1 is already done" in fake.answered_callbacks[query]["text"]
    assert last_message_id(fake, IVAN) == mark


async def test_plan_in_the_business_time_zone_and_its_refusals(
    bot_coached: tuple[Database, People], fake: FakeTelegram
) -> None:
    database, people = bot_coached
    start = paris_in(2, 9, 15)
    maria = people.maria.id
    fake.send_text(IVAN, "/plan")
    await bot_said(fake, IVAN, "Usage: /plan <client id or @username>[,more clients] <YYYY-MM-DD")
    fake.send_text(IVAN, f"/plan {maria} 2026-13-40 10:00")
    await bot_said(fake, IVAN, "“2026-13-40 10:00” is not a date and time")
    fake.send_text(IVAN, f"/plan {maria} 2020-01-01 10:00")
    await bot_said(fake, IVAN, "A session is recorded at most a year back")
    fake.send_text(IVAN, f"/plan {maria} {typed(start)} 5")
    await bot_said(fake, IVAN, "A session lasts from 15 to 480 minutes")
    fake.send_text(IVAN, f"/plan 9999 {typed(start)}")
    await bot_said(fake, IVAN, "That client does not exist")
    fake.send_text(ANNA, f"/plan @nobody {typed(start)}")
    await bot_said(fake, ANNA, "No client @nobody")
    fake.send_text(MARIA, f"/plan {maria} {typed(start)}")
    await bot_said(fake, MARIA, STAFF_ONLY)
    fake.send_text(PAVEL, f"/plan {maria} {typed(start)}")
    await bot_said(fake, PAVEL, "Only coaches, teachers and managers may do this.")
    assert await statuses(database) == []

    fake.send_text(IVAN, f"/plan {maria} {typed(start)} 90")
    planned = await bot_said(fake, IVAN, "📅 Session #1 with Maria Lopez is planned")
    assert f"{shown(start)}, 90 min." in planned.text and "Online" not in planned.text
    await notified(fake, database, MARIA, f"📅 Session #1 with Ivan Kuznetsov: {shown(start)}")
    first = await meeting(database, 1)
    assert first.starts_at == start.astimezone(UTC) and first.minutes == 90

    fake.send_text(ANNA, f"/plan @bstone {typed(start)} online")
    online = await bot_said(fake, ANNA, "📅 Session #2 with Bob Stone is planned")
    second = await meeting(database, 2)
    assert second.format is SessionFormat.ONLINE and second.video_link
    assert f"Online: {second.video_link}" in online.text
    told = await notified(fake, database, BOB, "📅 Session #2 with Anna Petrova")
    assert second.video_link in told.text

    # Yesterday's meeting, recorded: nobody is told or reminded; it is marked held at once.
    yesterday = paris_in(-1, 17)
    fake.send_text(IVAN, f"/plan {maria} {typed(yesterday)} 45")
    recorded = await bot_said(fake, IVAN, "📅 Session #3 with Maria Lopez on")
    assert f"{shown(yesterday)}, 45 min., is recorded" in recorded.text
    assert recorded.buttons() == ["✅ Done", "🚷 No-show", "❌ Cancel"]
    third = await meeting(database, 3)
    assert third.starts_at == yesterday.astimezone(UTC) and third.status is SessionStatus.PLANNED
    assert await send_reminders(database, Notifier("en", "EUR", PARIS)) == 0
    async with database.reader() as session:
        queued = await session.scalars(select(OutboxMessage))
        assert not [row for row in queued if "#3" in row.payload.get("text", "")]
    fake.press(IVAN, "✅ Done")
    await bot_said(fake, IVAN, "Session #3 is marked done.")
    await notified(fake, database, MARIA, "⭐ How was session #3 with Ivan Kuznetsov")


async def test_plan_names_only_clients_the_planner_sees_and_groups_take_participants(
    bot_coached: tuple[Database, People], fake: FakeTelegram
) -> None:
    """Bob is nobody's: Ivan (his coach is Maria's) and Tom (who repairs her laptop) cannot
    plan with him as client or participant, by card number or @username; the answer is the
    one for a client that does not exist, and his card stays closed to them. A manager plans
    a group: the first client named is the session's, the others take part and are told."""
    database, people = bot_coached
    start = typed(paris_in(3, 10))
    bob, maria = people.bob.id, people.maria.id
    for planner in (IVAN, TOM):
        for named, said in (
            (f"{bob}", "That client does not exist"),
            (f"#{bob}", "That client does not exist"),
            ("99999", "That client does not exist"),
            ("@bstone", "No client @bstone"),
            ("@nobody", "No client @nobody"),
            (f"{maria},{bob}", "That client does not exist"),
            (f"{maria} @bstone", "No client @bstone"),
        ):
            mark = last_message_id(fake, planner)
            fake.send_text(planner, f"/plan {named} {start} 60")
            await bot_said(fake, planner, said, after=mark)
    assert await statuses(database) == []
    async with database.reader() as session:
        for employee in (people.ivan, people.tom):
            with pytest.raises(NotFound):
                await get_client(session, actor=employee, client_id=bob)

    fake.send_text(ANNA, f"/plan @bstone,{maria} {start} 60 online")
    await bot_said(fake, ANNA, "📅 Session #1 with Bob Stone is planned")
    assert await participants(database, 1) == {maria}
    await notified(fake, database, BOB, "📅 Session #1 with Anna Petrova")
    await notified(fake, database, MARIA, "📅 Session #1 with Anna Petrova")
    fake.send_text(IVAN, f"/plan #{maria} {start}")
    await bot_said(fake, IVAN, "📅 Session #2 with Maria Lopez is planned")
    assert await participants(database, 2) == set()
    fake.send_text(TOM, f"/plan @bstone #{maria} {start}")
    await bot_said(fake, TOM, "No client @bstone")


async def test_report_without_a_session_number_is_answered_with_its_usage(
    bot_coached: tuple[Database, People], fake: FakeTelegram
) -> None:
    """The usage's ``<session id>`` is text, not an HTML tag Telegram would refuse."""
    for args in ("", " abc", " 0"):
        mark = last_message_id(fake, IVAN)
        fake.send_text(IVAN, f"/report{args}")
        said = await bot_said(fake, IVAN, "Usage: /report <session id>", after=mark)
        assert said.text == "Usage: /report <session id>"


async def test_sessions_per_role_and_no_show_and_cancel_by_button(
    bot_coached: tuple[Database, People], fake: FakeTelegram
) -> None:
    database, people = bot_coached
    early, late = paris_in(1, 10), paris_in(4, 16)
    fake.send_text(IVAN, f"/plan {people.maria.id} {typed(late)}")
    await bot_said(fake, IVAN, "Session #1")
    fake.send_text(TOM, f"/plan {people.maria.id} {typed(early)} online")
    await bot_said(fake, TOM, "Session #2")

    fake.send_text(MARIA, "/sessions")
    mine = await bot_said(fake, MARIA, "Your upcoming sessions")
    assert mine.buttons() == [
        f"Session #2 · {shown(early)} · Tom Baker",
        f"Session #1 · {shown(late)} · Ivan Kuznetsov",
        CALENDAR_LINK,
    ]
    fake.press(MARIA, f"Session #2 · {shown(early)} · Tom Baker")
    card = await bot_said(fake, MARIA, "#2 · planned")
    assert "Online: https://meet.jit.si/" in card.text and card.buttons() == []
    fake.send_text(BOB, "/sessions")
    await bot_said(fake, BOB, "No sessions are planned.")
    fake.send_text(IVAN, "/sessions")
    ivans = await bot_said(fake, IVAN, "Upcoming sessions (1)")
    assert ivans.buttons() == [f"Session #1 · {shown(late)} · Maria Lopez", CALENDAR_LINK]
    fake.send_text(ANNA, "/sessions")
    everyone = await bot_said(fake, ANNA, "Upcoming sessions (2)")
    assert len(everyone.buttons()) == 3
    fake.send_text(MARIA, "/session 1")
    await bot_said(fake, MARIA, STAFF_ONLY)
    fake.send_text(IVAN, "/session 2")
    await bot_said(fake, IVAN, "Session #2 does not exist")

    # Anna, an administrator, runs any session; Tom his own.
    fake.press(ANNA, f"Session #1 · {shown(late)} · Maria Lopez")
    anna_card = await bot_said(fake, ANNA, "#1 · planned")
    assert anna_card.buttons() == ["❌ Cancel"]  # it has not started
    await starts(database, 1, utcnow() - timedelta(minutes=20))  # now it has
    fake.send_text(ANNA, "/session 1")
    anna_card = await bot_said(fake, ANNA, "#1 · planned", after=anna_card.message_id)
    assert anna_card.buttons() == ["✅ Done", "🚷 No-show", "❌ Cancel"]
    fake.press(ANNA, "🚷 No-show")
    await bot_said(fake, ANNA, "Session #1 is marked no-show.")
    fake.send_text(TOM, "/session 2")
    toms_card = await bot_said(fake, TOM, "#2 · planned")
    fake.press(TOM, "❌ Cancel")
    await bot_said(fake, TOM, "Session #2 is cancelled; the client is told.")
    await handled(fake)
    # Each card now says what the press did, with what is left to do.
    for chat, card, heading in (
        (ANNA, anna_card, "#1 · no-show"),
        (TOM, toms_card, "#2 · cancelled"),
    ):
        now_shown = next(m for m in fake.messages(chat) if m.message_id == card.message_id)
        assert now_shown.text.startswith(heading) and now_shown.buttons() == []
    await notified(fake, database, MARIA, f"❌ Session #2 on {shown(early)} is cancelled.")
    assert await statuses(database) == [(1, SessionStatus.NO_SHOW), (2, SessionStatus.CANCELLED)]
    fake.send_text(MARIA, "/sessions")
    await bot_said(fake, MARIA, "No sessions are planned.", after=card.message_id)


async def test_refuse_with_a_reason_and_a_request_with_no_time(
    bot_coached: tuple[Database, People], fake: FakeTelegram
) -> None:
    database, people = bot_coached
    first = await ask(database, people.maria.id, people.ivan.id, paris_in(2, 11))
    untimed = await ask(database, people.bob.id, people.ivan.id, None)

    fake.send_text(IVAN, "/requests")
    await bot_said(fake, IVAN, "Coaching requests waiting for your answer (2):")
    fake.press(IVAN, f"✅ Accept #{untimed}")
    await bot_said(fake, IVAN, f"/plan {people.bob.id} YYYY-MM-DD HH:MM")
    assert (await request_row(database, untimed)).status is RequestStatus.PENDING

    fake.press(IVAN, f"✖️ Refuse #{first}")
    await bot_said(fake, IVAN, f"Why do you refuse request #{first} from Maria Lopez?")
    fake.send_text(IVAN, "/cancel")
    await bot_said(fake, IVAN, "Cancelled.")
    fake.send_text(IVAN, "Never mind")  # out of the dialog now: not a reason
    await handled(fake)
    assert (await request_row(database, first)).status is RequestStatus.PENDING

    fake.press(IVAN, f"✖️ Refuse #{first}")
    await bot_said(fake, IVAN, f"Why do you refuse request #{first}", after=0)
    mark = last_message_id(fake, IVAN)
    fake.send_text(IVAN, "Fully booked this month")
    await bot_said(fake, IVAN, f"Request #{first} refused; the client is told.", after=mark)
    await notified(
        fake,
        database,
        MARIA,
        f"Ivan Kuznetsov cannot take your request #{first}: Fully booked this month",
    )
    row = await request_row(database, first)
    assert (row.status, row.comment) == (RequestStatus.REFUSED, "Fully booked this month")
    mark = last_message_id(fake, IVAN)
    fake.send_text(IVAN, "Thanks")  # the dialog is over: this is no second reason
    await handled(fake)
    assert not [m for m in fake.bot_messages(IVAN) if m.message_id > mark and "request" in m.text]

    # Maria cannot answer requests, even with a forged button; staff only for the listing.
    fake.send_text(MARIA, "/requests")
    told = await bot_said(fake, MARIA, STAFF_ONLY)
    query = await press(fake, MARIA, told.message_id, f"rq:accept:{untimed}")
    assert "Only coaches, teachers and managers" in fake.answered_callbacks[query]["text"]
    assert (await request_row(database, untimed)).status is RequestStatus.PENDING


async def test_the_meeting_report_is_filed_in_a_short_dialog_with_skippable_steps(
    bot_coached: tuple[Database, People], fake: FakeTelegram
) -> None:
    database, people = bot_coached
    held, planned = await ivan_with_maria(
        database, people, held_ago=timedelta(hours=3), planned_in=timedelta(days=1)
    )
    assert planned is not None
    # A session that has not taken place has no report yet; a client may not start one.
    fake.send_text(IVAN, f"/report {planned.id}")
    await bot_said(fake, IVAN, "has not taken place")
    fake.send_text(MARIA, f"/report {held.id}")
    await bot_said(fake, MARIA, STAFF_ONLY)

    # /cancel halfway keeps nothing.
    fake.send_text(IVAN, f"/report {held.id}")
    await bot_said(fake, IVAN, "1/5 What happened in the session?")
    fake.send_text(IVAN, "We mapped her options")
    await bot_said(fake, IVAN, "2/5")
    fake.send_text(IVAN, "/cancel")
    await handled(fake)
    async with database.reader() as session:
        assert await session.scalar(select(MeetingReport.id)) is None

    fake.send_text(IVAN, f"/report {held.id}")
    for answer, next_question in (
        ("We mapped her options", "2/5"),
        ("/skip", "3/5"),
        ("Two interviews <this week>", "4/5"),
        ("/skip", "5/5"),
    ):
        mark = last_message_id(fake, IVAN)
        fake.send_text(IVAN, answer)
        await bot_said(fake, IVAN, next_question, after=mark)
    fake.send_text(IVAN, "Call on Friday")
    await bot_said(fake, IVAN, f"The report of session #{held.id} is filed.")
    async with database.reader() as session:
        report = await session.scalar(select(MeetingReport))
    assert report is not None
    assert (
        report.session_id,
        report.what_happened,
        report.client_state,
        report.agreements,
        report.homework,
        report.next_steps,
    ) == (
        held.id,
        "We mapped her options",
        None,
        "Two interviews <this week>",
        None,
        "Call on Friday",
    )
