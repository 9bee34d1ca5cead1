"""A client moved through a programme's stages from a session's card, in the chat with the bot in
this process (tests/support/in_process.py): the programme chosen when there are several, a note
on the client's state (or /skip), the client told, the history of moves kept; /cancel moves
nobody; the button is the session's runner's only."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from bot.sandbox.telegram import FakeTelegram
from crm.coaching.programs import create_program, enrol
from db.base import utcnow
from db.engine import Database
from db.models import Employee, Enrolment, Program, ProgramStage, StageMove
from tests.support.coaching import NOT_YOURS, bot_coached, ivan_with_maria  # noqa: F401  (fixtures)
from tests.support.desk import (
    IVAN,
    MARIA,
    TOM,
    People,
)
from tests.support.e2e import bot_said, handled, last_message_id, notified, press

CAREER, LEAD = "Career Reboot: Diagnosis → Plan", "Leadership: Start → Practice"


async def history(database: Database, program: str) -> list[tuple[str | None, str, str | None]]:
    """The moves of Maria's enrolment in ``program``: (from, to, the client's state)."""
    async with database.reader() as session:
        names = dict((await session.execute(select(ProgramStage.id, ProgramStage.name))).all())
        moves = await session.scalars(
            select(StageMove)
            .join(Enrolment)
            .join(Program)
            .where(Program.name == program)
            .order_by(StageMove.id)
        )
        return [
            (
                names.get(m.from_stage_id) if m.from_stage_id else None,
                names[m.to_stage_id],
                m.client_state,
            )
            for m in moves
        ]


async def test_a_client_moves_through_a_programme_from_the_session_card(
    bot_coached: tuple[Database, People], fake: FakeTelegram
) -> None:
    database, people = bot_coached
    held, _ = await ivan_with_maria(database, people, held_ago=timedelta(hours=2))
    fake.send_text(IVAN, f"/session {held.id}")
    card = await bot_said(fake, IVAN, f"#{held.id} · done")
    assert "🪜 Next stage" not in card.buttons()  # in no programme yet

    async with database.writer() as session, session.begin():
        anna = await session.get(Employee, people.anna.id)
        assert anna is not None
        career = await create_program(
            session, actor=anna, name="Career Reboot", stages=["Diagnosis", "Plan", "Action"]
        )
        lead = await create_program(
            session, actor=anna, name="Leadership", stages=["Start", "Practice"]
        )
        for program in (career, lead):
            await enrol(
                session, actor=anna, client_id=people.maria.id, program_id=program.id, now=utcnow()
            )

    # Tom (another coach) and Maria (the client) may not press it.
    fake.send_text(TOM, "/sessions")
    toms = await bot_said(fake, TOM, "No sessions are planned.")
    query = await press(fake, TOM, toms.message_id, f"ss:stage:{held.id}")
    assert f"Session #{held.id} does not exist" in fake.answered_callbacks[query]["text"]

    fake.send_text(IVAN, f"/session {held.id}")
    card = await bot_said(fake, IVAN, f"#{held.id} · done", after=card.message_id)
    assert card.buttons() == ["📝 Meeting report", "🧭 My coach report", "🪜 Next stage"]
    fake.press(IVAN, "🪜 Next stage")
    choice = await bot_said(fake, IVAN, "Which programme does the client move on in?")
    assert choice.buttons() == [CAREER, LEAD]
    fake.press(IVAN, CAREER)
    await bot_said(fake, IVAN, f"Maria Lopez moves on: {CAREER}.")
    fake.send_text(IVAN, "Calmer, <ready> to plan")
    await bot_said(fake, IVAN, "🪜 Maria Lopez is now at the stage “Plan” of “Career Reboot”")
    await notified(
        fake,
        database,
        MARIA,
        "🪜 You are now at the stage “Plan” of the programme “Career Reboot”.",
    )

    mark = last_message_id(fake, IVAN)
    fake.press(IVAN, "🪜 Next stage")
    await bot_said(fake, IVAN, "Which programme", after=mark)
    fake.press(IVAN, "Career Reboot: Plan → Action")
    await bot_said(fake, IVAN, "moves on: Career Reboot: Plan → Action.")
    fake.send_text(IVAN, "/skip")
    await bot_said(fake, IVAN, "is now at the stage “Action” of “Career Reboot”")

    # Career is done: Leadership alone is left, asked straight away; /cancel moves nobody.
    mark = last_message_id(fake, IVAN)
    fake.press(IVAN, "🪜 Next stage")
    await bot_said(fake, IVAN, f"moves on: {LEAD}.", after=mark)
    fake.send_text(IVAN, "/cancel")
    await bot_said(fake, IVAN, "Cancelled.")
    fake.send_text(MARIA, "/sessions")
    marias = await bot_said(fake, MARIA, "No sessions are planned.")
    query = await press(fake, MARIA, marias.message_id, f"ss:stage:{held.id}")
    assert NOT_YOURS in fake.answered_callbacks[query]["text"]
    await handled(fake)

    assert await history(database, "Career Reboot") == [
        (None, "Diagnosis", None),
        ("Diagnosis", "Plan", "Calmer, <ready> to plan"),
        ("Plan", "Action", None),
    ]
    assert await history(database, "Leadership") == [(None, "Start", None)]
