"""The session listing's page is one query and its count a second: each row's client, coach,
other participants and filed report come with the page, whatever the page holds."""

from __future__ import annotations

from datetime import timedelta

from bot.sandbox.telegram import FakeTelegram
from crm.coaching.session_listing import SessionFilter, list_sessions
from db.base import utcnow
from db.engine import Database
from db.enums import SessionStatus
from db.models import CoachingSession, MeetingReport, SessionParticipant
from tests.support.desk import add_people
from tests.support.sql import statements


async def test_a_page_of_sessions_is_one_query_and_its_count_a_second(database: Database) -> None:
    people = await add_people(database, FakeTelegram("1:t"))
    now = utcnow()
    async with database.writer() as session, session.begin():
        meetings = [
            CoachingSession(
                client_id=people.maria.id if days % 2 else people.bob.id,
                coach_id=people.ivan.id if days < 3 else None,
                starts_at=now - timedelta(days=days),
                minutes=60,
                status=SessionStatus.DONE,
            )
            for days in range(1, 6)
        ]
        session.add_all(meetings)
        await session.flush()
        for client in (people.maria, people.bob):
            session.add(SessionParticipant(session_id=meetings[1].id, client_id=client.id))
        session.add(MeetingReport(session_id=meetings[2].id, what_happened="Talked"))
    with statements(database) as run:
        async with database.reader() as session:
            page = await list_sessions(session, people.anna, SessionFilter())
    shown = [
        (
            row.session.id,
            row.session.client.full_name,
            row.session.coach.full_name if row.session.coach else None,
            sorted(each.client.full_name for each in row.session.participants),
            row.report_filed,
        )
        for row in page.rows
    ]
    ids = [meeting.id for meeting in meetings]
    assert shown == [
        (ids[0], "Maria Lopez", "Ivan Kuznetsov", [], False),
        (ids[1], "Bob Stone", "Ivan Kuznetsov", ["Bob Stone", "Maria Lopez"], False),
        (ids[2], "Maria Lopez", None, [], True),
        (ids[3], "Bob Stone", None, [], False),
        (ids[4], "Maria Lopez", None, [], False),
    ]
    assert page.total == 5
    queries = [ran.statement for ran in run if ran.verb == "SELECT"]
    assert len(queries) == 2, queries
