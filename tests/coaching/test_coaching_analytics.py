"""The reports built from the coaching records, through the admin site on a real database: each
figure on the pages and in the CSVs is checked against an answer this test computes itself,
in plain Python over the rows it inserted (never by asking crm/coaching/periods.py); who sees
which figures; bad filters; and a session done, reported and rated showing on the next request.

The business runs on Vladivostok time (UTC+10, no daylight saving), so a period's days are not
UTC's days: a session at 00:30 there on the period's first day is in it, one at 23:30 the day
before is not."""

from __future__ import annotations

import csv
import io
import re
import statistics
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import select

from bot.sandbox.telegram import FakeTelegram
from crm.coaching.programs import move_stage
from crm.coaching.reports import MeetingReportDraft, file_meeting_report
from crm.coaching.sessions import end_session, rate_session
from crm.notify import Notifier
from crm.settings import Settings
from db.base import utcnow
from db.engine import Database
from db.enums import ContractStatus, PaymentMethod, ProductKind, SessionStatus
from db.models import (
    Client,
    ClientProduct,
    ClientReport,
    ClientStep,
    CoachingSession,
    CoachProfile,
    CoachReport,
    Contract,
    Employee,
    Enrolment,
    Lesson,
    MeetingReport,
    Payment,
    Product,
    Program,
    ProgramStage,
    SessionParticipant,
    StageMove,
    Track,
)
from tests.support.desk import People, add_people
from tests.support.school import School, add_school
from tests.support.site import Client as SiteClient
from tests.support.site import give_logins, sign_in

SECRET = "test-secret-key"
ZONE = ZoneInfo("Asia/Vladivostok")
S = SessionStatus
CENT = Decimal("0.01")


def cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass
class Meeting:
    """What the test inserted for one session, to compute the answers from."""

    id: int
    coach: str
    client: str
    status: SessionStatus
    starts_at: datetime
    minutes: int
    contract: bool = False
    product: bool = False
    ratings: list[int] = field(default_factory=list)
    participants: list[str] = field(default_factory=list)
    reported: bool = False


@dataclass
class World:
    people: People
    school: School
    now: datetime
    first: date  # the period's first and last days, in ZONE
    last: date
    meetings: list[Meeting]
    rates: dict[str, Decimal]
    contract_total: Decimal
    contract_lessons: int
    sales: list[tuple[str, str, Decimal, datetime]]  # client, seller, price, when
    stays: dict[str, list[tuple[str, datetime, datetime | None]]]  # client -> stage, from, to
    stage_ids: dict[str, int]
    chen: Client
    track_id: int
    enrolments: dict[str, int]
    ids: dict[str, int] = field(default_factory=dict)


def local(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), ZONE)


