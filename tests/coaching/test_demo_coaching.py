"""The demo business's coaching practice: what a tester finds in the sandbox — coaches with
profiles and domains, a programme a client moves through, sessions in every status with
reports, ratings and recordings, tracks with steps, products sold and requests waiting — made
through the services, so it obeys their rules, and telling nobody about it."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from crm.demo.seed import seed_demo
from db.base import utcnow
from db.engine import Database
from db.enums import RequestStatus, SessionStatus
from db.models import (
    Client,
    ClientProduct,
    ClientReport,
    CoachingRequest,
    CoachingSession,
    CoachProfile,
    CoachReport,
    Enrolment,
    MeetingReport,
    OutboxMessage,
    Recording,
    StageMove,
    Track,
)


@pytest.fixture
async def now(database: Database) -> datetime:
    moment = utcnow()
    async with database.writer() as session, session.begin():
        await seed_demo(session, now=moment)
    return moment


async def test_the_demo_practice_has_sessions_in_every_status_with_their_records(
    database: Database, now: datetime
) -> None:
    async with database.reader() as session:
        meetings = list(
            await session.scalars(
                select(CoachingSession).options(
                    selectinload(CoachingSession.participants),
                    selectinload(CoachingSession.recordings),
                )
            )
        )
        reported = set(await session.scalars(select(MeetingReport.session_id)))
        assert {meeting.status for meeting in meetings} == set(SessionStatus)
        done = [m for m in meetings if m.status is SessionStatus.DONE]
        assert all(m.starts_at < now for m in done)
        assert all(m.starts_at > now for m in meetings if m.status is SessionStatus.PLANNED)
        assert reported <= {m.id for m in done}
        assert any(m.id not in reported for m in done), "no overdue report to be reminded of"
        assert any(m.rating for m in done) and any(m.recordings for m in done)
        assert any(m.participants for m in meetings), "no session with several participants"
        assert any(m.video_link for m in meetings if m.format.value == "online")
        assert any(m.product_id for m in meetings)

        profiles = list(
            await session.scalars(select(CoachProfile).options(selectinload(CoachProfile.domains)))
        )
        assert len(profiles) == 2 and all(p.domains and p.bio and p.hourly_rate for p in profiles)

        moves = list(await session.scalars(select(StageMove).order_by(StageMove.at)))
        assert len(moves) >= 3 and all(move.at <= now for move in moves)
        enrolment = await session.scalar(select(Enrolment).options(selectinload(Enrolment.stage)))
        assert enrolment is not None and enrolment.stage.position == 3

        tracks = list(await session.scalars(select(Track).options(selectinload(Track.steps))))
        steps = [step for track in tracks for step in track.steps]
        assert any(step.done_at for step in steps) and any(not step.done_at for step in steps)
        assert await session.scalar(select(func.count()).select_from(ClientReport)) == 1
        coach_reports = list(await session.scalars(select(CoachReport)))
        assert any(r.supervision_request for r in coach_reports)
        assert any(r.session_id for r in coach_reports) and any(
            r.period_start for r in coach_reports
        )

        requests = list(await session.scalars(select(CoachingRequest)))
        assert len(requests) == 2
        assert {r.status for r in requests} == {RequestStatus.PENDING}
        assert await session.scalar(select(func.count()).select_from(ClientProduct)) == 4
        former = await session.scalar(select(Client).where(Client.became_employee_id.is_not(None)))
        assert former is not None and former.full_name == "Vera Zaitseva"
        assert await session.scalar(select(func.count()).select_from(Recording)) == 2
        # The invented past is nobody's news.
        assert await session.scalar(select(func.count()).select_from(OutboxMessage)) == 0
