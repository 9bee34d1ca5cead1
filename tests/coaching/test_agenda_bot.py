"""/agenda per role and the client's /status with their next session, in the chat with the bot
in this process (tests/support/in_process.py). The business runs on Paris time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.sandbox.telegram import FakeTelegram
from db.engine import Database
from db.enums import RequestStatus, SessionStatus
from db.models import CoachingRequest, CoachingSession, CoachProfile, MeetingReport
from tests.support.coaching import PARIS, ask, bot_coached, paris_in, shown  # noqa: F401  (fixtures)
from tests.support.desk import (
    ANNA,
    BOB,
    IVAN,
    MARIA,
    PAVEL,
    TOM,
    People,
    marias_session_with_ivan,
    open_request,
)
from tests.support.e2e import bot_said, last_message_id


def earlier_today() -> datetime:
    """A moment of today (Paris) that has passed: halfway from midnight to now."""
    now = datetime.now(PARIS)
    midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
    return (midnight + (now - midnight) / 2).replace(microsecond=0)


async def test_agenda_per_role_and_the_next_session_on_status(
    bot_coached: tuple[Database, People], fake: FakeTelegram
) -> None:
    database, people = bot_coached
    maria, bob, ivan, tom = people.maria.id, people.bob.id, people.ivan.id, people.tom.id
    tomorrow, later, this_morning = paris_in(1, 10), paris_in(3, 15), earlier_today()
    held = datetime.now(UTC) - timedelta(days=2)

    def meeting(client: int, coach: int, at: datetime, status: SessionStatus) -> CoachingSession:
        return CoachingSession(
            client_id=client, coach_id=coach, starts_at=at, minutes=60, status=status
        )

    planned, done = SessionStatus.PLANNED, SessionStatus.DONE
    async with database.writer() as session, session.begin():
        session.add_all(
            [
                meeting(maria, ivan, tomorrow, planned),  # 1
                meeting(maria, tom, later, planned),  # 2: Tom's
                meeting(bob, ivan, held, done),  # 3: no report yet
                meeting(bob, ivan, held, done),  # 4: reported
                meeting(maria, ivan, later, SessionStatus.CANCELLED),  # 5
                meeting(bob, ivan, this_morning, planned),  # 6: earlier today, not marked
            ]
        )
        await session.flush()
        session.add(MeetingReport(session_id=4, what_happened="Fine"))
        session.add(CoachProfile(employee_id=tom))
    to_ivan = await ask(database, maria, ivan, tomorrow)
    to_tom = await ask(database, bob, tom, None)
    answered = await ask(database, maria, ivan, later)
    async with database.writer() as session, session.begin():
        request = await session.get(CoachingRequest, answered)
        assert request is not None
        request.status = RequestStatus.REFUSED

    fake.send_text(MARIA, "/agenda")
    marias = await bot_said(fake, MARIA, "📅 Coming for you:")
    assert f"Session #1 · {shown(tomorrow)} · Ivan Kuznetsov, 60 min." in marias.text
    assert f"Session #2 · {shown(later)} · Tom Baker, 60 min." in marias.text
    assert "#5" not in marias.text and "#6" not in marias.text
    assert "🙋 Your requests waiting for a coach's answer:" in marias.text
    assert (
        f"Coaching request #{to_ivan} · Ivan Kuznetsov · preferred {shown(tomorrow)}" in marias.text
    )
    assert f"#{answered} ·" not in marias.text

    fake.send_text(IVAN, "/agenda")
    ivans = await bot_said(fake, IVAN, "📅 Your agenda from today on:")
    sessions, requests, reports = ivans.text.split("\n\n")
    assert sessions.splitlines()[1:] == [
        f"Session #6 · {shown(this_morning)} · Bob Stone, 60 min.",
        f"Session #1 · {shown(tomorrow)} · Maria Lopez, 60 min.",
    ]
    assert requests.splitlines()[0] == "🙋 Requests waiting for your answer (/requests):"
    assert requests.splitlines()[1:] == [
        f"Coaching request #{to_ivan} · Maria Lopez · preferred {shown(tomorrow)}"
        ": I want to change careers"
    ]
    assert reports.splitlines() == [
        "📝 Sessions held with no report yet:",
        f"Session #3 · {shown(held.astimezone(PARIS))} · Bob Stone: /report 3",
    ]

    fake.send_text(TOM, "/agenda")
    toms = await bot_said(fake, TOM, "📅 Your agenda from today on:")
    assert f"Session #2 · {shown(later)} · Maria Lopez" in toms.text
    assert f"Coaching request #{to_tom} · Bob Stone · no preferred time" in toms.text
    assert "Maria Lopez · preferred" not in toms.text and "report" not in toms.text

    fake.send_text(PAVEL, "/agenda")  # a helper follows the sessions of the clients they help
    pavels = await bot_said(fake, PAVEL, "📅 Your agenda from today on:")
    assert pavels.text.splitlines()[1:] == [
        f"Session #1 · {shown(tomorrow)} · Maria Lopez, 60 min.",
        f"Session #2 · {shown(later)} · Maria Lopez, 60 min.",
    ]
    fake.send_text(ANNA, "/agenda")  # an administrator answers any request, runs none here
    annas = await bot_said(fake, ANNA, "🙋 Requests waiting for your answer (/requests):")
    assert "📅" not in annas.text and "📝" not in annas.text

    fake.send_text(MARIA, "/status")
    status = await bot_said(fake, MARIA, "Next session:")
    assert f"Next session: Session #1 · {shown(tomorrow)} · Ivan Kuznetsov, 60 min." in status.text
    fake.send_text(BOB, "/status")  # his session this morning has begun: none is coming
    await bot_said(fake, BOB, "No session is planned. /book asks a coach for one.")
    fake.send_text(BOB, "/agenda")
    bobs = await bot_said(fake, BOB, "🙋 Your requests waiting for a coach's answer:")
    assert "📅" not in bobs.text and f"Coaching request #{to_tom} · Tom Baker" in bobs.text


async def test_help_lists_book_and_agenda_for_clients_and_agenda_for_coaches(
    bot_coached: tuple[Database, People], fake: FakeTelegram
) -> None:
    fake.send_text(MARIA, "/help")
    marias = await bot_said(fake, MARIA, "Commands for you (client):")
    assert "/book — ask a coach for a session" in marias.text
    assert "/agenda — what is coming for me" in marias.text
    assert "/sessions — my upcoming sessions; a button gives my private calendar link" in (
        marias.text
    )
    fake.send_text(IVAN, "/help")
    ivans = await bot_said(fake, IVAN, "Commands for you (specialist):")
    assert "/agenda — what is coming for me" in ivans.text and "/book" not in ivans.text


HELPER_COMMANDS = [
    "start",
    "queue",
    "my",
    "ticket",
    "note",
    "contracts",
    "languages",
    "teachers",
    "sessions",
    "session",
    "remind",
    "contacts",
    "documents",
    "write",
    "deals",
    "tasks",
    "events",
    "agenda",
    "digest",
    "help",
    "language",
    "cancel",
]
REFUSED = ("staff only", "Only coaches", "Only owners", "You may not", "not understood")


async def test_a_helpers_help_lists_exactly_what_answers_them(
    bot_coached: tuple[Database, People], fake: FakeTelegram
) -> None:
    database, people = bot_coached
    await marias_session_with_ivan(database, people, paris_in(1, 10), SessionStatus.PLANNED)
    ticket_id = await open_request(fake, "The screen flickers")  # Maria's: Pavel helps her
    fake.send_text(PAVEL, "/help")
    listed = await bot_said(fake, PAVEL, "Commands for you (helper):")
    commands = [
        line.split(" — ")[0].removeprefix("/")
        for line in listed.text.splitlines()
        if line.startswith("/")
    ]
    assert commands == HELPER_COMMANDS
    # Each command the helper is shown answers them (not a refusal, not "not understood").
    answered = ["queue", "my", "contracts", "languages", "teachers", "sessions", "digest"]
    for command in [*answered, "deals", "tasks", "events", "contacts", "documents", "write"]:
        mark = last_message_id(fake, PAVEL)
        fake.send_text(PAVEL, f"/{command}")
        answer = await bot_said(fake, PAVEL, "", after=mark)
        assert not any(refusal in answer.text for refusal in REFUSED), (command, answer.text)
    fake.send_text(PAVEL, "/contracts")  # the contracts of the clients he helps, not "taught"
    await bot_said(fake, PAVEL, "The clients you help have no contracts.")
    fake.send_text(PAVEL, "/session 1")
    await bot_said(fake, PAVEL, "Maria Lopez")
    fake.send_text(PAVEL, "/agenda")
    await bot_said(fake, PAVEL, f"Session #1 · {shown(paris_in(1, 10))} · Maria Lopez, 60 min.")
    # What is not listed is refused.
    for typed_command in ["/plan 1 2030-01-01 10:00", "/requests", f"/take {ticket_id}"]:
        mark = last_message_id(fake, PAVEL)
        fake.send_text(PAVEL, typed_command)
        answer = await bot_said(fake, PAVEL, "", after=mark)
        assert any(refusal in answer.text for refusal in REFUSED), (typed_command, answer.text)
