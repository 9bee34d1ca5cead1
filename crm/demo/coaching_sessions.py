"""The demo coaching practice's sessions: each one's story (who, when, how it ended, its report,
ratings and recordings), lived through the services at its own moment before ``now``, as
crm/demo/coaching.py says."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from crm.coaching.reports import (
    MeetingReportDraft,
    file_meeting_report,
)
from crm.coaching.sessions import SessionDraft, end_session, plan_session, rate_session
from crm.demo.school import Untold
from db.enums import RecordingKind, SessionStatus
from db.models import (
    Client,
    Employee,
    Product,
    Recording,
)


@dataclass(frozen=True)
class DemoSession:
    """One session's story, ``days`` before now (negative: still to come)."""

    client: str
    coach: str
    days: float
    status: SessionStatus
    online: bool = False
    minutes: int = 60
    report: MeetingReportDraft | None = None
    rating: tuple[int, str] | None = None
    recording: tuple[RecordingKind, str] | None = None
    participants: Sequence[str] = field(default_factory=tuple)
    product: str | None = None


SESSIONS = [
    DemoSession(
        "Alexandra Fedorova", "ekaterina_coach", 45, SessionStatus.DONE,
        report=MeetingReportDraft(
            what_happened="Diagnosis: values, strengths, what tires her in accounting.",
            client_state="Motivated but afraid of losing income.",
            agreements="Explore product analytics before deciding.",
            homework="Take a free SQL course; list three people to talk to.",
            next_steps="Set the goal and its measure.",
        ),
        rating=(5, "Finally I see where to go."),
        recording=(RecordingKind.LINK, "https://disk.example.com/superday/alexandra-1.mp3"),
    ),
    DemoSession(
        "Alexandra Fedorova", "ekaterina_coach", 31, SessionStatus.DONE, online=True,
        report=MeetingReportDraft(
            what_happened="Goal set: a junior product analyst offer within four months.",
            client_state="Clear about the direction, anxious about money.",
            agreements="Apply to five openings; keep the current job meanwhile.",
            homework="Rewrite the CV around data work done in accounting.",
        ),
        rating=(4, "Useful, a bit rushed at the end."),
    ),
    DemoSession(
        "Alexandra Fedorova", "ekaterina_coach", 17, SessionStatus.DONE, online=True,
        report=MeetingReportDraft(
            what_happened="Mock interview and feedback.",
            client_state="Confident; first applications sent.",
            next_steps="Prepare the test assignment.",
        ),
        rating=(5, ""),
        recording=(RecordingKind.LINK, "https://disk.example.com/superday/alexandra-3.mp4"),
    ),
    # Held three days ago and not reported yet: the overdue report the coach is reminded of.
    DemoSession("Alexandra Fedorova", "ekaterina_coach", 3, SessionStatus.DONE, online=True),
    DemoSession("Alexandra Fedorova", "ekaterina_coach", -2, SessionStatus.PLANNED, online=True),
    DemoSession(
        "Pierre Girard", "julien_coach", 20, SessionStatus.DONE, online=True, minutes=90,
        product="Five coaching sessions",
        report=MeetingReportDraft(
            what_happened="His first month as a team lead; where he still does the work himself.",
            client_state="Tired, doubts he is made for management.",
            agreements="Delegate the release checklist this sprint.",
            homework="Note every time he takes a task back.",
        ),
        rating=(4, "Hard questions, good ones."),
    ),
    DemoSession(
        "Pierre Girard", "julien_coach", 13, SessionStatus.NO_SHOW, online=True,
        product="Five coaching sessions",
    ),
    DemoSession("Pierre Girard", "julien_coach", 9, SessionStatus.CANCELLED, online=True),
    DemoSession(
        "Pierre Girard", "julien_coach", 6, SessionStatus.DONE, online=True,
        product="Five coaching sessions",
        report=MeetingReportDraft(
            what_happened="Reviewed the delegation log: four tasks taken back, two kept away.",
            client_state="Calmer; the team noticed.",
            next_steps="One-to-ones with each team member.",
        ),
        rating=(5, "Merci !"),
    ),
    # A workshop with two clients, still to come.
    DemoSession(
        "Pierre Girard", "julien_coach", -5, SessionStatus.PLANNED, online=True, minutes=120,
        participants=("Olesya Kim",),
    ),
    DemoSession("Olesya Kim", "ekaterina_coach", -1, SessionStatus.PLANNED),
]  # fmt: skip


async def live_session(
    session: AsyncSession,
    told: Untold,
    story: DemoSession,
    staff: dict[str | None, Employee],
    people: dict[str, Client],
    tracks: dict[str, int],
    products: dict[str, Product],
    now: datetime,
) -> None:
    """``story`` as it happened: planned three days before, ended an hour after it began,
    then reported and rated."""
    coach, client = staff[story.coach], people[story.client]
    starts_at = (now - timedelta(days=story.days)).replace(minute=0, second=0, microsecond=0)
    planned_at = min(starts_at, now) - timedelta(days=3)
    meeting = await plan_session(
        session,
        told,
        # The owner plans them: a coach names only clients they already see, and Olesya, who
        # joins one of Julien's, is not his.
        actor=staff["olga_owner"],
        draft=SessionDraft(
            client.id,
            starts_at,
            minutes=story.minutes,
            online=story.online,
            track_id=tracks.get(client.full_name),
            participant_ids=[people[name].id for name in story.participants],
            coach_id=coach.id,
        ),
        now=planned_at,
    )
    if story.product is not None:
        meeting.product_id = products[story.product].id
    if story.status is SessionStatus.PLANNED:
        return
    ended_at = starts_at + timedelta(minutes=story.minutes)
    await end_session(
        session, told, actor=coach, session_id=meeting.id, to=story.status, now=ended_at
    )
    if story.report is not None:
        report = await file_meeting_report(
            session, actor=coach, session_id=meeting.id, draft=story.report
        )
        report.created_at = report.updated_at = ended_at + timedelta(hours=2)
    if story.rating is not None:
        rating, comment = story.rating
        await rate_session(
            session, actor=client, session_id=meeting.id, rating=rating, comment=comment
        )
    if story.recording is not None:
        kind, url = story.recording
        session.add(
            Recording(
                session_id=meeting.id, kind=kind, url=url, added_by_id=coach.id, created_at=ended_at
            )
        )
