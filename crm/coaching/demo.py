"""The demo business's coaching practice: two coaches with profiles and expertise domains, a
programme with stages that a client moves through, products sold, tracks with the client's
steps and the coach's strategy, sessions in every status with meeting reports, ratings and
recordings (crm/coaching/demo_sessions.py), a coach's own reports, and requests still waiting
for an answer.

Everything goes through the services (plans, endings, ratings, reports, stage moves), each at its
own moment before ``now``, so the demo obeys the same rules as the bot and the site; as in the
school's demo, nobody is told of this invented past.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from crm.areas import DemoCast, DemoPeople
from crm.coaching.demo_sessions import SESSIONS, live_session
from crm.coaching.products import save_product, sell_product
from crm.coaching.programs import create_program, move_stage
from crm.coaching.reports import (
    CoachReportDraft,
    file_client_report,
    file_coach_report,
)
from crm.coaching.requests import send_request
from crm.coaching.tracks import add_step, add_strategy, finish_step, open_track
from crm.demo.untold import Untold
from db.enums import ClientStage, ProductKind, Role
from db.models import (
    Client,
    CoachingSession,
    CoachProfile,
    Employee,
    Enrolment,
    ExpertiseDomain,
)

# The practice, its coaches and assistant (a former client), and its clients.
PEOPLE = DemoPeople(
    departments=(
        ("Coaching practice", None, "+74959876543", "Career and leadership coaching, online and in person", False),
    ),
    staff=(
        ("Ekaterina Romanova", "ekaterina_coach", Role.SPECIALIST, "Career coach", "Coaching practice", 10, "95000", "ru"),
        ("Julien Moreau", "julien_coach", Role.SPECIALIST, "Leadership coach", "Coaching practice", 12, "4200", "fr"),
        ("Vera Zaitseva", "vera_helper", Role.HELPER, "Coaching assistant", "Coaching practice", 1, "40000", "ru"),
    ),
    clients=(
        ("Alexandra Fedorova", "+79161230009", "alex_fedorova", "ru", ClientStage.ACTIVE, "From accounting to product analytics", "website", None),
        ("Pierre Girard", "+33612340010", "pgirard", "fr", ClientStage.ACTIVE, "Leading a team for the first time", "referral", None),
        ("Olesya Kim", "+79161230011", "olesya_kim", "ru", ClientStage.CONSULTATION, "Speaking at conferences", "ad", None),
        ("Marc Petit", "+33612340012", "marcpetit", "fr", ClientStage.LEAD, None, "website", None),
        ("Vera Zaitseva", "+79161230013", "vera_z", "ru", ClientStage.FINISHED, "Back to work after parental leave", "referral", None),
    ),
)  # fmt: skip

DOMAINS = ["Career", "Leadership", "Public speaking", "Work-life balance"]


@dataclass(frozen=True)
class DemoCoach:
    username: str
    bio: str
    hourly_rate: str
    availability: str
    domains: Sequence[str]


COACHES = [
    DemoCoach(
        "ekaterina_coach",
        "ICF-certified career coach; ten years in HR at a bank before coaching. Helps people "
        "change profession without starting from zero.",
        "60.00",
        "Mon–Thu 10:00–19:00, online or at the practice",
        ["Career", "Public speaking", "Work-life balance"],
    ),
    DemoCoach(
        "julien_coach",
        "Former engineering manager; coaches first-time team leads and founders in French and "
        "English.",
        "80.00",
        "Tue–Fri 09:00–17:00 (Paris time), online",
        ["Leadership", "Career"],
    ),
]
PROGRAM = ("Career change", ["Diagnosis", "Goal setting", "Action plan", "Results"])
# (name, kind, price, tied to the programme)
PRODUCTS = [
    ("Career change programme", ProductKind.PROGRAM, "900.00", True),
    ("Five coaching sessions", ProductKind.PACKAGE, "300.00", False),
    ("Speaking with confidence", ProductKind.COURSE, "250.00", False),
]


async def seed_coaching(session: AsyncSession, cast: DemoCast, now: datetime) -> dict[str, int]:
    """The practice beside the demo's people (already flushed); returns how many were made."""
    told = Untold("en")
    by_username: dict[str, Employee] = cast.staff
    people: dict[str, Client] = cast.clients
    owner = by_username["olga_owner"]
    domains = {name: ExpertiseDomain(name=name) for name in DOMAINS}
    session.add_all(domains.values())
    for coach in COACHES:
        session.add(
            CoachProfile(
                employee=by_username[coach.username],
                bio=coach.bio,
                hourly_rate=Decimal(coach.hourly_rate),
                availability=coach.availability,
                domains=[domains[name] for name in coach.domains],
            )
        )
    ekaterina, julien = by_username["ekaterina_coach"], by_username["julien_coach"]
    alexandra, pierre = people["Alexandra Fedorova"], people["Pierre Girard"]
    alexandra.coach, pierre.coach = ekaterina, julien
    vera_helper = by_username["vera_helper"]
    people["Vera Zaitseva"].became_employee = vera_helper
    alexandra.helper = vera_helper
    await session.flush()

    name, stages = PROGRAM
    program = await create_program(session, actor=owner, name=name, stages=stages)
    products = {}
    for product_name, kind, price, tied in PRODUCTS:
        products[product_name] = await save_product(
            session,
            actor=owner,
            product_id=None,
            name=product_name,
            kind=kind,
            price=Decimal(price),
            program_id=program.id if tied else None,
        )
    sales = [
        ("Alexandra Fedorova", "Career change programme", 50),
        ("Pierre Girard", "Five coaching sessions", 25),
        ("Olesya Kim", "Speaking with confidence", 4),
        ("Vera Zaitseva", "Five coaching sessions", 240),
    ]
    for client_name, product_name, days in sales:
        await sell_product(
            session,
            actor=owner,
            client_id=people[client_name].id,
            product_id=products[product_name].id,
            now=now - timedelta(days=days),
        )

    tracks = await _tracks(session, ekaterina, julien, alexandra, pierre, now)
    for story in SESSIONS:
        await live_session(session, told, story, by_username, people, tracks, products, now)
    enrolment_id = await session.scalar(
        select(Enrolment.id).where(Enrolment.client_id == alexandra.id)
    )
    assert enrolment_id is not None
    for days, state in [
        (31, "Clear about the direction, anxious about money."),
        (17, "Confident; first applications sent."),
    ]:
        await move_stage(
            session,
            actor=ekaterina,
            enrolment_id=enrolment_id,
            client_state=state,
            now=now - timedelta(days=days),
        )
    await _coach_reports(session, ekaterina, julien, now)
    await _requests(session, told, people, domains, julien, now)
    await session.flush()
    return {"coaches": len(COACHES), "coaching sessions": len(SESSIONS), "products": len(PRODUCTS)}


