"""The client page's coaching side on a real database: the coaching fields of the card, the one
timeline (each kind of event, newest first, only what the viewer may see, never a coach's report
on themselves, a page at a time with "show more"), products, programmes and tracks."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.sandbox.telegram import FakeTelegram
from crm.areas import areas_on, timeline_sources
from crm.overview.timeline import client_timeline
from crm.settings import Settings
from db.base import utcnow
from db.engine import Database
from db.enums import ContractStatus, PaymentMethod, ProductKind, Role, SessionStatus, TicketStatus
from db.models import (
    Client,
    ClientProduct,
    ClientReport,
    CoachingSession,
    CoachReport,
    Contract,
    Employee,
    Enrolment,
    MeetingReport,
    Payment,
    Product,
    Program,
    ProgramStage,
    StageMove,
    Ticket,
    Track,
)
from tests.support.desk import People, add_people
from tests.support.school import add_school
from tests.support.site import Client as SiteClient
from tests.support.site import give_logins, post_form, sign_in
from tests.support.sql import statements
from web.app import create_app

SECRET = "test-secret-key"
NOW = utcnow().replace(microsecond=0)

SOURCES = timeline_sources(areas_on(None))


def ago(days: float) -> datetime:
    return NOW - timedelta(days=days)


@dataclass
class Coaching:
    people: People
    olga: Employee
    ids: dict[str, int]  # what the test inserted, by a name of its own


# Maria's events, newest first, as (name, link): every kind the timeline knows.
MARIA_EVENTS = [
    ("move", "/programs/{program}"),
    ("progress", "/reports/progress/{progress}"),
    ("track", "/tracks/{track}"),
    ("report_tom", "/reports/meeting/{report_tom}"),
    ("session_tom", "/sessions/{session_tom}"),
    ("report_ivan", "/reports/meeting/{report_ivan}"),
    ("session_ivan", "/sessions/{session_ivan}"),
    ("purchase", None),
    ("payment", "/contracts/{contract}"),
    ("contract", "/contracts/{contract}"),
    ("ticket", "/tickets/{ticket}"),
]
# Who sees which of them: a coach sees the sessions they give and those sessions' reports,
# a teacher the contract they teach; the helper all of their client's.
SEEN = {
    "anna": {name for name, _ in MARIA_EVENTS},
    "pavel": {name for name, _ in MARIA_EVENTS},
    "ivan": {name for name, _ in MARIA_EVENTS} - {"ticket", "session_tom", "report_tom"},
    "tom": {name for name, _ in MARIA_EVENTS}
    - {"session_ivan", "report_ivan", "contract", "payment"},
}


async def add_coaching(database: Database) -> Coaching:
    people = await add_people(database, FakeTelegram("1:t"))
    school = await add_school(database, people)
    maria, bob, ivan, tom = people.maria, people.bob, people.ivan, people.tom
    async with database.writer() as session, session.begin():
        olga = Employee(full_name="Olga Smirnova", username="olga", role=Role.OWNER)
        ticket = Ticket(
            client_id=maria.id,
            title="Cannot open the course page",
            description="It says 404",
            status=TicketStatus.ASSIGNED,
            assignee_id=tom.id,
            created_at=ago(10),
        )
        bobs_ticket = Ticket(
            client_id=bob.id, title="Bob's own trouble", description="-", created_at=ago(1)
        )
        contract = Contract(
            client_id=maria.id,
            language_id=school.english.id,
            lessons=10,
            price_per_lesson=Decimal(20),
            discount_percent=Decimal(0),
            total=Decimal(200),
            paid=Decimal(50),
            status=ContractStatus.ACTIVE,
            signed_at=ago(9),
            teacher_id=ivan.id,
            lessons_given=0,
        )
        program = Program(
            name="Leadership in 3 steps",
            stages=[ProgramStage(position=n, name=f"Step {n}") for n in (1, 2, 3)],
        )
        product = Product(name="Ten sessions", kind=ProductKind.PACKAGE, price=Decimal("900.00"))
        session.add_all([olga, ticket, bobs_ticket, contract, program, product])
        await session.flush()
        payment = Payment(
            contract_id=contract.id,
            amount=Decimal(50),
            paid_at=ago(8),
            method=PaymentMethod.CARD,
            recorded_by_id=olga.id,
        )
        purchase = ClientProduct(
            client_id=maria.id, product_id=product.id, price=Decimal(850), bought_at=ago(7)
        )
        session_ivan = CoachingSession(
            client_id=maria.id,
            coach_id=ivan.id,
            starts_at=ago(6),
            minutes=60,
            status=SessionStatus.DONE,
        )
        session_tom = CoachingSession(
            client_id=maria.id,
            coach_id=tom.id,
            starts_at=ago(4),
            minutes=60,
            status=SessionStatus.DONE,
        )
        track = Track(client_id=maria.id, coach_id=ivan.id, goal="Lead a team", created_at=ago(3))
        session.add_all([payment, purchase, session_ivan, session_tom, track])
        await session.flush()
        report_ivan = MeetingReport(
            session_id=session_ivan.id, what_happened="Talked", created_at=ago(5)
        )
        report_tom = MeetingReport(
            session_id=session_tom.id, what_happened="Talked more", created_at=ago(3.5)
        )
        secret = CoachReport(
            coach_id=ivan.id,
            session_id=session_ivan.id,
            self_reflection="Ivan's own doubts",
            created_at=ago(2.5),
        )
        progress = ClientReport(
            track_id=track.id, author_client_id=maria.id, progress="Half way", created_at=ago(2)
        )
        enrolment = Enrolment(
            client_id=maria.id,
            program_id=program.id,
            stage_id=program.stages[1].id,
            started_at=ago(1.5),
        )
        session.add_all([report_ivan, report_tom, secret, progress, enrolment])
        await session.flush()
        move = StageMove(
            enrolment_id=enrolment.id,
            from_stage_id=program.stages[0].id,
            to_stage_id=program.stages[1].id,
            by_id=ivan.id,
            at=ago(1),
        )
        session.add(move)
        await session.flush()
        ids = {
            "ticket": ticket.id,
            "contract": contract.id,
            "payment": payment.id,
            "purchase": purchase.id,
            "session_ivan": session_ivan.id,
            "session_tom": session_tom.id,
            "report_ivan": report_ivan.id,
            "report_tom": report_tom.id,
            "secret": secret.id,
            "track": track.id,
            "progress": progress.id,
            "program": program.id,
            "move": move.id,
            "bobs_ticket": bobs_ticket.id,
        }
    await give_logins(database, olga, people.anna, people.ivan, people.tom, people.pavel)
    return Coaching(people, olga, ids)


@pytest.fixture
async def coaching(database: Database) -> Coaching:
    return await add_coaching(database)


@pytest.fixture
async def site(database: Database, coaching: Coaching) -> AsyncIterator[SiteClient]:
    app = create_app(Settings(_env_file=None), database, secret_key=SECRET)
    async with TestClient(TestServer(app)) as client:
        yield client


def timeline_of(page: str) -> list[str]:
    """Each event of the page's timeline as its <li> class and first link."""
    section = page[page.index('id="timeline"') :].split("</ol>")[0]
    found = []
    for item in section.split("<li")[1:]:
        kind = re.search(r'class="event-(\w+)"', item)
        link = re.search(r'href="([^"]+)"', item)
        found.append(f"{kind.group(1) if kind else '?'} {link.group(1) if link else ''}")
    return found


