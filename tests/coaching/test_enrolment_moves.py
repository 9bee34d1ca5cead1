"""An enrolment's lifecycle walked through ``crm.coaching.enrolment_rules`` on a real database: a
programme's stages are its own rows, so its table of moves is read from the programme (from any
stage to any other, the next one unless another is chosen). Every move from every stage, by
every kind of person who sees the client, is made by the service where the rules hold it for
them and refused, changing nothing, where they do not; and for each stage and role the bot's
"Next stage" on the client's session card and the site's board offer what a person of that role
should see."""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta

import pytest
from sqlalchemy import delete, select
from sqlalchemy.orm import selectinload

from bot.sandbox.telegram import FakeTelegram
from crm.coaching.enrolment_rules import may_move_clients, moves, next_stage
from crm.coaching.programs import move_stage
from crm.coaching.sessions import session_for
from crm.errors import DomainError
from db.base import utcnow
from db.engine import Database
from db.enums import SessionStatus
from db.models import Enrolment, Program, ProgramStage
from handlers.coaching.keyboards import SessionAction
from handlers.coaching.sessions import card_markup
from handlers.i18n import CatalogI18n
from tests.support.desk import People, add_people, marias_session_with_ivan, set_coach
from tests.support.lifecycles import (
    database_state,
    keyboard_actions,
    page_actions,
    signed_in_as,
    site_for,
    stored,
)
from tests.support.site import Client as SiteClient

STAGES = ("Diagnosis", "Plan", "Practice")
# Whom each move is tried by, among those who see Maria: an administrator, her coach, her
# helper, and Maria. Another coach does not see her (``visible_clients``).
PEOPLE = ("anna", "ivan", "pavel", "maria")
# What each member of staff is offered for Maria's enrolment at each stage (by its position):
# the board's "move" form, the session card's "Next stage" ("next").
BOTH, LAST = {"move", "next"}, {"move"}
SHOWN: dict[str, dict[int, set[str]]] = {
    "anna": {1: BOTH, 2: BOTH, 3: LAST},
    "ivan": {1: BOTH, 2: BOTH, 3: LAST},
    "pavel": {1: set(), 2: set(), 3: set()},
    "tom": {1: set(), 2: set(), 3: set()},  # Maria is not on his board, her session not his
}


@dataclass
class Setting:
    people: People
    program_id: int
    stage_ids: dict[int, int]  # position -> stage id


@pytest.fixture
async def setting(database: Database) -> Setting:
    people = await add_people(database, FakeTelegram("1:t"))
    await set_coach(database, people.ivan, people.maria)
    async with database.writer() as session, session.begin():
        program = Program(
            name="Career Reboot",
            stages=[ProgramStage(position=n, name=name) for n, name in enumerate(STAGES, 1)],
        )
        session.add(program)
        await session.flush()
        stage_ids = {stage.position: stage.id for stage in program.stages}
    return Setting(people, program.id, stage_ids)


async def enrolment_at(database: Database, setting: Setting, position: int) -> int:
    """Maria enrolled afresh in the programme, at the stage at ``position``."""
    async with database.writer() as session, session.begin():
        await session.execute(delete(Enrolment).where(Enrolment.program_id == setting.program_id))
        enrolment = Enrolment(
            client_id=setting.people.maria.id,
            program_id=setting.program_id,
            stage_id=setting.stage_ids[position],
            started_at=utcnow() - timedelta(days=10),
        )
        session.add(enrolment)
    return enrolment.id


def test_from_each_stage_every_other_stage_is_a_move_and_the_next_one_the_default() -> None:
    stages = [ProgramStage(id=n, position=n, name=name) for n, name in enumerate(STAGES, 1)]
    for here in stages:
        enrolment = Enrolment(stage_id=here.id, program=Program(stages=stages))
        assert [stage.id for stage in moves(enrolment)] == [n for n in (1, 2, 3) if n != here.id]
        ahead = next_stage(enrolment)
        assert (ahead.id if ahead else None) == (here.id + 1 if here.id < 3 else None)


@pytest.mark.parametrize(("position", "to"), list(itertools.product((1, 2, 3), (None, 1, 2, 3))))
async def test_a_move_is_made_where_the_rules_hold_it_and_refused_with_nothing_changed(
    database: Database, setting: Setting, position: int, to: int | None
) -> None:
    for name in PEOPLE:
        enrolment_id = await enrolment_at(database, setting, position)
        before = await database_state(database, Enrolment, enrolment_id)
        to_stage_id = None if to is None else setting.stage_ids[to]
        async with database.reader() as session:
            enrolment = await session.scalar(
                select(Enrolment)
                .where(Enrolment.id == enrolment_id)
                .options(selectinload(Enrolment.program).selectinload(Program.stages))
            )
            assert enrolment is not None
            actor = await stored(session, getattr(setting.people, name))
            if to_stage_id is None:
                ahead = next_stage(enrolment)
                target = ahead.id if ahead else None
            else:
                target = to_stage_id if to_stage_id in {s.id for s in moves(enrolment)} else None
            allowed = may_move_clients(actor) and target is not None
        try:
            async with database.writer() as session, session.begin():
                await move_stage(
                    session,
                    actor=await stored(session, getattr(setting.people, name)),
                    enrolment_id=enrolment_id,
                    to_stage_id=to_stage_id,
                    client_state="Confident",
                    now=utcnow(),
                )
        except DomainError as refusal:
            assert not allowed, f"{name}: {position} → {to} is a move, yet refused: {refusal}"
            assert await database_state(database, Enrolment, enrolment_id) == before, name
        else:
            assert allowed, f"{name}: {position} → {to} is not a move, yet made"
            async with database.reader() as session:
                moved = await session.get(Enrolment, enrolment_id)
                assert moved is not None and moved.stage_id == target, name


@pytest.fixture
async def site(database: Database, setting: Setting) -> AsyncIterator[SiteClient]:
    people = setting.people
    async with site_for(database, people.anna, people.ivan, people.tom, people.pavel) as client:
        yield client


async def bot_offers(database: Database, setting: Setting, name: str, session_id: int) -> set[str]:
    """The "Next stage" button (as ``next``) under Maria's session's card as the bot shows it to
    ``name``; nothing when they do not see the session."""
    async with database.reader() as session:
        actor = await stored(session, getattr(setting.people, name))
        try:
            meeting = await session_for(session, actor=actor, session_id=session_id)
        except DomainError:
            return set()
        with CatalogI18n(default_locale="en").context():
            markup = await card_markup(session, meeting, actor, utcnow())
        return keyboard_actions(markup, SessionAction, stage="next") & {"next"}


async def test_the_bot_and_the_site_offer_each_person_the_moves_of_the_rules_at_every_stage(
    database: Database, setting: Setting, site: SiteClient
) -> None:
    session_id = await marias_session_with_ivan(
        database, setting.people, utcnow() + timedelta(days=1), SessionStatus.PLANNED
    )
    board = f"/programs/{setting.program_id}"
    for name, shown_at in SHOWN.items():
        await signed_in_as(site, name)
        for position, shown in shown_at.items():
            await enrolment_at(database, setting, position)
            page = await site.get(board)
            assert page.status == 200, (name, position)
            on_site = page_actions(await page.text(), board) & {"move"}
            on_bot = await bot_offers(database, setting, name, session_id)
            assert (name, position, on_site, on_bot) == (
                name,
                position,
                shown & {"move"},
                shown & {"next"},
            )