async def _tracks(
    session: AsyncSession,
    ekaterina: Employee,
    julien: Employee,
    alexandra: Client,
    pierre: Client,
    now: datetime,
) -> dict[str, int]:
    """Each coached client's goal, with their steps (some done) and the coach's strategy."""
    career = await open_track(
        session,
        actor=ekaterina,
        client_id=alexandra.id,
        goal="A junior product analyst offer within four months",
        report_every_days=14,
    )
    career.created_at = now - timedelta(days=31)
    for text, due_in, done_days_ago in [
        ("Finish the SQL course", -20, 20),
        ("Talk to three product analysts", -10, 10),
        ("Apply to five openings", 10, None),
    ]:
        step = await add_step(
            session,
            actor=ekaterina,
            track_id=career.id,
            text=text,
            due=(now + timedelta(days=due_in)).date(),
        )
        if done_days_ago is not None:
            await finish_step(
                session, actor=alexandra, step_id=step.id, now=now - timedelta(days=done_days_ago)
            )
    await add_strategy(
        session,
        actor=ekaterina,
        track_id=career.id,
        text="Build on her rigour; work on the fear of a lower salary before the offers come.",
        now=now - timedelta(days=31),
    )
    await file_client_report(
        session,
        actor=alexandra,
        track_id=career.id,
        progress="SQL course done, two interviews booked. Less afraid than a month ago.",
        now=now - timedelta(days=16),
    )
    team = await open_track(
        session,
        actor=julien,
        client_id=pierre.id,
        goal="Lead the new team without doing its work myself",
        report_every_days=7,
    )
    team.created_at = now - timedelta(days=20)
    await add_step(
        session,
        actor=pierre,
        track_id=team.id,
        text="Weekly one-to-ones with each team member",
        due=(now + timedelta(days=7)).date(),
    )
    await add_strategy(
        session,
        actor=julien,
        track_id=team.id,
        text="Let him find his own style; challenge the perfectionism, not the care.",
        now=now - timedelta(days=20),
    )
    return {alexandra.full_name: career.id, pierre.full_name: team.id}


async def _coach_reports(
    session: AsyncSession, ekaterina: Employee, julien: Employee, now: datetime
) -> None:
    """A coach's report on one session, and another's on last week with a supervision request."""
    first = await session.scalar(
        select(CoachingSession.id)
        .where(CoachingSession.coach_id == ekaterina.id)
        .order_by(CoachingSession.starts_at)
    )
    assert first is not None
    report = await file_coach_report(
        session,
        actor=ekaterina,
        session_id=first,
        draft=CoachReportDraft(
            preparation="Read her intake form; prepared the values exercise.",
            results="She named what she wants to keep from accounting.",
            self_reflection="I pushed for a decision too early.",
            development_tasks="Hold the pause longer before offering a tool.",
        ),
    )
    report.created_at = report.updated_at = now - timedelta(days=44)
    week_end = (now - timedelta(days=now.weekday() + 1)).date()
    report = await file_coach_report(
        session,
        actor=julien,
        period=(week_end - timedelta(days=6), week_end),
        draft=CoachReportDraft(
            results="Two sessions held, one no-show.",
            self_reflection="I felt irritated by the no-show and it showed in my next message.",
            development_tasks="Agree a no-show rule at the first session with every client.",
            supervision_request="A client who misses sessions but says coaching helps him.",
        ),
    )
    report.created_at = report.updated_at = now - timedelta(days=2)


async def _requests(
    session: AsyncSession,
    told: Untold,
    people: dict[str, Client],
    domains: dict[str, ExpertiseDomain],
    julien: Employee,
    now: datetime,
) -> None:
    """Requests still waiting: one to any coach of a domain, one to a coach by name."""
    await send_request(
        session,
        told,
        actor=people["Olesya Kim"],
        coach_id=None,
        domain_id=domains["Public speaking"].id,
        preferred_at=_at(now + timedelta(days=4), 18),
        message="I freeze before every talk. Could we meet in the evening?",
        now=now - timedelta(hours=5),
    )
    await send_request(
        session,
        told,
        actor=people["Marc Petit"],
        coach_id=julien.id,
        domain_id=domains["Leadership"].id,
        preferred_at=_at(now + timedelta(days=6), 9),
        message="Co-founder of a start-up of eight people; we keep arguing about roles.",
        now=now - timedelta(days=1),
    )


def _at(day: datetime, hour: int) -> datetime:
    return day.replace(hour=hour, minute=0, second=0, microsecond=0)