def expected(coaching: Coaching, viewer: str) -> list[str]:
    kinds = {
        "move": "stage_move",
        "progress": "client_report",
        "track": "track",
        "report_tom": "meeting_report",
        "report_ivan": "meeting_report",
        "session_tom": "session",
        "session_ivan": "session",
        "purchase": "purchase",
        "payment": "payment",
        "contract": "contract",
        "ticket": "ticket",
    }
    return [
        f"{kinds[name]} {link.format(**coaching.ids) if link else ''}"
        for name, link in MARIA_EVENTS
        if name in SEEN[viewer]
    ]


@pytest.mark.parametrize("viewer", sorted(SEEN))
async def test_the_timeline_shows_what_the_viewer_may_see_newest_first(
    site: SiteClient, coaching: Coaching, viewer: str
) -> None:
    await sign_in(site, viewer)
    response = await site.get(f"/clients/{coaching.people.maria.id}")
    page = await response.text()
    assert response.status == 200, page
    assert timeline_of(page) == expected(coaching, viewer)
    # A coach's report on themselves is never part of a client's timeline, nor another
    # client's events.
    assert "Ivan&#39;s own doubts" not in page and "Ivan's own doubts" not in page
    assert f"/tickets/{coaching.ids['bobs_ticket']}" not in page
    assert "Bob&#39;s own trouble" not in page


async def test_a_helper_opens_only_the_clients_they_help(
    site: SiteClient, coaching: Coaching
) -> None:
    await sign_in(site, "pavel")
    assert (await site.get(f"/clients/{coaching.people.maria.id}")).status == 200
    assert (await site.get(f"/clients/{coaching.people.bob.id}")).status == 404


async def test_the_timeline_comes_a_page_at_a_time(site: SiteClient, coaching: Coaching) -> None:
    await sign_in(site, "anna")
    everything = expected(coaching, "anna")
    page = await (await site.get(f"/clients/{coaching.people.maria.id}?events=4")).text()
    assert timeline_of(page) == everything[:4]
    more = re.search(r'id="more-events" href="([^"]+)"', page)
    assert more is not None
    page = await (await site.get(more.group(1).replace("&amp;", "&"))).text()
    assert timeline_of(page) == everything  # 24 asked, 11 there: all, and no link
    assert 'id="more-events"' not in page
    for bad in ("0", "x", "99999999999"):
        response = await site.get(f"/clients/{coaching.people.maria.id}?events={bad}")
        assert response.status == 400, bad


