"""Coaching in the admin site, through aiohttp's test client on a real database: the session
listing and its CSV against rows computed here from the database, who sees which session, the
session card's buttons and forms, planning, changing and deleting a session, the requests with
accept and refuse, and the private calendar URL."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from aiohttp.test_utils import TestClient, TestServer
from babel.dates import format_datetime
from icalendar import Calendar
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from bot.sandbox.telegram import FakeTelegram
from crm.coaching.session_listing import SessionFilter, list_sessions
from crm.settings import Settings
from db.base import utcnow
from db.engine import Database
from db.enums import (
    ContractStatus,
    RecordingKind,
    RequestStatus,
    Role,
    SessionFormat,
    SessionStatus,
)
from db.models import (
    Client,
    ClientReport,
    CoachingRequest,
    CoachingSession,
    CoachProfile,
    Contract,
    Employee,
    ExpertiseDomain,
    MeetingReport,
    OutboxMessage,
    Recording,
    SessionParticipant,
    Track,
)
from tests.support.desk import People, add_people
from tests.support.school import add_school
from tests.support.site import Client as SiteClient
from tests.support.site import give_logins, post_form, sign_in
from tests.support.sql import statements
from tests.test_site_i18n import (
    LETTERS,
    choose,
    cyrillic,
    rendered,
    typed_by_people,
    untranslated,
)
from web.app import create_app

SECRET = "test-secret-key"
S = SessionStatus
# A business far from UTC: a session's day and time are its day and time there.
TIMEZONE = "Asia/Vladivostok"
ZONE = ZoneInfo(TIMEZONE)


@dataclass
class Setting:
    people: People
    olga: Employee
    sessions: dict[int, int]  # the session's number here -> its id
    requests: dict[str, int]


def _start(days: int, hour: int = 10) -> datetime:
    """``hour`` o'clock in the business's zone ``days`` from today."""
    day = datetime.now(ZONE).date() + timedelta(days=days)
    return datetime(day.year, day.month, day.day, hour, tzinfo=ZONE).astimezone(UTC)


# 1: Maria with Ivan, online, done 10 days ago, rated 5, its report filed.
# 2: Bob with Tom, in person, planned in 2 days.
# 3: Bob (and Maria) with Ivan, in person, cancelled 3 days ago.
# 4: Maria with Tom, online, no-show 5 days ago.
# 5: Bob with Ivan, online, planned tomorrow.
VISIBLE = {
    "olga": {1, 2, 3, 4, 5},
    "anna": {1, 2, 3, 4, 5},
    "ivan": {1, 3, 5},  # the sessions he gives
    "tom": {2, 4},
    "pavel": {1, 4},  # the sessions of Maria, whom he helps
}


@pytest.fixture
async def setting(database: Database) -> Setting:
    people = await add_people(database, FakeTelegram("1:t"))
    async with database.writer() as session, session.begin():
        olga = Employee(full_name="Olga Smirnova", username="olga", role=Role.OWNER)
        career = ExpertiseDomain(name="Career")
        session.add_all([olga, career])
        await session.flush()
        session.add(CoachProfile(employee_id=people.ivan.id, bio="Ten years in HR"))
        session.add(CoachProfile(employee_id=people.tom.id, bio="Leadership"))
        await session.flush()
        maria, bob, ivan, tom = people.maria.id, people.bob.id, people.ivan.id, people.tom.id
        online, in_person = SessionFormat.ONLINE, SessionFormat.IN_PERSON

        def meeting(
            client_id: int, coach_id: int, kind: SessionFormat, status: S, days: int
        ) -> CoachingSession:
            return CoachingSession(
                client_id=client_id,
                coach_id=coach_id,
                starts_at=_start(days),
                minutes=60,
                format=kind,
                video_link="https://meet.jit.si/frontdoor-test" if kind is online else None,
                status=status,
                participants=[],
                recordings=[],
            )

        rows = [
            meeting(maria, ivan, online, S.DONE, -10),
            meeting(bob, tom, in_person, S.PLANNED, 2),
            meeting(bob, ivan, in_person, S.CANCELLED, -3),
            meeting(maria, tom, online, S.NO_SHOW, -5),
            meeting(bob, ivan, online, S.PLANNED, 1),
        ]
        rows[0].rating, rows[0].comment = 5, "Very useful"
        rows[2].participants = [SessionParticipant(client_id=maria)]
        rows[0].recordings = [
            Recording(kind=RecordingKind.VOICE, telegram_file_id="AwACAgIAAxkBAAIB"),
            Recording(kind=RecordingKind.LINK, url="https://video.example/rec/1"),
        ]
        session.add_all(rows)
        await session.flush()
        session.add(
            MeetingReport(session_id=rows[0].id, author_id=ivan, what_happened="We set goals")
        )
        pending = CoachingRequest(
            client_id=maria,
            coach_id=ivan,
            domain_id=career.id,
            preferred_at=_start(4, 18),
            message="About my career",
            status=RequestStatus.PENDING,
        )
        toms = CoachingRequest(
            client_id=bob, coach_id=tom, message="Leading a team", status=RequestStatus.PENDING
        )
        session.add_all([pending, toms])
        await session.flush()
        sessions = {number: row.id for number, row in enumerate(rows, start=1)}
        requests = {"ivans": pending.id, "toms": toms.id}
    await give_logins(database, olga, people.anna, people.ivan, people.tom, people.pavel)
    return Setting(people, olga, sessions, requests)


@pytest.fixture
async def site(database: Database, setting: Setting) -> AsyncIterator[SiteClient]:
    app = create_app(Settings(_env_file=None, timezone=TIMEZONE), database, secret_key=SECRET)
    async with TestClient(TestServer(app)) as client:
        yield client


def numbers(setting: Setting, ids: set[int]) -> set[int]:
    return {number for number, session_id in setting.sessions.items() if session_id in ids}


def listed(page: str) -> set[int]:
    return {int(found) for found in re.findall(r'href="/sessions/(\d+)">#', page)}


async def exported(site: SiteClient, query: str) -> list[dict[str, str]]:
    response = await site.get(f"/sessions.csv?{query}")
    assert response.status == 200, await response.text()
    return list(csv.DictReader(io.StringIO(await response.text())))


async def everything(database: Database) -> list[CoachingSession]:
    async with database.reader() as session:
        found = await session.scalars(
            select(CoachingSession).options(
                selectinload(CoachingSession.client),
                selectinload(CoachingSession.coach),
                selectinload(CoachingSession.participants).selectinload(SessionParticipant.client),
            )
        )
        return list(found)


def local_day(meeting: CoachingSession) -> date:
    return meeting.starts_at.astimezone(ZONE).date()


Wanted = Callable[[CoachingSession, Setting], bool]


def _names(meeting: CoachingSession) -> list[str]:
    return [meeting.client.full_name] + [each.client.full_name for each in meeting.participants]


FILTERS: list[tuple[str, Wanted]] = [
    ("", lambda meeting, _: True),
    ("status=planned", lambda meeting, _: meeting.status is S.PLANNED),
    ("status=done&status=no_show", lambda meeting, _: meeting.status in (S.DONE, S.NO_SHOW)),
    ("coach={tom}", lambda meeting, it: meeting.coach_id == it.people.tom.id),
    ("client=Maria", lambda meeting, _: any("Maria" in name for name in _names(meeting))),
    ("client={bob}", lambda meeting, it: meeting.client_id == it.people.bob.id),
    ("format=online", lambda meeting, _: meeting.format is SessionFormat.ONLINE),
    ("from={in_1}", lambda meeting, _: local_day(meeting) >= _start(1).date()),
    ("to={ago_4}", lambda meeting, _: local_day(meeting) <= _start(-4).date()),
    (
        "from={ago_6}&to={in_1}&format=in_person",
        lambda meeting, _: (
            _start(-6).date() <= local_day(meeting) <= _start(1).date()
            and meeting.format is SessionFormat.IN_PERSON
        ),
    ),
    (
        "coach={ivan}&status=planned&status=cancelled",
        lambda meeting, it: (
            meeting.coach_id == it.people.ivan.id and meeting.status in (S.PLANNED, S.CANCELLED)
        ),
    ),
]


@pytest.mark.parametrize(("query", "wanted"), FILTERS)
async def test_the_listing_and_its_csv_give_exactly_the_filtered_rows(
    site: SiteClient, database: Database, setting: Setting, query: str, wanted: Wanted
) -> None:
    query = query.format(
        tom=setting.people.tom.id,
        ivan=setting.people.ivan.id,
        bob=setting.people.bob.id,
        in_1=local_day_of(1),
        ago_4=local_day_of(-4),
        ago_6=local_day_of(-6),
    )
    rows = await everything(database)
    expected = {meeting.id for meeting in rows if wanted(meeting, setting)}
    await sign_in(site, "anna")
    response = await site.get(f"/sessions?{query}")
    page = await response.text()
    assert response.status == 200, page
    assert listed(page) == expected
    exported_rows = await exported(site, query)
    assert {int(row["id"]) for row in exported_rows} == expected
    # Latest start first, in the page and the CSV.
    starts = {meeting.id: meeting.starts_at for meeting in rows}
    shown = [int(found) for found in re.findall(r'href="/sessions/(\d+)">#', page)]
    assert shown == sorted(expected, key=lambda each: starts[each], reverse=True)
    assert [int(row["id"]) for row in exported_rows] == shown
    # Each CSV row says what the database holds.
    reported = {setting.sessions[1]}
    by_id = {meeting.id: meeting for meeting in rows}
    for row in exported_rows:
        meeting = by_id[int(row["id"])]
        assert row == {
            "id": str(meeting.id),
            "starts": meeting.starts_at.astimezone(ZONE).isoformat(timespec="minutes"),
            "clients": "; ".join(_names(meeting)),
            "coach": meeting.coach.full_name if meeting.coach else "",
            "minutes": "60",
            "format": meeting.format.value,
            "status": meeting.status.value,
            "rating": str(meeting.rating) if meeting.rating else "",
            "report_filed": "yes" if meeting.id in reported else "no",
        }


def local_day_of(days: int) -> str:
    return _start(days).astimezone(ZONE).date().isoformat()


@pytest.mark.parametrize("login", sorted(VISIBLE))
async def test_each_role_lists_only_the_sessions_it_may_see(
    site: SiteClient, setting: Setting, login: str
) -> None:
    await sign_in(site, login)
    page = await (await site.get("/sessions")).text()
    assert numbers(setting, listed(page)) == VISIBLE[login]
    assert (
        numbers(setting, {int(row["id"]) for row in await exported(site, "")}) == (VISIBLE[login])
    )
    assert 'href="/sessions"' in page  # the header links to the listing
    for number, session_id in setting.sessions.items():
        response = await site.get(f"/sessions/{session_id}")
        assert response.status == (200 if number in VISIBLE[login] else 404), (login, number)


async def test_a_client_is_not_a_site_user(site: SiteClient, setting: Setting) -> None:
    response = await site.get("/sessions", allow_redirects=False)
    assert response.status in (302, 303)
    assert "/sign-in" in response.headers["Location"]
    csv_response = await site.get("/sessions.csv", allow_redirects=False)
    assert csv_response.status in (302, 303)


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ("status=lost", "status", "unknown status"),
        ("coach=x", "coach", "Coach must be an employee id or none"),
        ("format=phone", "format", "unknown format"),
        ("from=yesterday", "from", "must be a date"),
        ("from=2026-12-10&to=2026-12-01", "from", "The start date is after the end date"),
        ("client=99999999999999999999", "client", "out of range"),
        ("after=broken", "after", "That page link is broken"),
    ],
)
async def test_a_filter_it_cannot_read_is_a_400_saying_why(
    site: SiteClient, setting: Setting, query: str, field: str, message: str
) -> None:
    await sign_in(site, "anna")
    response = await site.get(f"/sessions?{query}")
    page = await response.text()
    assert response.status == 400
    assert message in page
    assert 'id="sessions"' not in page
    if field != "after":
        exported_response = await site.get(f"/sessions.csv?{query}")
        assert exported_response.status == 400
        assert message in await exported_response.text()


async def stored(database: Database, session_id: int) -> CoachingSession | None:
    async with database.reader() as session:
        return await session.get(CoachingSession, session_id)


async def test_the_card_shows_who_when_where_the_ratings_recordings_and_report(
    site: SiteClient, setting: Setting
) -> None:
    await sign_in(site, "ivan")
    page = await (await site.get(f"/sessions/{setting.sessions[1]}")).text()
    for said in (
        "Maria Lopez",
        "Ivan Kuznetsov",
        "online",
        'href="https://meet.jit.si/frontdoor-test"',
        "5/5",
        "Very useful",
        "voice message",
        'href="https://video.example/rec/1"',
        "We set goals",
        f'href="/sessions/{setting.sessions[1]}/report"',
    ):
        assert said in page, said
    assert "AwACAgIAAxkBAAIB" not in page  # a Telegram file id means nothing to a reader
    assert "It took place" not in page  # it is over: no buttons
    # Session 3: Bob with Maria taking part, each with their own row of ratings.
    page = await (await site.get(f"/sessions/{setting.sessions[3]}")).text()
    assert "Also taking part:" in page and page.count('<td data-label="Client">') == 2
    assert "No report filed yet." in page and f"/sessions/{setting.sessions[3]}/report" not in page


async def test_the_buttons_end_a_planned_session_once(
    site: SiteClient, database: Database, setting: Setting
) -> None:
    card = f"/sessions/{setting.sessions[5]}"
    # Pavel sees none of it; Tom may not run Ivan's session.
    await sign_in(site, "tom")
    refused = await post_form(site, f"{card}/done", {}, page="/sessions")
    assert refused.status == 404
    await sign_in(site, "ivan")
    # Tomorrow's: only cancelled for now; held or missed once it has started.
    page = await (await site.get(card)).text()
    assert "Cancel the session" in page
    assert "It took place" not in page and "The client did not come" not in page
    early = await post_form(site, f"{card}/done", {}, page=card)
    assert early.status == 400
    assert f"Session #{setting.sessions[5]} has not started yet" in await early.text()
    assert (await stored(database, setting.sessions[5])).status is S.PLANNED  # type: ignore[union-attr]
    async with database.writer() as session, session.begin():
        meeting = await session.get(CoachingSession, setting.sessions[5])
        assert meeting is not None
        meeting.starts_at = utcnow() - timedelta(minutes=30)  # its hour has come
    page = await (await site.get(card)).text()
    for button in ("It took place", "The client did not come", "Cancel the session"):
        assert button in page
    done = await post_form(site, f"{card}/done", {}, page=card)
    assert done.status == 302 and done.headers["Location"] == card
    meeting = await stored(database, setting.sessions[5])
    assert meeting is not None and meeting.status is S.DONE
    again = await post_form(site, f"{card}/cancel", {}, page=card)
    text = await again.text()
    assert again.status == 400
    assert f"Session #{setting.sessions[5]} is already done" in text
    meeting = await stored(database, setting.sessions[5])
    assert meeting is not None and meeting.status is S.DONE
    page = await (await site.get(card)).text()
    assert "It took place" not in page and "File the report" in page


async def test_a_helper_sees_the_card_but_has_no_buttons(
    site: SiteClient, database: Database, setting: Setting
) -> None:
    async with database.writer() as session, session.begin():
        meeting = await session.get(CoachingSession, setting.sessions[4])
        assert meeting is not None
        meeting.status = S.PLANNED
    await sign_in(site, "pavel")
    card = f"/sessions/{setting.sessions[4]}"
    page = await (await site.get(card)).text()
    assert "Maria Lopez" in page and "It took place" not in page and "Delete" not in page
    refused = await post_form(site, f"{card}/noshow", {}, page=card)
    assert refused.status == 403
    assert (await stored(database, setting.sessions[4])).status is S.PLANNED  # type: ignore[union-attr]


async def test_the_meeting_report_form_files_the_five_parts(
    site: SiteClient, database: Database, setting: Setting
) -> None:
    await sign_in(site, "ivan")
    form = f"/sessions/{setting.sessions[1]}/report"
    page = await (await site.get(form)).text()
    assert "We set goals" in page and 'name="homework"' in page
    empty = await post_form(site, form, {name: "" for name in PARTS})
    assert empty.status == 400
    assert "The report is empty" in await empty.text()
    filed = await post_form(
        site, form, {**{name: "" for name in PARTS}, "homework": "<b>Read a book</b>"}
    )
    assert filed.status == 302
    async with database.reader() as session:
        report = await session.scalar(
            select(MeetingReport).where(MeetingReport.session_id == setting.sessions[1])
        )
    assert report is not None and report.homework == "<b>Read a book</b>"
    assert report.what_happened is None
    card = await (await site.get(f"/sessions/{setting.sessions[1]}")).text()
    assert "&lt;b&gt;Read a book&lt;/b&gt;" in card
    # A planned session has no report yet.
    early = await site.get(f"/sessions/{setting.sessions[5]}/report")
    assert early.status == 400
    assert "has not taken place" in await early.text()


PARTS = ("what_happened", "client_state", "agreements", "homework", "next_steps")


async def count_sessions(database: Database) -> int:
    return len(await everything(database))


async def outbox_rows(database: Database) -> int:
    async with database.reader() as session:
        return len(list(await session.scalars(select(OutboxMessage))))


async def test_planning_a_session_and_its_refusals(
    site: SiteClient, database: Database, setting: Setting
) -> None:
    await sign_in(site, "anna")
    before = await count_sessions(database)
    bad = await post_form(
        site,
        "/sessions/new",
        {"client": "", "coach_id": "", "starts_at": "tomorrow", "minutes": "x", "format": "tv"},
    )
    text = await bad.text()
    assert bad.status == 400
    for said in ("Choose the client", "is not a date and time", "must be a whole number"):
        assert said in text, said
    past = await post_form(
        site,
        "/sessions/new",
        {
            "client": f"#{setting.people.bob.id}",
            "coach_id": str(setting.people.tom.id),
            "starts_at": local_day_of(-400) + "T10:00",
            "minutes": "60",
            "format": "online",
        },
    )
    assert past.status == 400
    assert "A session is recorded at most a year back" in await past.text()
    short = await post_form(
        site,
        "/sessions/new",
        {
            "client": f"#{setting.people.bob.id}",
            "coach_id": str(setting.people.pavel.id),
            "starts_at": local_day_of(3) + "T10:00",
            "minutes": "60",
        },
    )
    assert short.status == 400
    assert "Pavel Orlov does not give sessions" in await short.text()
    assert await count_sessions(database) == before
    planned = await post_form(
        site,
        "/sessions/new",
        {
            "client": f"#{setting.people.bob.id}",
            "coach_id": str(setting.people.tom.id),
            "starts_at": local_day_of(3) + "T18:30",
            "minutes": "90",
            "format": "online",
        },
    )
    assert planned.status == 302, await planned.text()
    new_id = int(planned.headers["Location"].rsplit("/", 1)[1])
    meeting = await stored(database, new_id)
    assert meeting is not None
    assert meeting.coach_id == setting.people.tom.id and meeting.minutes == 90
    assert meeting.starts_at == _start(3, 18).replace(minute=30)
    assert meeting.format is SessionFormat.ONLINE and meeting.video_link
    # Yesterday's meeting, recorded after it happened: nobody told, and it is marked held.
    queued = await outbox_rows(database)
    recorded = await post_form(
        site,
        "/sessions/new",
        {
            "client": f"#{setting.people.bob.id}",
            "coach_id": str(setting.people.tom.id),
            "starts_at": local_day_of(-1) + "T10:00",
            "minutes": "60",
        },
    )
    assert recorded.status == 302, await recorded.text()
    card = recorded.headers["Location"]
    page = await (await site.get(card)).text()
    assert f"Session #{card.rsplit('/', 1)[1]} is recorded; say how it went." in page
    assert "It took place" in page
    assert await outbox_rows(database) == queued
    done = await post_form(site, f"{card}/done", {}, page=card)
    assert done.status == 302
    held = await stored(database, int(card.rsplit("/", 1)[1]))
    assert held is not None and held.status is S.DONE
    # A coach plans for themselves only: the form offers nobody else.
    await sign_in(site, "ivan")
    form = await (await site.get("/sessions/new")).text()
    assert "Ivan Kuznetsov" in form and "Tom Baker" not in form


async def test_changing_and_deleting_a_session(
    site: SiteClient, database: Database, setting: Setting
) -> None:
    await sign_in(site, "ivan")
    edit = f"/sessions/{setting.sessions[5]}/edit"
    page = await (await site.get(edit)).text()
    assert _start(1).astimezone(ZONE).strftime("%Y-%m-%dT%H:%M") in page
    refused = await post_form(
        site, edit, {"starts_at": local_day_of(1) + "T11:00", "minutes": "5", "format": "online"}
    )
    assert refused.status == 400
    assert "A session lasts from 15 to 480 minutes" in await refused.text()
    saved = await post_form(
        site,
        edit,
        {"starts_at": local_day_of(1) + "T11:00", "minutes": "45", "format": "in_person"},
    )
    assert saved.status == 302
    meeting = await stored(database, setting.sessions[5])
    assert meeting is not None and meeting.minutes == 45 and meeting.video_link is None
    assert meeting.starts_at == _start(1, 11)
    over = await site.get(f"/sessions/{setting.sessions[1]}/edit")
    assert over.status == 400  # it took place: nothing to change
    # Deleting is for owners and administrators, and one that took place is kept.
    assert (await site.get(f"/sessions/{setting.sessions[5]}/delete")).status == 403
    await sign_in(site, "anna")
    kept = await post_form(site, f"/sessions/{setting.sessions[1]}/delete", {})
    assert kept.status == 409
    assert "took place and is kept" in await kept.text()
    deleted = await post_form(site, f"/sessions/{setting.sessions[3]}/delete", {})
    assert deleted.status == 302
    assert await stored(database, setting.sessions[3]) is None
    assert await stored(database, setting.sessions[1]) is not None


async def all_requests(database: Database) -> list[CoachingRequest]:
    async with database.reader() as session:
        found = await session.scalars(
            select(CoachingRequest).options(selectinload(CoachingRequest.client))
        )
        return list(found)


async def career_id(database: Database) -> int:
    async with database.reader() as session:
        found = await session.scalar(select(ExpertiseDomain.id))
    assert found is not None
    return int(found)


def listed_requests(page: str) -> list[int]:
    return [int(found) for found in re.findall(r'href="/requests/(\d+)">#', page)]


WantedRequest = Callable[[CoachingRequest, Setting, int], bool]
REQUEST_FILTERS: list[tuple[str, WantedRequest]] = [
    ("", lambda found, _, _d: True),
    ("status=pending", lambda found, _, _d: found.status is RequestStatus.PENDING),
    ("status=refused", lambda found, _, _d: found.status is RequestStatus.REFUSED),
    ("coach={ivan}", lambda found, it, _d: found.coach_id == it.people.ivan.id),
    ("domain={career}", lambda found, _, domain: found.domain_id == domain),
    ("client=Bob", lambda found, _, _d: "Bob" in found.client.full_name),
]


@pytest.mark.parametrize(("query", "wanted"), REQUEST_FILTERS)
async def test_the_request_listing_and_its_csv_give_exactly_the_filtered_rows(
    site: SiteClient, database: Database, setting: Setting, query: str, wanted: WantedRequest
) -> None:
    domain = await career_id(database)
    query = query.format(ivan=setting.people.ivan.id, career=domain)
    expected = {
        found.id for found in await all_requests(database) if wanted(found, setting, domain)
    }
    await sign_in(site, "anna")
    response = await site.get(f"/requests?{query}")
    page = await response.text()
    assert response.status == 200, page
    assert set(listed_requests(page)) == expected
    exported_response = await site.get(f"/requests.csv?{query}")
    assert exported_response.status == 200
    exported_rows = list(csv.DictReader(io.StringIO(await exported_response.text())))
    assert {int(row["id"]) for row in exported_rows} == expected


NAV_LINK = '<a href="/requests">Requests</a>'


async def test_who_sees_which_request(site: SiteClient, setting: Setting) -> None:
    ivans, toms = setting.requests["ivans"], setting.requests["toms"]
    for login, mine in (("ivan", ivans), ("tom", toms)):
        await sign_in(site, login)
        page = await (await site.get("/requests")).text()
        assert listed_requests(page) == [mine] and NAV_LINK in page
        other = toms if mine == ivans else ivans
        assert (await site.get(f"/requests/{other}")).status == 404
    await sign_in(site, "pavel")  # a helper answers no requests
    page = await (await site.get("/requests")).text()
    assert listed_requests(page) == [] and NAV_LINK not in page
    bad = await site.get("/requests?status=maybe&domain=x")
    assert bad.status == 400
    assert "unknown status" in await bad.text()


async def request_status(database: Database, request_id: int) -> CoachingRequest:
    async with database.reader() as session:
        found = await session.get(CoachingRequest, request_id)
    assert found is not None
    return found


async def test_accepting_a_request_plans_the_session_at_the_time_picked(
    site: SiteClient, database: Database, setting: Setting
) -> None:
    page_path = f"/requests/{setting.requests['ivans']}"
    await sign_in(site, "ivan")
    page = await (await site.get(page_path)).text()
    preferred = _start(4, 18).astimezone(ZONE).strftime("%Y-%m-%dT%H:%M")
    assert f'value="{preferred}"' in page and "About my career" in page
    bad = await post_form(
        site, f"{page_path}/accept", {"starts_at": preferred, "minutes": "x"}, page=page_path
    )
    assert bad.status == 400
    assert "must be a whole number" in await bad.text()
    past = await post_form(
        site,
        f"{page_path}/accept",
        {"starts_at": local_day_of(-1) + "T10:00", "minutes": "60"},
        page=page_path,
    )
    assert past.status == 400
    assert "The session must start in the future" in await past.text()
    assert (await request_status(database, setting.requests["ivans"])).status is (
        RequestStatus.PENDING
    )
    accepted = await post_form(
        site,
        f"{page_path}/accept",
        {"starts_at": local_day_of(4) + "T19:00", "minutes": "45", "format": "online"},
        page=page_path,
    )
    assert accepted.status == 302, await accepted.text()
    found = await request_status(database, setting.requests["ivans"])
    assert found.status is RequestStatus.ACCEPTED and found.session_id is not None
    assert accepted.headers["Location"] == f"/sessions/{found.session_id}"
    meeting = await stored(database, found.session_id)
    assert meeting is not None and meeting.status is S.PLANNED
    assert meeting.starts_at == _start(4, 19) and meeting.minutes == 45
    assert meeting.coach_id == setting.people.ivan.id and meeting.video_link
    assert found.answered_at is not None
    assert 'id="answered-at"' in await (await site.get(page_path)).text()
    again = await post_form(site, f"{page_path}/refuse", {"comment": "Too late"}, page="/requests")
    assert again.status == 400
    assert "is already answered" in await again.text()


async def test_refusing_a_request_needs_a_reason(
    site: SiteClient, database: Database, setting: Setting
) -> None:
    page_path = f"/requests/{setting.requests['toms']}"
    await sign_in(site, "tom")
    assert "answered-at" not in await (await site.get(page_path)).text()  # not yet
    silent = await post_form(site, f"{page_path}/refuse", {"comment": "  "}, page=page_path)
    assert silent.status == 400
    assert "Say why the request is refused" in await silent.text()
    refused = await post_form(
        site, f"{page_path}/refuse", {"comment": "<i>Fully booked</i>"}, page=page_path
    )
    assert refused.status == 302
    found = await request_status(database, setting.requests["toms"])
    assert found.status is RequestStatus.REFUSED and found.comment == "<i>Fully booked</i>"
    page = await (await site.get(page_path)).text()
    assert "&lt;i&gt;Fully booked&lt;/i&gt;" in page and "Refuse the request" not in page
    assert found.answered_at is not None
    assert f'Answered: <span id="answered-at">{shown_moment(found.answered_at)}</span>' in page


def shown_moment(moment: datetime) -> str:
    """A moment as the English site shows it, in the business time zone."""
    return format_datetime(moment.astimezone(ZONE), "short", locale="en")


FEED_URL = re.compile(r'<code id="feed-url">https?://[^/<]+(/calendar/[\w-]+\.ics)</code>')


async def test_my_calendar_issues_a_private_address_and_ends_it(
    site: SiteClient, setting: Setting
) -> None:
    await sign_in(site, "ivan")
    page = await (await site.get("/")).text()
    assert 'href="/my-calendar"' in page
    page = await (await site.get("/my-calendar")).text()
    assert "Make a new calendar address" in page and "feed-url" not in page
    issued = await post_form(site, "/my-calendar/issue", {})
    assert issued.status == 200 and issued.headers["Cache-Control"] == "no-store"
    found = FEED_URL.search(await issued.text())
    assert found is not None
    feed = await site.get(found.group(1))
    assert feed.status == 200
    calendar = Calendar.from_ical(await feed.read())
    uids = {str(event["uid"]) for event in calendar.walk("VEVENT")}
    assert uids == {f"session-{setting.sessions[number]}@frontdoor" for number in VISIBLE["ivan"]}
    # A new address ends the old one; stopping ends the new one too.
    again = await post_form(site, "/my-calendar/issue", {})
    newer = FEED_URL.search(await again.text())
    assert newer is not None and newer.group(1) != found.group(1)
    assert (await site.get(found.group(1))).status == 404
    stopped = await post_form(site, "/my-calendar/revoke", {})
    assert "1 calendar address no longer works." in await stopped.text()
    assert (await site.get(newer.group(1))).status == 404


# What people typed in this setting: shown as typed in every language.
TYPED = (
    "Career Ten years in HR Leadership Very useful We set goals About my career Leading a team "
    "http https meet jit si frontdoor test video example rec"
)


@pytest.mark.parametrize("language", ["ru", "fr"])
@pytest.mark.parametrize("login", ["anna", "ivan"])
async def test_the_coaching_pages_speak_the_chosen_language(
    site: SiteClient, database: Database, setting: Setting, language: str, login: str
) -> None:
    sessions, requests = setting.sessions, setting.requests
    pages = [
        ("/sessions", 200),
        ("/sessions?status=lost&from=yesterday", 400),
        (f"/sessions/{sessions[1]}", 200),
        (f"/sessions/{sessions[3]}", 200),
        (f"/sessions/{sessions[5]}", 200),
        ("/sessions/new", 200),
        (f"/sessions/{sessions[5]}/edit", 200),
        (f"/sessions/{sessions[1]}/report", 200),
        ("/requests", 200),
        (f"/requests/{requests['ivans']}", 200),
        ("/my-calendar", 200),
    ]
    if login == "anna":
        pages.append((f"/sessions/{sessions[3]}/delete", 200))
    people_words = await typed_by_people(database) | set(LETTERS.findall(TYPED))
    await sign_in(site, login)

    async def render_all() -> list[str]:
        rendered_pages = [await rendered(site, path, status) for path, status in pages]
        refused = await post_form(
            site, "/sessions/new", {"client": "", "starts_at": "soon", "minutes": "x"}
        )
        issued = await post_form(site, "/my-calendar/issue", {})
        return [*rendered_pages, await refused.text(), await issued.text()]

    await choose(site, "en")
    english = await render_all()
    await choose(site, language)
    translated = await render_all()
    paths = [path for path, _ in pages] + ["planning refused", "calendar issued"]
    left = {
        path: found
        for path, before, after in zip(paths, english, translated, strict=True)
        if (found := untranslated(before, after, people_words, language))
    }
    assert left == {}, f"still in English on the {language} pages: {left}"
    if language == "fr":
        for path, page in zip(paths, translated, strict=True):
            assert cyrillic(page, people_words) == [], path


ODD_VALUES = [
    "",
    "x",
    "-5",
    "0",
    "99999999999999999999",
    "0001-01-01T00:00",
    "9999-12-31T23:59",
    "2026-13-45T99:99",
    "#99999999999",
    "\x00",
    "😀" * 50,
]
FORMS = ["client", "coach_id", "starts_at", "minutes", "format", "comment", "homework"]


@pytest.mark.parametrize("login", ["anna", "ivan"])
async def test_odd_input_anywhere_is_a_page_not_a_server_error(
    site: SiteClient, setting: Setting, login: str
) -> None:
    sessions, requests = setting.sessions, setting.requests
    await sign_in(site, login)
    queries = ["status", "coach", "client", "format", "from", "to", "domain", "after", "before"]
    for value in ODD_VALUES:
        for path in ("/sessions", "/sessions.csv", "/requests", "/requests.csv"):
            for key in queries:
                response = await site.get(path, params={key: value})
                assert response.status < 500, (path, key, value, await response.text())
        for path in ("/sessions/{}", "/sessions/{}/edit", "/requests/{}"):
            response = await site.get(path.format(value.lstrip("#") or "0"))
            assert response.status < 500, (path, value)
        form = dict.fromkeys(FORMS, value)
        for path in (
            "/sessions/new",
            f"/sessions/{sessions[2]}/edit",
            f"/sessions/{sessions[1]}/report",
            f"/requests/{requests['ivans']}/accept",
            f"/requests/{requests['toms']}/refuse",
        ):
            response = await post_form(site, path, form, page="/sessions")
            assert response.status < 500, (path, value, await response.text())


async def statements_for_a_page(database: Database, viewer_id: int) -> tuple[int, int]:
    """How many SQL statements one listing page takes, and how many rows it shows."""
    async with database.reader() as session:
        viewer = await session.get(Employee, viewer_id)
        assert viewer is not None
        with statements(database) as counted:
            page = await list_sessions(session, viewer, SessionFilter(zone=ZONE))
        # Everything a row shows is loaded: reading it now runs no query.
        for row in page.rows:
            _names(row.session), row.session.coach
    return len(counted), len(page.rows)


async def test_a_page_of_sessions_takes_the_same_few_queries_however_many_rows(
    database: Database, setting: Setting
) -> None:
    few, shown = await statements_for_a_page(database, setting.people.anna.id)
    assert shown == 5
    async with database.writer() as session, session.begin():
        for day in range(40):
            session.add(
                CoachingSession(
                    client_id=setting.people.bob.id,
                    coach_id=setting.people.tom.id,
                    starts_at=_start(day + 10),
                    minutes=30,
                    participants=[SessionParticipant(client_id=setting.people.maria.id)],
                    recordings=[],
                )
            )
    many, shown = await statements_for_a_page(database, setting.people.anna.id)
    assert shown == 45
    assert many == few <= 4


async def test_the_listing_pages_through_every_session_once_and_back(
    site: SiteClient, database: Database, setting: Setting
) -> None:
    async with database.writer() as session, session.begin():
        for number in range(110):
            session.add(
                CoachingSession(
                    client_id=setting.people.bob.id,
                    coach_id=setting.people.ivan.id,
                    # Several at the same moment: the id orders them.
                    starts_at=_start(number // 3 + 10),
                    minutes=30,
                    participants=[],
                    recordings=[],
                )
            )
    await sign_in(site, "ivan")
    path = "/sessions?coach=" + str(setting.people.ivan.id)
    seen: list[int] = []
    pages: list[str] = []
    while path:
        page = await (await site.get(path)).text()
        pages.append(path)
        seen += [int(found) for found in re.findall(r'href="/sessions/(\d+)">#', page)]
        found = re.search(r'href="([^"]+)" rel="next"', page)
        path = found.group(1).replace("&amp;", "&") if found else ""
    assert len(seen) == len(set(seen)) == 113  # Ivan's three and the new ones, each once
    assert "113 sessions" in await (await site.get(pages[0])).text()
    # Back from the last page gives the one before it, the same rows.
    last = await (await site.get(pages[-1])).text()
    back = re.search(r'href="([^"]+)" rel="prev"', last)
    assert back is not None
    before = await (await site.get(back.group(1).replace("&amp;", "&"))).text()
    again = await (await site.get(pages[-2])).text()
    assert re.findall(r'href="/sessions/(\d+)">#', before) == re.findall(
        r'href="/sessions/(\d+)">#', again
    )


async def taking_part(database: Database, session_id: int) -> set[int]:
    """The other participants of a session, by card number."""
    async with database.reader() as session:
        found = await session.scalars(
            select(SessionParticipant.client_id).where(SessionParticipant.session_id == session_id)
        )
        return set(found)


async def test_planning_never_widens_what_a_specialist_sees(
    site: SiteClient, database: Database, setting: Setting
) -> None:
    """Ivan (a repair engineer who coaches) and Tom (who also teaches Bob Spanish) cannot name
    Carl, whom neither may see, as a session's client or participant, by card number or
    @username, when planning or changing a session: refused like a client that does not exist,
    and Carl's card, goal and reports stay closed to them. A manager, who sees everyone, may."""
    school = await add_school(database, setting.people)
    people = setting.people
    async with database.writer() as session, session.begin():
        carl = Client(full_name="Carl Jung", phone="+41790000001", username="cjung")
        session.add(carl)
        await session.flush()
        goal = Track(client_id=carl.id, coach_id=setting.olga.id, goal="A calmer week")
        session.add(goal)
        await session.flush()
        progress = ClientReport(track_id=goal.id, author_client_id=carl.id, progress="Better")
        price = school.spanish.price_per_lesson
        session.add_all(
            [
                progress,
                Contract(
                    client_id=people.bob.id,
                    language_id=school.spanish.id,
                    lessons=8,
                    price_per_lesson=price,
                    discount_percent=Decimal(0),
                    total=price * 8,
                    paid=Decimal(0),
                    status=ContractStatus.UNPAID,
                    signed_at=utcnow(),
                    teacher_id=people.tom.id,
                    lessons_given=0,
                ),
            ]
        )
        await session.flush()
        carl_id, goal_id, progress_id = carl.id, goal.id, progress.id
    closed = [
        f"/clients/{carl_id}",
        f"/tracks/{goal_id}",
        f"/reports/progress/{progress_id}",
        f"/reports/clients/{carl_id}",
    ]
    before = await count_sessions(database)
    nobody = "That client does not exist"
    for login, coach, theirs in (("ivan", people.ivan, 5), ("tom", people.tom, 2)):
        await sign_in(site, login)
        for path in closed:
            assert (await site.get(path)).status == 404, (login, path)
        form = {
            "client": f"#{people.bob.id}",
            "coach_id": str(coach.id),
            "starts_at": local_day_of(3) + "T10:00",
            "minutes": "60",
            "format": "in_person",
        }
        for named, said in (
            ({"client": f"#{carl_id}"}, nobody),
            ({"client": str(carl_id)}, nobody),
            ({"client": "#99999"}, nobody),  # one that does not exist: the same answer
            ({"participants": f"#{carl_id}"}, nobody),
            ({"participants": f"{people.maria.id}, {carl_id}"}, nobody),
            ({"participants": "@cjung"}, "No client @cjung"),
            ({"participants": "@nobody"}, "No client @nobody"),
        ):
            refused = await post_form(site, "/sessions/new", {**form, **named})
            assert refused.status == 400, (login, named)
            assert said in await refused.text(), (login, named)
        edit = f"/sessions/{setting.sessions[theirs]}/edit"
        changed = {"starts_at": local_day_of(4) + "T10:00", "minutes": "60", "format": "online"}
        for others in (f"#{carl_id}", "@cjung"):
            refused = await post_form(site, edit, {**changed, "participants": others})
            assert refused.status == 400, (login, others)
        for path in closed:
            assert (await site.get(path)).status == 404, (login, path)
    assert await count_sessions(database) == before
    assert await taking_part(database, setting.sessions[5]) == set()

    # Whom a coach sees may join: Ivan adds Maria (his client of session 1) to session 5.
    await sign_in(site, "ivan")
    edit = f"/sessions/{setting.sessions[5]}/edit"
    changed = {"starts_at": local_day_of(4) + "T10:00", "minutes": "60", "format": "online"}
    saved = await post_form(site, edit, {**changed, "participants": f"#{people.maria.id}"})
    assert saved.status == 302, await saved.text()
    assert await taking_part(database, setting.sessions[5]) == {people.maria.id}
    assert f"#{people.maria.id}" in await (await site.get(edit)).text()
    # A manager sees everyone: Anna plans Tom's group session with Bob, Carl and Maria.
    await sign_in(site, "anna")
    planned = await post_form(
        site,
        "/sessions/new",
        {
            "client": f"#{people.bob.id}",
            "participants": f"@cjung, #{people.maria.id}",
            "coach_id": str(people.tom.id),
            "starts_at": local_day_of(3) + "T10:00",
            "minutes": "60",
            "format": "in_person",
        },
    )
    assert planned.status == 302, await planned.text()
    group_id = int(planned.headers["Location"].rsplit("/", 1)[1])
    assert await taking_part(database, group_id) == {carl_id, people.maria.id}
    page = await (await site.get(planned.headers["Location"])).text()
    assert "Carl Jung" in page and "Maria Lopez" in page
    # Taken out again by changing the session.
    edit = planned.headers["Location"] + "/edit"
    saved = await post_form(site, edit, {**changed, "participants": "@cjung"})
    assert saved.status == 302, await saved.text()
    assert await taking_part(database, group_id) == {carl_id}
