"""Coaching records through the services, on a real database: the meeting report of a session
held, the coach's report that no client reads, the client's report on a track, and a client
moved through a programme's stages with the history of the moves."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from bot.sandbox.telegram import FakeTelegram
from crm.coaching.programs import create_program, enrol, move_stage
from crm.coaching.reports import (
    CoachReportDraft,
    MeetingReportDraft,
    coach_reports,
    file_client_report,
    file_coach_report,
    file_meeting_report,
    meeting_report,
)
from crm.coaching.sessions import SessionDraft, end_session, plan_session
from crm.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from crm.notify import Notifier
from db.engine import Database
from db.enums import SessionStatus
from db.models import Client, Employee, Enrolment, StageMove, Track
from tests.support.desk import People, add_people, set_coach

NOTIFIER = Notifier("en", "EUR")
NOW = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
async def people(database: Database) -> People:
    found = await add_people(database, FakeTelegram("1:t"))
    await set_coach(database, found.ivan, found.maria)
    return found


async def held_session(database: Database, people: People) -> int:
    """A session Ivan gave Maria, marked done."""
    async with database.writer() as session, session.begin():
        ivan = await session.get(Employee, people.ivan.id)
        assert ivan is not None
        meeting = await plan_session(
            session,
            NOTIFIER,
            actor=ivan,
            draft=SessionDraft(people.maria.id, NOW + timedelta(hours=2)),
            now=NOW,
        )
        held_at = meeting.starts_at  # held (and marked so) once it has started
        await end_session(
            session, NOTIFIER, actor=ivan, session_id=meeting.id, to=SessionStatus.DONE, now=held_at
        )
        return meeting.id


async def test_the_coach_files_the_meeting_report_and_only_staff_read_it(
    database: Database, people: People
) -> None:
    session_id = await held_session(database, people)
    async with database.writer() as session, session.begin():
        ivan = await session.get(Employee, people.ivan.id)
        tom = await session.get(Employee, people.tom.id)
        assert ivan is not None and tom is not None
        with pytest.raises(InvalidInput, match="the report is empty"):
            await file_meeting_report(
                session, actor=ivan, session_id=session_id, draft=MeetingReportDraft()
            )
        with pytest.raises(NotFound):  # another coach's session does not exist for Tom
            await file_meeting_report(
                session,
                actor=tom,
                session_id=session_id,
                draft=MeetingReportDraft(what_happened="x"),
            )
        await file_meeting_report(
            session,
            actor=ivan,
            session_id=session_id,
            draft=MeetingReportDraft(what_happened="Talked about the move", homework="A list"),
        )
        # Filed again, it replaces the first.
        await file_meeting_report(
            session,
            actor=ivan,
            session_id=session_id,
            draft=MeetingReportDraft(what_happened="Talked about the move", next_steps="Call"),
        )
    async with database.reader() as session:
        anna = await session.get(Employee, people.anna.id)
        maria = await session.get(Client, people.maria.id)
        assert anna is not None and maria is not None
        report = await meeting_report(session, actor=anna, session_id=session_id)
        assert report is not None
        assert (report.what_happened, report.homework, report.next_steps) == (
            "Talked about the move",
            None,
            "Call",
        )
        with pytest.raises(PermissionDenied):
            await meeting_report(session, actor=maria, session_id=session_id)


async def test_a_planned_session_has_no_report_yet(database: Database, people: People) -> None:
    async with database.writer() as session, session.begin():
        ivan = await session.get(Employee, people.ivan.id)
        assert ivan is not None
        meeting = await plan_session(
            session,
            NOTIFIER,
            actor=ivan,
            draft=SessionDraft(people.maria.id, NOW + timedelta(days=1)),
            now=NOW,
        )
        with pytest.raises(InvalidInput, match="has not taken place"):
            await file_meeting_report(
                session,
                actor=ivan,
                session_id=meeting.id,
                draft=MeetingReportDraft(what_happened="x"),
            )


async def test_a_coach_report_is_read_by_its_coach_and_managers_never_by_a_client(
    database: Database, people: People
) -> None:
    session_id = await held_session(database, people)
    async with database.writer() as session, session.begin():
        ivan = await session.get(Employee, people.ivan.id)
        assert ivan is not None
        with pytest.raises(InvalidInput, match="one session or one period"):
            await file_coach_report(session, actor=ivan, draft=CoachReportDraft(results="ok"))
        with pytest.raises(InvalidInput, match="ends before it starts"):
            await file_coach_report(
                session,
                actor=ivan,
                draft=CoachReportDraft(results="ok"),
                period=(date(2026, 12, 1), date(2026, 11, 1)),
            )
        await file_coach_report(
            session,
            actor=ivan,
            session_id=session_id,
            draft=CoachReportDraft(
                self_reflection="I talked too much", supervision_request="Discuss silence"
            ),
        )
    readers = {}
    async with database.reader() as session:
        staff = {
            name: await session.get(Employee, person.id)
            for name, person in (
                ("ivan", people.ivan),
                ("tom", people.tom),
                ("anna", people.anna),
                ("pavel", people.pavel),
            )
        }
        actors: dict[str, Employee | Client | None] = {
            **staff,
            "maria": await session.get(Client, people.maria.id),
        }
        for name, actor in actors.items():
            assert actor is not None
            readers[name] = len(await coach_reports(session, actor=actor))
    assert readers == {"ivan": 1, "tom": 0, "anna": 1, "pavel": 0, "maria": 0}


async def test_a_client_reports_on_their_own_track_only(database: Database, people: People) -> None:
    async with database.writer() as session, session.begin():
        track = Track(client_id=people.maria.id, coach_id=people.ivan.id, goal="A new job")
        session.add(track)
        await session.flush()
        maria = await session.get(Client, people.maria.id)
        bob = await session.get(Client, people.bob.id)
        assert maria is not None and bob is not None
        with pytest.raises(NotFound):
            await file_client_report(session, actor=bob, track_id=track.id, progress="spy", now=NOW)
        report = await file_client_report(
            session, actor=maria, track_id=track.id, progress="Sent three CVs", now=NOW
        )
        assert (report.author_client_id, report.progress) == (maria.id, "Sent three CVs")


async def test_a_client_moves_through_a_programmes_stages_with_their_state_noted(
    database: Database, people: People
) -> None:
    async with database.writer() as session, session.begin():
        anna = await session.get(Employee, people.anna.id)
        ivan = await session.get(Employee, people.ivan.id)
        maria = await session.get(Client, people.maria.id)
        assert anna is not None and ivan is not None and maria is not None
        maria.coach_id = ivan.id  # Ivan coaches Maria: her card is his to see
        with pytest.raises(InvalidInput, match="at least two stages"):
            await create_program(session, actor=anna, name="Leap", stages=["Only"])
        program = await create_program(
            session, actor=anna, name="Leap", stages=["Diagnosis", "Plan", "Practice"]
        )
        enrolment = await enrol(
            session, actor=ivan, client_id=maria.id, program_id=program.id, now=NOW
        )
        with pytest.raises(Conflict):
            await enrol(session, actor=ivan, client_id=maria.id, program_id=program.id, now=NOW)
        await move_stage(
            session,
            actor=ivan,
            enrolment_id=enrolment.id,
            client_state="anxious but keen",
            now=NOW + timedelta(days=7),
        )
        await move_stage(
            session, actor=ivan, enrolment_id=enrolment.id, now=NOW + timedelta(days=21)
        )
        with pytest.raises(InvalidInput, match="last stage already"):
            await move_stage(session, actor=ivan, enrolment_id=enrolment.id, now=NOW)
        tom = await session.get(Employee, people.tom.id)
        assert tom is not None
        with pytest.raises(NotFound):  # not his client
            await move_stage(
                session,
                actor=tom,
                enrolment_id=enrolment.id,
                to_stage_id=program.stages[0].id,
                now=NOW,
            )
    async with database.reader() as session:
        found = await session.get(Enrolment, enrolment.id)
        assert found is not None
        moves = list(
            await session.scalars(
                select(StageMove).where(StageMove.enrolment_id == found.id).order_by(StageMove.id)
            )
        )
    stage_ids = [stage.id for stage in program.stages]
    assert found.stage_id == stage_ids[2]
    assert [(m.from_stage_id, m.to_stage_id, m.client_state) for m in moves] == [
        (None, stage_ids[0], None),
        (stage_ids[0], stage_ids[1], "anxious but keen"),
        (stage_ids[1], stage_ids[2], None),
    ]