async def test_the_page_shows_products_programmes_and_tracks(
    site: SiteClient, coaching: Coaching
) -> None:
    await sign_in(site, "anna")
    page = await (await site.get(f"/clients/{coaching.people.maria.id}")).text()
    products = page[page.index('id="products"') :].split("</ul>")[0]
    assert "Ten sessions" in products and "€850.00" in products
    enrolments = page[page.index('id="enrolments"') :].split("</ul>")[0]
    assert "Leadership in 3 steps" in enrolments and "stage 2 of 3: Step 2" in enrolments
    tracks = page[page.index('id="tracks"') :].split("</ul>")[0]
    assert f'href="/tracks/{coaching.ids["track"]}"' in tracks and "Lead a team" in tracks


async def test_the_pages_title_is_the_clients_name_and_the_timeline_is_shown_once(
    site: SiteClient, coaching: Coaching
) -> None:
    await sign_in(site, "anna")
    page = await (await site.get(f"/clients/{coaching.people.maria.id}")).text()
    title = re.search(r"<title>(.*?)</title>", page, re.DOTALL)
    assert title is not None
    assert title.group(1) == f"{coaching.people.maria.full_name} · Frontdoor CRM"
    assert page.count('id="timeline"') == 1


async def test_the_timeline_asks_one_query_per_source_however_many_events(
    database: Database, coaching: Coaching
) -> None:
    async def queries_for_timeline() -> tuple[int, int]:
        async with database.reader() as session:
            anna = await session.get(Employee, coaching.people.anna.id)
            assert anna is not None
            with statements(database) as run:
                found = await client_timeline(
                    session, SOURCES, actor=anna, client_id=coaching.people.maria.id, limit=1000
                )
        return len(run), len(found.events)

    few, shown = await queries_for_timeline()
    async with database.writer() as session, session.begin():
        for n in range(30):
            session.add(
                Ticket(
                    client_id=coaching.people.maria.id,
                    title=f"Question {n}",
                    description="-",
                    created_at=ago(20),
                )
            )
    many, shown_now = await queries_for_timeline()
    assert shown_now == shown + 30
    assert many == few
    # The card (with its coach, helper and former self) and one query per source.
    assert few <= len(SOURCES) + 4


async def test_the_cards_coaching_fields_are_saved_and_shown_on_both_pages(
    site: SiteClient, coaching: Coaching, database: Database
) -> None:
    people = coaching.people
    await sign_in(site, "anna")
    path = f"/clients/{people.maria.id}/edit"
    card = {
        "full_name": "Maria Lopez",
        "phone": "+34600123456",
        "stage": "consultation",
        "topic": "Career change",
        "method_of_work": "Weekly sessions",
        "coach_id": str(people.ivan.id),
        "helper_id": str(people.pavel.id),
        "became_employee_id": str(people.tom.id),
    }
    saved = await post_form(site, path, card)
    assert saved.status == 302, await saved.text()
    page = await (await site.get(f"/clients/{people.maria.id}")).text()
    assert "consultation" in page and "Career change" in page and "Weekly sessions" in page
    coach = page[page.index('id="coach"') :].split("</td>")[0]
    assert f'href="/employees/{people.ivan.id}"' in coach and "Ivan Kuznetsov" in coach
    became = page[page.index('id="became-employee"') :].split("</td>")[0]
    assert f'href="/employees/{people.tom.id}"' in became
    tom_page = await (await site.get(f"/employees/{people.tom.id}")).text()
    former = tom_page[tom_page.index('id="former-client"') :].split("</td>")[0]
    assert f'href="/clients/{people.maria.id}"' in former and "Maria Lopez" in former

    # Each bad choice is refused next to its field, and the card stays as it was.
    for field, value, message in (
        ("helper_id", str(people.ivan.id), "Ivan Kuznetsov is not a helper"),
        ("coach_id", str(people.pavel.id), "Pavel Orlov is not a coach"),
        ("coach_id", "999999", "That employee does not exist"),
        ("stage", "asleep", "Stage: unknown value"),
    ):
        refused = await post_form(site, path, {**card, field: value, "topic": "Changed"})
        text = await refused.text()
        assert refused.status == 400, (field, text)
        assert message in text.replace("&#39;", "'"), (field, text)
    bobs = await post_form(
        site,
        f"/clients/{people.bob.id}/edit",
        {"full_name": "Bob Stone", "became_employee_id": str(people.tom.id)},
    )
    assert bobs.status == 400
    assert "Maria Lopez already became that employee" in await bobs.text()
    async with database.reader() as session:
        maria = await session.get(Client, people.maria.id)
        bob = await session.get(Client, people.bob.id)
    assert maria is not None and bob is not None
    assert maria.topic == "Career change" and maria.coach_id == people.ivan.id
    assert bob.became_employee_id is None