@pytest.fixture
async def world(database: Database) -> World:
    people = await add_people(database, FakeTelegram("1:t"))
    school = await add_school(database, people)
    now = utcnow()
    today = now.astimezone(ZONE).date()
    first, last = today - timedelta(days=20), today + timedelta(days=5)
    rates = {"ivan": Decimal("60.00"), "tom": Decimal("45.50")}
    meetings: list[Meeting] = []
    async with database.writer() as session, session.begin():
        ivan = await session.get(Employee, people.ivan.id)
        tom = await session.get(Employee, people.tom.id)
        assert ivan is not None and tom is not None
        ivan.department_id = people.repair.id
        tom.department_id = school.left_bank.id
        session.add_all(
            [
                CoachProfile(employee_id=ivan.id, hourly_rate=rates["ivan"]),
                CoachProfile(employee_id=tom.id, hourly_rate=rates["tom"]),
            ]
        )
        chen = Client(full_name="Chen Wei", phone="+8613800000000")
        session.add(chen)
        contract = Contract(
            client_id=people.bob.id,
            language_id=school.english.id,
            lessons=3,
            price_per_lesson=Decimal("100.00"),
            discount_percent=Decimal(0),
            total=Decimal("250.00"),
            status=ContractStatus.ACTIVE,
            signed_at=now - timedelta(days=30),
            teacher_id=ivan.id,
        )
        package = Product(name="Career package", kind=ProductKind.PACKAGE, price=Decimal("300"))
        session.add_all([contract, package])
        await session.flush()
        clients = {"maria": people.maria.id, "bob": people.bob.id, "chen": chen.id}
        coaches = {"ivan": ivan.id, "tom": tom.id}

        async def meeting(
            coach: str,
            client: str,
            status: SessionStatus,
            starts_at: datetime,
            minutes: int = 60,
            *,
            contract_used: bool = False,
            product: bool = False,
            rating: int | None = None,
            participants: dict[str, int | None] | None = None,
            report: str | None = None,
        ) -> Meeting:
            row = CoachingSession(
                client_id=clients[client],
                coach_id=coaches[coach],
                status=status,
                starts_at=starts_at,
                minutes=minutes,
                contract_id=contract.id if contract_used else None,
                product_id=package.id if product else None,
                rating=rating,
            )
            session.add(row)
            await session.flush()
            ratings = [] if rating is None else [rating]
            for who, given in (participants or {}).items():
                session.add(
                    SessionParticipant(session_id=row.id, client_id=clients[who], rating=given)
                )
                if given is not None:
                    ratings.append(given)
            if report is not None:
                session.add(
                    MeetingReport(session_id=row.id, author_id=coaches[coach], what_happened=report)
                )
            made = Meeting(
                row.id,
                coach,
                client,
                status,
                starts_at,
                minutes,
                contract_used,
                product,
                ratings,
                list(participants or {}),
                report is not None,
            )
            meetings.append(made)
            return made

        def day(back: int) -> date:
            return today - timedelta(days=back)

        await meeting(
            "ivan",
            "maria",
            S.DONE,
            local(day(10), 10),
            rating=5,
            participants={"bob": 4},
            report="Talked about the CV",
        )
        await meeting("ivan", "maria", S.DONE, local(day(5), 10), 90, product=True, rating=3)
        await meeting(
            "ivan", "bob", S.DONE, local(day(3), 9), 45, contract_used=True, report="Verbs"
        )
        await meeting("ivan", "bob", S.NO_SHOW, local(day(2), 9))
        await meeting("ivan", "maria", S.CANCELLED, local(day(1), 9))
        await meeting("ivan", "maria", S.PLANNED, local(today + timedelta(days=2), 9))
        await meeting("tom", "bob", S.DONE, local(day(4), 18), 30, contract_used=True, rating=4)
        # Held two hours ago: its report is not overdue yet.
        await meeting("tom", "bob", S.DONE, now - timedelta(hours=2), participants={"maria": None})
        # The period's first minutes, and the last ones of the day before (not in the period).
        await meeting("ivan", "maria", S.DONE, local(first, 0, 30), rating=2)
        await meeting("ivan", "maria", S.DONE, local(first - timedelta(days=1), 23, 30), rating=1)

        # What coaches asked for in their own reports: two in the period, one before.
        for text, supervision, created in (
            ("Read Yalom", "A hard case with M.", now - timedelta(days=6)),
            ("Practise silence", None, now - timedelta(days=1)),
            ("Old task", "Old supervision", local(first - timedelta(days=3), 12)),
        ):
            session.add(
                CoachReport(
                    coach_id=ivan.id,
                    development_tasks=text,
                    supervision_request=supervision,
                    self_reflection="Private reflection",
                    created_at=created,
                )
            )

        sales = [
            ("maria", "ivan", Decimal("300.00"), now - timedelta(days=7)),
            ("chen", "anna", Decimal("250.00"), now - timedelta(days=1)),
            ("bob", "tom", Decimal("280.00"), local(first - timedelta(days=2), 12)),
        ]
        sellers = {"ivan": ivan.id, "tom": tom.id, "anna": people.anna.id}
        for client, seller, price, when in sales:
            session.add(
                ClientProduct(
                    client_id=clients[client],
                    product_id=package.id,
                    price=price,
                    bought_at=when,
                    sold_by_id=sellers[seller],
                )
            )

        track = Track(client_id=people.maria.id, coach_id=ivan.id, goal="Find a new job")
        track.steps = [
            ClientStep(text="Write the CV", done_at=now - timedelta(days=9)),
            ClientStep(text="Send it to 5 firms", done_at=now - timedelta(days=4)),
            ClientStep(text="Interviews"),
        ]
        session.add(track)
        await session.flush()
        session.add_all(
            [
                ClientReport(
                    track_id=track.id,
                    author_client_id=people.maria.id,
                    progress="Sent 5 CVs",
                    created_at=now - timedelta(days=3),
                ),
                ClientReport(
                    track_id=track.id,
                    author_client_id=people.maria.id,
                    progress="Thinking it over",
                    created_at=local(first - timedelta(days=4), 12),
                ),
            ]
        )

        program = Program(name="Leadership")
        program.stages = [
            ProgramStage(position=1, name="Discovery"),
            ProgramStage(position=2, name="Practice"),
            ProgramStage(position=3, name="Integration"),
        ]
        session.add(program)
        await session.flush()
        stage_ids = {stage.name: stage.id for stage in program.stages}
        history = {
            "maria": [("Discovery", 10), ("Practice", 6), ("Integration", 1)],
            "bob": [("Discovery", 8), ("Practice", 2)],
            "chen": [("Discovery", 12)],
        }
        stays: dict[str, list[tuple[str, datetime, datetime | None]]] = {}
        enrolments = {}
        for client, moves in history.items():
            times = [now - timedelta(days=back) for _, back in moves]
            enrolment = Enrolment(
                client_id=clients[client],
                program_id=program.id,
                stage_id=stage_ids[moves[-1][0]],
                started_at=times[0],
            )
            previous = None
            for (stage, _), at in zip(moves, times, strict=True):
                enrolment.moves.append(
                    StageMove(
                        from_stage_id=previous,
                        to_stage_id=stage_ids[stage],
                        at=at,
                        client_state=f"{client} at {stage}",
                    )
                )
                previous = stage_ids[stage]
            session.add(enrolment)
            await session.flush()
            enrolments[client] = enrolment.id
            ends: list[datetime | None] = [*times[1:], None]
            stays[client] = [
                (stage, at, end) for (stage, _), at, end in zip(moves, times, ends, strict=True)
            ]
    await give_logins(database, people.anna, people.ivan, people.tom, people.pavel)
    return World(
        people,
        school,
        now,
        first,
        last,
        meetings,
        rates,
        Decimal("250.00"),
        3,
        sales,
        stays,
        stage_ids,
        chen,
        track.id,
        enrolments,
    )


