"""Coaching sessions and requests through the services, on a real database: a request accepted
into a session, planning and its refusals, a session done under a contract using up a lesson,
the client's rating, and who sees which session."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any, TypeVar

import pytest
from sqlalchemy import select

from bot.sandbox.telegram import FakeTelegram
from crm.coaching.requests import accept_request, pending_requests, refuse_request, send_request
from crm.coaching.rules import actions
from crm.coaching.sessions import (
    VIDEO_ROOM_BASE,
    SessionDraft,
    comment_on_rating,
    end_session,
    plan_session,
    rate_session,
    session_for,
    upcoming_sessions,
)
from crm.errors import InvalidInput, NotFound, PermissionDenied
from crm.notify import Notifier
from crm.people.staff_search import StaffRef
from crm.school.contracts import ContractDraft, assign_teacher, record_payment, sign_contract
from db.engine import Database
from db.enums import SessionStatus
from db.models import (
    Client,
    CoachProfile,
    Contract,
    Employee,
    ExpertiseDomain,
    OutboxMessage,
)
from notifications.scheduler import send_reminders
from tests.support.desk import IVAN, MARIA, People, add_people, set_coach
from tests.support.school import School, add_school

NOTIFIER = Notifier("en", "EUR")
NOW = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)
T = TypeVar("T")


@pytest.fixture
async def people(database: Database) -> People:
    found = await add_people(database, FakeTelegram("1:t"))
    async with database.writer() as session, session.begin():
        career = ExpertiseDomain(name="Career")
        session.add(career)
        await session.flush()
        profile = CoachProfile(employee_id=found.ivan.id, bio="Ten years in HR", domains=[])
        session.add(profile)
        await session.flush()
        await session.refresh(profile, ["domains"])
        profile.domains = [career]
    await set_coach(database, found.ivan, found.maria, found.bob)
    return found


async def as_person(
    database: Database,
    kind: type[Employee] | type[Client],
    person_id: int,
    action: Callable[[Any, Any], Awaitable[T]],
) -> T:
    async with database.writer() as session, session.begin():
        actor = await session.get(kind, person_id)
        assert actor is not None
        return await action(session, actor)


def ended(
    session_id: int, to: SessionStatus, now: datetime = NOW
) -> Callable[[Any, Any], Awaitable[Any]]:
    """Ending a session as the person ``as_person`` acts as."""
    return lambda session, me: end_session(
        session, NOTIFIER, actor=me, session_id=session_id, to=to, now=now
    )


async def told(database: Database, chat_id: int) -> list[str]:
    async with database.reader() as session:
        rows = await session.scalars(
            select(OutboxMessage).where(OutboxMessage.chat_id == chat_id).order_by(OutboxMessage.id)
        )
        return [row.payload["text"] for row in rows]


async def domain_id(database: Database) -> int:
    async with database.reader() as session:
        found = await session.scalar(select(ExpertiseDomain.id))
    assert found is not None
    return int(found)


async def test_a_request_is_accepted_into_a_planned_session_and_both_are_told(
    database: Database, people: People
) -> None:
    preferred = NOW + timedelta(days=2, hours=9)
    career = await domain_id(database)
    with pytest.raises(InvalidInput, match="choose a domain or a coach"):
        await as_person(
            database,
            Client,
            people.maria.id,
            lambda session, maria: send_request(
                session,
                NOTIFIER,
                actor=maria,
                coach_id=None,
                domain_id=None,
                preferred_at=preferred,
                message="",
                now=NOW,
            ),
        )
    request = await as_person(
        database,
        Client,
        people.maria.id,
        lambda session, maria: send_request(
            session,
            NOTIFIER,
            actor=maria,
            coach_id=None,
            domain_id=career,
            preferred_at=preferred,
            message="I want a new job",
            now=NOW,
        ),
    )
    assert (await told(database, IVAN))[-1].startswith("🙋 Coaching request #1 from Maria Lopez.")
    # Tom has no coach profile: the request is not his to see.
    with pytest.raises(PermissionDenied):
        await as_person(
            database,
            Employee,
            people.pavel.id,
            lambda session, pavel: pending_requests(session, actor=pavel),
        )
    waiting = await as_person(
        database,
        Employee,
        people.ivan.id,
        lambda session, ivan: pending_requests(session, actor=ivan),
    )
    assert [r.id for r in waiting] == [request.id]
    accepted = await as_person(
        database,
        Employee,
        people.ivan.id,
        lambda session, ivan: accept_request(
            session, NOTIFIER, actor=ivan, request_id=request.id, now=NOW, online=True
        ),
    )
    assert accepted.session is not None
    messages = await told(database, MARIA)
    assert messages[0].startswith(
        "📅 Session #1 with Ivan Kuznetsov: 12/4/26, 6:00\u202fPM, 60 min."
    )
    assert f"Online: {VIDEO_ROOM_BASE}" in messages[0]
    assert messages[1] == (
        "✅ Ivan Kuznetsov accepted your request #1: session #1 on 12/4/26, 6:00\u202fPM."
    )
    with pytest.raises(InvalidInput, match="already answered"):
        await as_person(
            database,
            Employee,
            people.ivan.id,
            lambda session, ivan: refuse_request(
                session, NOTIFIER, actor=ivan, request_id=request.id, comment="no", now=NOW
            ),
        )


async def test_a_refusal_says_why_and_the_client_hears_it(
    database: Database, people: People
) -> None:
    career = await domain_id(database)
    request = await as_person(
        database,
        Client,
        people.bob.id,
        lambda session, bob: send_request(
            session,
            NOTIFIER,
            actor=bob,
            coach_id=people.ivan.id,
            domain_id=career,
            preferred_at=None,
            message="",
            now=NOW,
        ),
    )

    def refuse(comment: str) -> Callable[[Any, Any], Awaitable[Any]]:
        return lambda session, ivan: refuse_request(
            session, NOTIFIER, actor=ivan, request_id=request.id, comment=comment, now=NOW
        )

    with pytest.raises(InvalidInput, match="say why"):
        await as_person(database, Employee, people.ivan.id, refuse(" "))
    await as_person(database, Employee, people.ivan.id, refuse("fully booked until March"))
    assert (await told(database, 7002))[-1] == (
        "Ivan Kuznetsov cannot take your request #1: fully booked until March"
    )


@pytest.mark.parametrize(
    ("starts_in", "minutes", "problem"),
    [
        (timedelta(days=-400), 60, "at most a year back"),
        (timedelta(days=400), 60, "at most a year ahead"),
        (timedelta(days=1), 5, "from 15 to 480 minutes"),
        (timedelta(days=1), 10**6, "from 15 to 480 minutes"),
    ],
)
async def test_a_session_out_of_bounds_is_refused_and_nothing_is_planned(
    database: Database, people: People, starts_in: timedelta, minutes: int, problem: str
) -> None:
    with pytest.raises(InvalidInput, match=problem):
        await as_person(
            database,
            Employee,
            people.ivan.id,
            lambda session, ivan: plan_session(
                session,
                NOTIFIER,
                actor=ivan,
                draft=SessionDraft(people.maria.id, NOW + starts_in, minutes),
                now=NOW,
            ),
        )
    assert await told(database, MARIA) == []


async def test_a_session_done_under_a_contract_uses_up_one_of_its_lessons_and_is_rated(
    database: Database, people: People
) -> None:
    school: School = await add_school(database, people)
    async with database.writer() as session, session.begin():
        maria = await session.get(Client, people.maria.id)
        anna = await session.get(Employee, people.anna.id)
        assert maria is not None and anna is not None
        contract = await sign_contract(
            session,
            NOTIFIER,
            actor=maria,
            client=maria,
            draft=ContractDraft(school.english.id, 8, school.left_bank.id),
            now=NOW,
        )
        await record_payment(
            session, NOTIFIER, actor=anna, contract_id=contract.id, amount=None, now=NOW
        )
        await assign_teacher(
            session,
            NOTIFIER,
            actor=anna,
            contract_id=contract.id,
            teacher=StaffRef(username="ivan"),
            now=NOW,
        )
    lesson = await as_person(
        database,
        Employee,
        people.ivan.id,
        lambda session, ivan: plan_session(
            session,
            NOTIFIER,
            actor=ivan,
            draft=SessionDraft(
                people.maria.id, NOW + timedelta(days=1), 45, contract_id=contract.id
            ),
            now=NOW,
        ),
    )
    with pytest.raises(InvalidInput, match="only a session that took place"):
        await as_person(
            database,
            Client,
            people.maria.id,
            lambda session, maria: rate_session(
                session, actor=maria, session_id=lesson.id, rating=5
            ),
        )
    # Another teacher may not end it; Ivan, its teacher, may.
    with pytest.raises(NotFound):
        await as_person(database, Employee, people.tom.id, ended(lesson.id, SessionStatus.DONE))
    await as_person(
        database, Employee, people.ivan.id, ended(lesson.id, SessionStatus.DONE, lesson.starts_at)
    )
    async with database.reader() as session:
        after = await session.get(Contract, contract.id)
        assert after is not None and after.lessons_given == 1
        assert after.paid == Decimal("160.00")  # 8 lessons, below every discount tier
    with pytest.raises(InvalidInput, match="already done"):
        await as_person(
            database, Employee, people.ivan.id, ended(lesson.id, SessionStatus.CANCELLED)
        )

    def rate(rating: int) -> Callable[[Any, Any], Awaitable[Any]]:
        return lambda session, maria: rate_session(
            session, actor=maria, session_id=lesson.id, rating=rating
        )

    for rating in (0, 6):
        with pytest.raises(InvalidInput, match="from 1 to 5"):
            await as_person(database, Client, people.maria.id, rate(rating))
    with pytest.raises(NotFound):  # Bob took no part: the session does not exist for him
        await as_person(
            database,
            Client,
            people.bob.id,
            lambda session, bob: rate_session(session, actor=bob, session_id=lesson.id, rating=1),
        )
    rated = await as_person(
        database,
        Client,
        people.maria.id,
        lambda session, maria: rate_session(
            session, actor=maria, session_id=lesson.id, rating=5, comment="Clear <and> kind"
        ),
    )
    assert (rated.rating, rated.comment) == (5, "Clear <and> kind")


async def test_each_role_sees_the_sessions_the_rule_allows(
    database: Database, people: People
) -> None:
    planned = await as_person(
        database,
        Employee,
        people.ivan.id,
        lambda session, ivan: plan_session(
            session,
            NOTIFIER,
            actor=ivan,
            draft=SessionDraft(
                people.maria.id, NOW + timedelta(days=3), participant_ids=[people.bob.id]
            ),
            now=NOW,
        ),
    )
    seen = {}
    for name, kind, person_id in (
        ("ivan", Employee, people.ivan.id),
        ("tom", Employee, people.tom.id),
        ("anna", Employee, people.anna.id),
        ("pavel", Employee, people.pavel.id),  # Maria's helper
        ("maria", Client, people.maria.id),
        ("bob", Client, people.bob.id),  # a participant
    ):
        found = await as_person(
            database,
            kind,
            person_id,
            lambda session, me: upcoming_sessions(session, actor=me, now=NOW),
        )
        seen[name] = [meeting.id for meeting in found]
    assert seen == {
        "ivan": [planned.id],
        "tom": [],
        "anna": [planned.id],
        "pavel": [planned.id],
        "maria": [planned.id],
        "bob": [planned.id],
    }
    with pytest.raises(NotFound):
        await as_person(
            database,
            Employee,
            people.tom.id,
            lambda session, tom: session_for(session, actor=tom, session_id=planned.id),
        )
    # Both clients were told of the session.
    assert (await told(database, MARIA))[-1].startswith("📅 Session #1")
    assert (await told(database, 7002))[-1].startswith("📅 Session #1")


async def test_reminders_come_a_day_and_an_hour_before_once_each_and_never_when_cancelled(
    database: Database, people: People
) -> None:
    start = NOW + timedelta(hours=30)

    def plan(at: datetime) -> Callable[[Any, Any], Awaitable[Any]]:
        return lambda session, ivan: plan_session(
            session, NOTIFIER, actor=ivan, draft=SessionDraft(people.maria.id, at), now=NOW
        )

    kept = await as_person(database, Employee, people.ivan.id, plan(start))
    dropped = await as_person(database, Employee, people.ivan.id, plan(start + timedelta(hours=1)))
    await as_person(database, Employee, people.ivan.id, ended(dropped.id, SessionStatus.CANCELLED))

    async def remind(at: datetime) -> int:
        return await send_reminders(database, NOTIFIER, now=at)

    assert await remind(NOW) == 0  # 30 hours ahead: nothing yet
    assert await remind(start - timedelta(hours=23)) == 2  # Maria and Ivan
    assert await remind(start - timedelta(hours=22)) == 0  # a later run adds nothing
    assert await remind(start - timedelta(minutes=30)) == 2  # the hour-before ones
    assert await remind(start - timedelta(minutes=5)) == 0
    reminders = [text for text in await told(database, MARIA) if text.startswith("⏰")]
    assert (
        reminders
        == ["⏰ Reminder: session #1 at 12/3/26, 3:00\u202fPM, 60 min.\nCoach: Ivan Kuznetsov"] * 2
    )
    assert not any(f"#{dropped.id} at" in text for text in await told(database, IVAN))

    # Held, and no report the day after: the coach is asked for it, once.
    await as_person(database, Employee, people.ivan.id, ended(kept.id, SessionStatus.DONE, start))
    assert await remind(start + timedelta(hours=23)) == 0
    assert await remind(start + timedelta(days=1, minutes=1)) == 1
    assert await remind(start + timedelta(days=1, minutes=2)) == 0
    assert (await told(database, IVAN))[-1] == (
        "📝 Session #1 with Maria Lopez on 12/3/26, 3:00\u202fPM has no report yet: /report 1"
    )


def can(session_id: int, at: datetime) -> Callable[[Any, Any], Awaitable[frozenset[str]]]:
    """What the person ``as_person`` acts as may do with the session at ``at`` (bot and site)."""

    async def allowed(session: Any, me: Any) -> frozenset[str]:
        meeting = await session_for(session, actor=me, session_id=session_id)
        return actions(me, meeting, at)

    return allowed


async def test_a_session_is_held_or_missed_only_once_it_has_started_and_rated_only_then(
    database: Database, people: People
) -> None:
    start = NOW + timedelta(days=9)
    planned = await as_person(
        database,
        Employee,
        people.ivan.id,
        lambda session, ivan: plan_session(
            session, NOTIFIER, actor=ivan, draft=SessionDraft(people.maria.id, start), now=NOW
        ),
    )
    # Before its start: neither offered (bot and site read ``actions``) nor accepted.
    assert await as_person(database, Employee, people.ivan.id, can(planned.id, NOW)) == {
        "cancel",
        "edit",
    }
    assert await as_person(database, Employee, people.anna.id, can(planned.id, NOW)) == {
        "cancel",
        "edit",
        "delete",
    }
    for to in (SessionStatus.DONE, SessionStatus.NO_SHOW):
        with pytest.raises(InvalidInput, match=f"session #{planned.id} has not started yet"):
            await as_person(database, Employee, people.ivan.id, ended(planned.id, to, NOW))
    with pytest.raises(InvalidInput, match="has not started yet"):
        await as_person(
            database, Employee, people.ivan.id, ended(planned.id, SessionStatus.DONE, start - ONE)
        )
    assert not [text for text in await told(database, MARIA) if text.startswith("⭐")]
    assert (await as_person(database, Client, people.maria.id, session_of(planned.id))).status is (
        SessionStatus.PLANNED
    )

    # From its start on: held or missed, and then the client is asked for a rating.
    assert await as_person(database, Employee, people.ivan.id, can(planned.id, start)) == {
        "done",
        "noshow",
        "cancel",
        "edit",
    }
    await as_person(
        database, Employee, people.ivan.id, ended(planned.id, SessionStatus.DONE, start)
    )
    assert (await told(database, MARIA))[-1].startswith(f"⭐ How was session #{planned.id}")
    assert await as_person(database, Employee, people.ivan.id, can(planned.id, start)) == {
        "report",
        "coachreport",
    }


ONE = timedelta(seconds=1)


def session_of(session_id: int) -> Callable[[Any, Any], Awaitable[Any]]:
    return lambda session, me: session_for(session, actor=me, session_id=session_id)


async def test_a_session_that_already_happened_is_recorded_with_nothing_reminded(
    database: Database, people: People
) -> None:
    yesterday = NOW - timedelta(days=1)
    held = await as_person(
        database,
        Employee,
        people.ivan.id,
        lambda session, ivan: plan_session(
            session,
            NOTIFIER,
            actor=ivan,
            draft=SessionDraft(people.maria.id, yesterday, participant_ids=[people.bob.id]),
            now=NOW,
        ),
    )
    assert held.status is SessionStatus.PLANNED and held.starts_at == yesterday
    # Nobody is told of it nor reminded of it, however the reminders run.
    assert await send_reminders(database, NOTIFIER, now=NOW) == 0
    assert await send_reminders(database, NOTIFIER, now=NOW + timedelta(minutes=1)) == 0
    async with database.reader() as session:
        assert list(await session.scalars(select(OutboxMessage))) == []
    # It can be marked held at once; then the clients are asked for their rating.
    assert "done" in await as_person(database, Employee, people.ivan.id, can(held.id, NOW))
    await as_person(database, Employee, people.ivan.id, ended(held.id, SessionStatus.DONE))
    assert (await told(database, MARIA))[-1].startswith(f"⭐ How was session #{held.id}")
    assert (await told(database, 7002))[-1].startswith(f"⭐ How was session #{held.id}")


async def test_the_star_pressed_is_the_rating_and_a_comment_is_added_to_it(
    database: Database, people: People
) -> None:
    held = await as_person(
        database,
        Employee,
        people.ivan.id,
        lambda session, ivan: plan_session(
            session,
            NOTIFIER,
            actor=ivan,
            draft=SessionDraft(
                people.maria.id, NOW - timedelta(hours=2), participant_ids=[people.bob.id]
            ),
            now=NOW,
        ),
    )
    await as_person(database, Employee, people.ivan.id, ended(held.id, SessionStatus.DONE))

    def comment(text: str) -> Callable[[Any, Any], Awaitable[Any]]:
        return lambda session, me: comment_on_rating(
            session, actor=me, session_id=held.id, comment=text
        )

    with pytest.raises(InvalidInput, match=f"rate session #{held.id} first"):
        await as_person(database, Client, people.bob.id, comment("Great"))
    await as_person(
        database,
        Client,
        people.bob.id,
        lambda session, bob: rate_session(session, actor=bob, session_id=held.id, rating=4),
    )
    with pytest.raises(InvalidInput, match="must not be empty"):
        await as_person(database, Client, people.bob.id, comment("  "))
    await as_person(database, Client, people.bob.id, comment("Great <group>"))
    meeting = await as_person(database, Client, people.bob.id, session_of(held.id))
    assert (meeting.rating, meeting.comment) == (None, None)  # Maria's: she has not rated
    [bob] = meeting.participants
    assert (bob.rating, bob.comment) == (4, "Great <group>")