@pytest.fixture
async def site(database: Database, world: World) -> AsyncIterator[SiteClient]:
    app = create_app_for(database)
    async with TestClient(TestServer(app)) as client:
        yield client


def create_app_for(database: Database) -> Any:
    from web.app import create_app

    return create_app(Settings(_env_file=None, timezone=str(ZONE)), database, secret_key=SECRET)


def period_query(world: World) -> str:
    return f"from={world.first.isoformat()}&to={world.last.isoformat()}"


def in_period(world: World, moment: datetime) -> bool:
    return world.first <= moment.astimezone(ZONE).date() <= world.last


async def csv_rows(site: SiteClient, path: str) -> list[dict[str, str]]:
    response = await site.get(path)
    text = await response.text()
    assert response.status == 200, text
    assert response.headers["Content-Type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(text)))


def cell(page: str, row_marker: str, css: str) -> str:
    """The text of the cell with class ``css`` in the row marked ``row_marker``."""
    row = page[page.index(row_marker) :].split("</tr>")[0]
    found = re.search(rf'class="{css}">(.*?)</td>', row, re.DOTALL)
    assert found, (row_marker, css)
    return found.group(1).strip()


# Per coach ----------------------------------------------------------------------------------


def expected_coach(world: World, coach: str) -> dict[str, Any]:
    """The coach's figures, from the rows inserted."""
    mine = [m for m in world.meetings if m.coach == coach and in_period(world, m.starts_at)]
    held = [m for m in mine if m.status is S.DONE]
    ratings = [rating for m in held for rating in m.ratings]
    overdue = [m for m in held if not m.reported and m.starts_at <= world.now - timedelta(days=1)]
    return {
        "held": len(held),
        "hours": cents(Decimal(sum(m.minutes for m in held)) / 60),
        "no_shows": sum(m.status is S.NO_SHOW for m in mine),
        "cancelled": sum(m.status is S.CANCELLED for m in mine),
        "planned": sum(m.status is S.PLANNED for m in mine),
        "rating": cents(Decimal(sum(ratings)) / len(ratings)) if ratings else None,
        "ratings": len(ratings),
        "filed": sum(m.reported for m in held),
        "overdue": len(overdue),
    }


async def test_the_coaches_report_and_its_csv_give_each_coachs_figures(
    site: SiteClient, world: World
) -> None:
    await sign_in(site, "anna")
    ivan, tom = world.people.ivan.id, world.people.tom.id
    rows = {
        int(row["coach_id"]): row
        for row in await csv_rows(site, f"/reports/coaches.csv?{period_query(world)}")
    }
    assert set(rows) == {ivan, tom}
    for name, coach_id in (("ivan", ivan), ("tom", tom)):
        want, got = expected_coach(world, name), rows[coach_id]
        assert int(got["held"]) == want["held"]
        assert Decimal(got["hours"]) == want["hours"]
        assert int(got["no_shows"]) == want["no_shows"]
        assert int(got["cancelled"]) == want["cancelled"]
        assert int(got["planned"]) == want["planned"]
        assert got["average_rating"] == ("" if want["rating"] is None else str(want["rating"]))
        assert int(got["ratings"]) == want["ratings"]
        assert int(got["reports_filed"]) == want["filed"]
        assert int(got["reports_overdue"]) == want["overdue"]
    # Ivan's own reports: two in the period ask for development, one for supervision.
    assert rows[ivan]["development_tasks"] == "2"
    assert rows[ivan]["latest_development_task"] == "Practise silence"
    assert rows[ivan]["supervision_requests"] == "1"
    assert rows[ivan]["latest_supervision_request"] == "A hard case with M."
    assert rows[tom]["development_tasks"] == "0"

    page = await (await site.get(f"/reports/coaches?{period_query(world)}")).text()
    want = expected_coach(world, "ivan")
    assert cell(page, f'data-coach="{ivan}"', "held") == str(want["held"])
    assert cell(page, f'data-coach="{ivan}"', "overdue") == str(want["overdue"])
    assert cell(page, f'data-coach="{ivan}"', "rating").startswith(str(want["rating"].normalize()))
    assert "<svg" in page and "<title" in page and "<script" not in page.split("<svg")[1]


async def test_the_default_period_is_this_month(site: SiteClient, world: World) -> None:
    await sign_in(site, "anna")
    today = world.now.astimezone(ZONE).date()
    rows = await csv_rows(site, "/reports/coaches.csv")
    assert {(row["from"], row["to"]) for row in rows} == {
        (today.replace(day=1).isoformat(), max_day_of_month(today).isoformat())
    }


def max_day_of_month(day: date) -> date:
    following = (day.replace(day=28) + timedelta(days=4)).replace(day=1)
    return following - timedelta(days=1)


async def test_a_coach_sees_only_their_own_row_and_a_helper_none(
    site: SiteClient, world: World
) -> None:
    await sign_in(site, "ivan")
    rows = await csv_rows(site, f"/reports/coaches.csv?{period_query(world)}")
    assert [int(row["coach_id"]) for row in rows] == [world.people.ivan.id]
    page = await (await site.get(f"/reports/coaches?{period_query(world)}")).text()
    assert "Tom Baker" not in page

    site.session.cookie_jar.clear()
    await sign_in(site, "tom")
    rows = await csv_rows(site, f"/reports/coaches.csv?{period_query(world)}")
    assert [int(row["coach_id"]) for row in rows] == [world.people.tom.id]
    assert rows[0]["latest_development_task"] == ""

    site.session.cookie_jar.clear()
    await sign_in(site, "pavel")
    for path in ("/reports/coaches", "/reports/coaches.csv", "/reports/coaches?from=nonsense"):
        response = await site.get(path)
        assert response.status == 403, path
        assert "Ivan" not in await response.text()
    overview = await (await site.get("/reports/overview")).text()
    assert "/reports/coaches" not in overview and "/reports/period" not in overview
    assert "/reports/programs" in overview and "/reports/clients" in overview


# Per programme ------------------------------------------------------------------------------


def expected_stages(world: World, clients: set[str]) -> dict[str, dict[str, Any]]:
    stages: dict[str, dict[str, Any]] = {
        name: {"now": 0, "days": [], "ongoing": 0} for name in world.stage_ids
    }
    for client, stays in world.stays.items():
        if client not in clients:
            continue
        stages[stays[-1][0]]["now"] += 1
        for stage, start, end in stays:
            stages[stage]["days"].append(((end or world.now) - start).total_seconds() / 86400)
            stages[stage]["ongoing"] += end is None
    return stages


def tenths(value: float) -> Decimal:
    return Decimal(str(value)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@pytest.mark.parametrize(
    ("login", "clients"), [("anna", {"maria", "bob", "chen"}), ("pavel", {"maria"})]
)
async def test_the_programmes_report_counts_stages_and_the_time_spent_there(
    site: SiteClient, world: World, login: str, clients: set[str]
) -> None:
    await sign_in(site, login)
    rows = {row["stage"]: row for row in await csv_rows(site, "/reports/programs.csv")}
    for stage, want in expected_stages(world, clients).items():
        got = rows[stage]
        assert int(got["clients_now"]) == want["now"], stage
        assert int(got["stays"]) == len(want["days"]), stage
        assert int(got["ongoing"]) == want["ongoing"], stage
        if want["days"]:
            assert Decimal(got["average_days"]) == tenths(statistics.mean(want["days"])), stage
            assert Decimal(got["median_days"]) == tenths(statistics.median(want["days"])), stage
        else:
            assert got["average_days"] == got["median_days"] == ""
    page = await (await site.get("/reports/programs")).text()
    discovery = world.stage_ids["Discovery"]
    assert cell(page, f'data-stage="{discovery}"', "now") == str(
        expected_stages(world, clients)["Discovery"]["now"]
    )
    assert "counts up to now" in page
    assert "<svg" in page


# Per period ---------------------------------------------------------------------------------


def expected_revenue(world: World) -> dict[str, dict[str | None, tuple[int, int, Decimal]]]:
    """By coach, branch and product: (sessions held, products sold, revenue), unrounded."""
    branch = {"ivan": "Repair workshop", "tom": "Left bank", "anna": None}
    per_lesson = world.contract_total / world.contract_lessons
    by: dict[str, dict[str | None, tuple[int, int, Decimal]]] = {
        "coach": {},
        "branch": {},
        "product": {},
    }

    def add(keys: dict[str, str | None], held: int, sold: int, value: Decimal) -> None:
        for group, key in keys.items():
            was = by[group].get(key, (0, 0, Decimal(0)))
            by[group][key] = (was[0] + held, was[1] + sold, was[2] + value)

    for m in world.meetings:
        if m.status is not S.DONE or not in_period(world, m.starts_at):
            continue
        if m.contract:
            value = per_lesson
        elif m.product:
            value = Decimal(0)
        else:
            value = world.rates[m.coach] * m.minutes / 60
        product = "Career package" if m.product else None
        add({"coach": m.coach, "branch": branch[m.coach], "product": product}, 1, 0, value)
    for _client, seller, price, when in world.sales:
        if in_period(world, when):
            add(
                {"coach": seller, "branch": branch[seller], "product": "Career package"},
                0,
                1,
                price,
            )
    return by


async def test_the_period_report_gives_sessions_and_revenue_by_coach_branch_and_product(
    site: SiteClient, world: World
) -> None:
    await sign_in(site, "anna")
    names = {"Ivan Kuznetsov": "ivan", "Tom Baker": "tom", "Anna Petrova": "anna"}
    rows = await csv_rows(site, f"/reports/period.csv?{period_query(world)}")
    want = expected_revenue(world)
    got: dict[str, dict[str | None, tuple[int, int, Decimal]]] = {
        "coach": {},
        "branch": {},
        "product": {},
    }
    for row in rows:
        key: str | None = row["name"] or None
        if row["by"] == "coach" and key is not None:
            key = names[key]
        got[row["by"]][key] = (
            int(row["sessions_held"]),
            int(row["products_sold"]),
            Decimal(row["revenue"]),
        )
    for group in ("coach", "branch", "product"):
        assert got[group] == {
            key: (held, sold, cents(value)) for key, (held, sold, value) in want[group].items()
        }, group
    total = cents(sum((value for _, _, value in want["product"].values()), Decimal(0)))
    page = await (await site.get(f"/reports/period?{period_query(world)}")).text()
    assert f"€{total:,.2f}" in page
    assert "hourly rate" in page  # the rule is said on the page
    assert "<svg" in page


async def test_the_business_revenue_counts_the_school_and_the_coaching_received_and_earned(
    site: SiteClient, world: World, database: Database
) -> None:
    """Payments on a contract are received by the school, lessons given earn their contract's
    lesson price; the coaching receives its products sold and earns as the tables below."""
    day = timedelta(days=1)
    payments = [
        (Decimal("400.00"), local(world.first, 0, 30)),
        (Decimal("-20.00"), local(world.last, 23, 30)),  # taken back
        (Decimal("99.00"), local(world.first - day, 23, 30)),  # before the period
    ]
    lessons = [local(world.first + day, 9), local(world.last, 23), local(world.last + day, 0, 5)]
    async with database.writer() as session, session.begin():
        contract = await session.scalar(select(Contract).where(Contract.total == Decimal("250")))
        assert contract is not None
        session.add_all(
            [
                Payment(
                    contract_id=contract.id, amount=amount, paid_at=when, method=PaymentMethod.CASH
                )
                for amount, when in payments
            ]
            + [Lesson(contract_id=contract.id, given_at=when) for when in lessons]
        )
    per_lesson = world.contract_total / world.contract_lessons
    want = {
        "school": (
            sum((amount for amount, when in payments if in_period(world, when)), Decimal(0)),
            cents(sum((per_lesson for when in lessons if in_period(world, when)), Decimal(0))),
        ),
        "coaching": (
            sum((price for _, _, price, when in world.sales if in_period(world, when)), Decimal(0)),
            cents(
                sum(
                    (value for _, _, value in expected_revenue(world)["coach"].values()), Decimal(0)
                )
            ),
        ),
    }
    assert want["school"] == (Decimal("380.00"), cents(per_lesson * 2))
    await sign_in(site, "anna")
    page = await (await site.get(f"/reports/period?{period_query(world)}")).text()
    for area, (received, earned) in want.items():
        assert cell(page, f'data-area="{area}"', "received") == f"€{received:,.2f}", area
        assert cell(page, f'data-area="{area}"', "earned") == f"€{earned:,.2f}", area
    total_received = want["school"][0] + want["coaching"][0]
    total_earned = want["school"][1] + want["coaching"][1]
    assert cell(page, 'data-area="total"', "received") == f"€{total_received:,.2f}"
    assert cell(page, 'data-area="total"', "earned") == f"€{total_earned:,.2f}"
    assert "payments recorded on the school" in page  # how it is counted


async def test_the_period_report_is_for_managers_only(site: SiteClient, world: World) -> None:
    for login in ("ivan", "pavel"):
        site.session.cookie_jar.clear()
        await sign_in(site, login)
        for path in ("/reports/period", "/reports/period.csv", "/reports/period?to=bad"):
            response = await site.get(path)
            assert response.status == 403, (login, path)
            assert "€" not in await response.text()


# Per client ---------------------------------------------------------------------------------


# Whose sessions each viewer sees: all; those he gives; those of the clients he helps (Maria).
SEES: dict[str, Callable[[Meeting], bool]] = {
    "anna": lambda m: True,
    "ivan": lambda m: m.coach == "ivan",
    "pavel": lambda m: m.client == "maria",
}


def expected_client(world: World, client: str, viewer: str) -> dict[str, Any]:
    theirs = [
        m
        for m in world.meetings
        if (m.client == client or client in m.participants)
        and in_period(world, m.starts_at)
        and SEES[viewer](m)
    ]
    weeks: dict[date, int] = {}
    for m in theirs:
        day = m.starts_at.astimezone(ZONE).date()
        monday = max(day - timedelta(days=day.weekday()), world.first)
        weeks[monday] = weeks.get(monday, 0) + 1
    return {
        "by_status": {status.value: sum(m.status is status for m in theirs) for status in S},
        "weeks": weeks,
        "reports": sum(m.reported for m in theirs),
    }


@pytest.mark.parametrize("login", ["anna", "ivan", "pavel"])
async def test_the_client_report_and_its_csv(site: SiteClient, world: World, login: str) -> None:
    await sign_in(site, login)
    maria = world.people.maria.id
    want = expected_client(world, "maria", login)
    rows = await csv_rows(site, f"/reports/clients/{maria}.csv?{period_query(world)}")
    sessions = {row["key"]: int(row["value"]) for row in rows if row["part"] == "sessions"}
    assert sessions == want["by_status"]
    weeks = {
        date.fromisoformat(row["key"]): int(row["value"]) for row in rows if row["part"] == "week"
    }
    assert {day: count for day, count in weeks.items() if count} == want["weeks"]
    assert sum(weeks.values()) == sum(want["by_status"].values())
    tracks = [row for row in rows if row["part"] == "track"]
    assert [(row["text"], row["value"]) for row in tracks] == [("Find a new job", "2/3")]
    assert [row["text"] for row in rows if row["part"] == "client_report"] == ["Sent 5 CVs"]
    assert len([row for row in rows if row["part"] == "meeting_report"]) == want["reports"]
    assert [row["value"] for row in rows if row["part"] == "program"] == ["3/3"]

    page = await (await site.get(f"/reports/clients/{maria}?{period_query(world)}")).text()
    assert cell(page, 'data-status="done"', "count") == str(want["by_status"]["done"])
    assert "Sent 5 CVs" in page and "Thinking it over" not in page
    assert "Integration" in page and "maria at Practice" in page
    # A coach's report on themselves never shows on a client's report.
    for private in ("Practise silence", "Read Yalom", "Private reflection", "hard case"):
        assert private not in page
    assert "<svg" in page


async def test_the_client_report_is_for_whoever_may_see_the_client(
    site: SiteClient, world: World
) -> None:
    await sign_in(site, "tom")  # Tom coaches Bob, not Maria
    maria, bob = world.people.maria.id, world.people.bob.id
    assert (await site.get(f"/reports/clients/{maria}")).status == 404
    assert (await site.get(f"/reports/clients/{maria}.csv")).status == 404
    assert (await site.get(f"/reports/clients/{bob}")).status == 200
    assert (await site.get("/reports/clients/99999999999999")).status == 404


async def test_the_client_picker_leads_to_the_report(site: SiteClient, world: World) -> None:
    await sign_in(site, "anna")
    chooser = await site.get("/reports/clients")
    assert chooser.status == 200
    maria = world.people.maria.id
    # A search offers the matches to choose from; a choice (or a card number) opens the report.
    found = await site.get("/reports/clients?client=Maria")
    assert found.status == 200
    assert f'<option value="{maria}">#{maria} Maria Lopez' in await found.text()
    for query in (f"client=Maria&client_id={maria}", f"client=%23{maria}+Maria+Lopez"):
        chosen = await site.get(f"/reports/clients?{query}", allow_redirects=False)
        assert chosen.status == 303
        assert chosen.headers["Location"] == f"/reports/clients/{maria}"
    nobody = await site.get("/reports/clients?client=Nobody+at+all")
    assert nobody.status == 400
    assert "No client matches" in await nobody.text()


# Bad filters --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "said"),
    [
        ("from=2026-13-01", "From must be a date (YYYY-MM-DD)"),
        ("to=yesterday", "To must be a date (YYYY-MM-DD)"),
        ("from=2026-05-10&to=2026-05-01", "The start date is after the end date"),
        ("from=2020-01-01&to=2026-01-01", "at most 366 days"),
        ("from=0001-01-01", "From must be a date between"),
    ],
)
async def test_a_bad_filter_is_a_clear_message_never_a_500(
    site: SiteClient, world: World, query: str, said: str
) -> None:
    await sign_in(site, "anna")
    for path in ("/reports/coaches", "/reports/period", f"/reports/clients/{world.chen.id}"):
        page = await site.get(f"{path}?{query}")
        assert page.status == 400, path
        assert said in await page.text(), path
        exported = await site.get(f"{path}.csv?{query}")
        assert exported.status == 400, path
        assert said in await exported.text(), path


# Done means ---------------------------------------------------------------------------------


async def test_a_session_done_reported_and_rated_shows_on_the_next_request(
    site: SiteClient, database: Database, world: World
) -> None:
    """The issue's "done means": the per-coach and per-programme reports show it at once."""
    await sign_in(site, "anna")
    tom = world.people.tom.id
    query = period_query(world)

    async def tom_row() -> dict[str, str]:
        rows = await csv_rows(site, f"/reports/coaches.csv?{query}")
        return next(row for row in rows if int(row["coach_id"]) == tom)

    before = await tom_row()
    async with database.writer() as session, session.begin():
        planned = CoachingSession(
            client_id=world.people.bob.id,
            coach_id=tom,
            status=S.PLANNED,
            starts_at=world.now - timedelta(hours=3),
            minutes=60,
        )
        session.add(planned)
        await session.flush()
        session_id = planned.id
    notifier = Notifier("en", "EUR", ZONE)
    async with database.writer() as session, session.begin():
        coach = await session.get(Employee, tom)
        assert coach is not None
        await end_session(
            session, notifier, actor=coach, session_id=session_id, to=S.DONE, now=world.now
        )
        await file_meeting_report(
            session,
            actor=coach,
            session_id=session_id,
            draft=MeetingReportDraft(what_happened="Went well"),
        )
    async with database.writer() as session, session.begin():
        bob = await session.get(Client, world.people.bob.id)
        assert bob is not None
        await rate_session(session, actor=bob, session_id=session_id, rating=1)
    after = await tom_row()
    assert int(after["held"]) == int(before["held"]) + 1
    assert int(after["reports_filed"]) == int(before["reports_filed"]) + 1
    assert int(after["ratings"]) == int(before["ratings"]) + 1
    assert after["average_rating"] != before["average_rating"]

    stages = {row["stage"]: row for row in await csv_rows(site, "/reports/programs.csv")}
    async with database.writer() as session, session.begin():
        coach = await session.get(Employee, world.people.ivan.id)
        assert coach is not None
        await move_stage(
            session,
            actor=coach,
            enrolment_id=world.enrolments["bob"],
            now=utcnow(),
            client_state="Ready",
        )
    moved = {row["stage"]: row for row in await csv_rows(site, "/reports/programs.csv")}
    assert int(moved["Practice"]["clients_now"]) == int(stages["Practice"]["clients_now"]) - 1
    assert int(moved["Integration"]["clients_now"]) == int(stages["Integration"]["clients_now"]) + 1
    assert int(moved["Integration"]["stays"]) == int(stages["Integration"]["stays"]) + 1


@pytest.mark.parametrize("language", ["ru", "fr"])
async def test_the_reports_speak_the_viewers_language(
    site: SiteClient, database: Database, world: World, language: str
) -> None:
    async with database.writer() as session, session.begin():
        anna = await session.get(Employee, world.people.anna.id)
        assert anna is not None
        anna.language = language
    await sign_in(site, "anna")
    for path in ("/reports/overview", "/reports/coaches", "/reports/programs", "/reports/period"):
        page = await (await site.get(f"{path}")).text()
        for english in (
            "How these figures are counted",
            "Average rating",
            "Reports",
            "Figures",
            "Revenue",
        ):
            assert english not in page, (path, english)
    page = await (await site.get(f"/reports/period?{period_query(world)}")).text()
    assert "\u00a0€" in page or "\u202f€" in page  # 1 234,56 € as the locale writes it


# The charts' geometry -----------------------------------------------------------------------


def test_a_chart_keeps_its_bars_and_labels_inside_the_drawing() -> None:
    from web.views.report_charts import VALUE_ROOM, WIDTH, Row, bar_chart

    rows = [
        Row("Short", [(3.0, "3"), (1.0, "1")], "4"),
        Row("A programme whose name is far too long for a phone's screen", [(8.0, "8")], "8"),
        Row("Nothing", [(0.0, "0")], "0"),
    ]
    chart = bar_chart(rows, ["held", "no-show"])
    for bar in chart.bars:
        end = max(segment.x + segment.width for segment in bar.segments)
        assert end <= WIDTH - VALUE_ROOM + 0.5
        assert len(bar.label) <= 40
    assert chart.bars[1].label.endswith("…") and chart.bars[1].full_label == rows[1].label
    # The longest bar takes the whole room; the others in proportion.
    assert chart.bars[1].segments[0].width == WIDTH - 4 - VALUE_ROOM
    assert chart.bars[0].segments[0].width == round(3 / 8 * (WIDTH - 4 - VALUE_ROOM), 1)
    assert [segment.value for segment in chart.bars[0].segments] == ["3", "1"]
    assert chart.height >= len(rows) * 40
