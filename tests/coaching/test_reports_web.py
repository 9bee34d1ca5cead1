"""Coaching reports on the admin site, through aiohttp's test client on a real database: the
listing of the three kinds and its CSV against rows computed here from the tables, who sees
which report (a coach report is its coach's and the managers' only, in the listing, the CSV and
at its own address), bad filters and bad forms refused with nothing changed, a meeting report
filed and changed on the site, and the pages in Russian and French."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import pytest
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import select

from bot.sandbox.telegram import FakeTelegram
from crm.settings import Settings
from db.base import utcnow
from db.engine import Database
from db.enums import Role, SessionStatus
from db.models import (
    ClientReport,
    CoachingSession,
    CoachReport,
    Employee,
    MeetingReport,
    OutboxMessage,
    Track,
)
from tests.support.desk import People, add_people
from tests.support.site import Client as SiteClient
from tests.support.site import give_logins, post_form, sign_in
from tests.test_site_i18n import cyrillic, untranslated
from web.app import create_app

SECRET = "test-secret-key"
Key = tuple[str, int]  # (kind, report id)
LINK = re.compile(r'href="/reports/(meeting|progress|coach)/(\d+)"')
PATH_KIND = {"meeting": "meeting", "progress": "client", "coach": "coach"}
KIND_PATH = {kind: path for path, kind in PATH_KIND.items()}


@dataclass
class Setting:
    people: People
    olga: Employee
    sessions: dict[str, int]
    reports: dict[str, Key]  # a name here -> (kind, id)


def ago(days: int, hours: int = 0) -> datetime:
    return utcnow() - timedelta(days=days, hours=hours)


@pytest.fixture
async def setting(database: Database) -> Setting:
    """Ivan coaches Maria (Pavel helps her), Tom coaches Bob; each coach has a meeting report,
    a client's progress report on a track and a coach report of his own."""
    people = await add_people(database, FakeTelegram("1:t"))
    p = people
    async with database.writer() as session, session.begin():
        olga = Employee(full_name="Olga Smirnova", username="olga", role=Role.OWNER)
        held_maria = CoachingSession(
            client_id=p.maria.id,
            coach_id=p.ivan.id,
            starts_at=ago(5),
            minutes=60,
            status=SessionStatus.DONE,
        )
        held_bob = CoachingSession(
            client_id=p.bob.id,
            coach_id=p.tom.id,
            starts_at=ago(3),
            minutes=60,
            status=SessionStatus.DONE,
        )
        unreported = CoachingSession(
            client_id=p.maria.id,
            coach_id=p.ivan.id,
            starts_at=ago(1),
            minutes=60,
            status=SessionStatus.DONE,
        )
        planned = CoachingSession(
            client_id=p.maria.id,
            coach_id=p.ivan.id,
            starts_at=ago(-2),
            minutes=60,
            status=SessionStatus.PLANNED,
        )
        maria_track = Track(client_id=p.maria.id, coach_id=p.ivan.id, goal="A new job")
        bob_track = Track(client_id=p.bob.id, coach_id=p.tom.id, goal="Run a marathon")
        session.add_all([olga, held_maria, held_bob, unreported, planned, maria_track, bob_track])
        await session.flush()
        rows: dict[str, MeetingReport | ClientReport | CoachReport] = {
            "maria_meeting": MeetingReport(
                session_id=held_maria.id,
                author_id=p.ivan.id,
                what_happened="Talked about the CV",
                homework="Rewrite the CV",
                created_at=ago(4),
            ),
            "bob_meeting": MeetingReport(
                session_id=held_bob.id,
                author_id=p.tom.id,
                what_happened="Training plan",
                created_at=ago(2),
            ),
            "maria_progress": ClientReport(
                track_id=maria_track.id,
                author_client_id=p.maria.id,
                progress="Sent three applications",
                created_at=ago(3),
            ),
            "bob_progress": ClientReport(
                track_id=bob_track.id,
                author_employee_id=p.tom.id,
                progress="Ran 10 km",
                created_at=ago(1),
            ),
            "ivan_self": CoachReport(
                coach_id=p.ivan.id,
                session_id=held_maria.id,
                results="Maria opened up",
                supervision_request="How to handle her anxiety",
                created_at=ago(4, 1),
            ),
            "tom_self": CoachReport(
                coach_id=p.tom.id,
                period_start=date(2026, 11, 1),
                period_end=date(2026, 11, 30),
                self_reflection="Tired this month",
                created_at=ago(1, 1),
            ),
        }
        session.add_all(rows.values())
        await session.flush()
        kinds = {MeetingReport: "meeting", ClientReport: "client", CoachReport: "coach"}
        reports = {name: (kinds[type(row)], row.id) for name, row in rows.items()}
        sessions = {
            "held_maria": held_maria.id,
            "held_bob": held_bob.id,
            "unreported": unreported.id,
            "planned": planned.id,
        }
    await give_logins(database, olga, p.anna, p.ivan, p.tom, p.pavel)
    return Setting(people, olga, sessions, reports)


@pytest.fixture
async def site(database: Database, setting: Setting) -> AsyncIterator[SiteClient]:
    app = create_app(Settings(_env_file=None), database, secret_key=SECRET)
    async with TestClient(TestServer(app)) as client:
        yield client


@dataclass(frozen=True)
class Written:
    """A report as this test reads it from the tables."""

    key: Key
    at: datetime
    client_id: int | None
    coach_id: int | None


async def every_report(database: Database) -> list[Written]:
    async with database.reader() as session:
        meetings = (
            await session.execute(
                select(
                    MeetingReport.id,
                    MeetingReport.created_at,
                    CoachingSession.client_id,
                    CoachingSession.coach_id,
                ).join(CoachingSession, CoachingSession.id == MeetingReport.session_id)
            )
        ).all()
        progress = (
            await session.execute(
                select(
                    ClientReport.id, ClientReport.created_at, Track.client_id, Track.coach_id
                ).join(Track, Track.id == ClientReport.track_id)
            )
        ).all()
        coaches = (
            await session.execute(
                select(
                    CoachReport.id,
                    CoachReport.created_at,
                    CoachingSession.client_id,
                    CoachReport.coach_id,
                ).outerjoin(CoachingSession, CoachingSession.id == CoachReport.session_id)
            )
        ).all()
    found = []
    for kind, rows in (("meeting", meetings), ("client", progress), ("coach", coaches)):
        found += [Written((kind, row[0]), row[1], row[2], row[3]) for row in rows]
    return found


def listed(page: str) -> list[Key]:
    return [(PATH_KIND[path], int(number)) for path, number in LINK.findall(page)]


async def exported(site: SiteClient, query: str) -> list[Key]:
    response = await site.get(f"/reports.csv?{query}")
    assert response.status == 200, await response.text()
    return [
        (row["kind"], int(row["id"])) for row in csv.DictReader(io.StringIO(await response.text()))
    ]


def names(setting: Setting, keys: list[Key]) -> set[str]:
    return {name for name, key in setting.reports.items() if key in keys}


@pytest.mark.parametrize(
    ("query", "wanted"),
    [
        ("", lambda r, p, d: True),
        ("kind=meeting", lambda r, p, d: r.key[0] == "meeting"),
        ("kind=client&kind=coach", lambda r, p, d: r.key[0] in ("client", "coach")),
        ("coach={ivan}", lambda r, p, d: r.coach_id == p.ivan.id),
        ("client=Maria", lambda r, p, d: r.client_id == p.maria.id),
        ("client={bob}", lambda r, p, d: r.client_id == p.bob.id),
        ("client=7700 900001", lambda r, p, d: r.client_id == p.bob.id),  # part of Bob's phone
        ("from={days_ago_2}", lambda r, p, d: r.at.date() >= d(2)),
        ("to={days_ago_3}", lambda r, p, d: r.at.date() <= d(3)),
        (
            "kind=coach&coach={tom}&from={days_ago_5}",
            lambda r, p, d: r.key[0] == "coach" and r.coach_id == p.tom.id and r.at.date() >= d(5),
        ),
    ],
)
async def test_the_listing_and_its_csv_give_exactly_the_rows_the_tables_say(
    site: SiteClient, database: Database, setting: Setting, query: str, wanted: object
) -> None:
    p = setting.people
    today = utcnow().date()

    def days_ago(days: int) -> date:
        return today - timedelta(days=days)

    query = query.format(
        ivan=p.ivan.id,
        tom=p.tom.id,
        bob=p.bob.id,
        days_ago_2=days_ago(2),
        days_ago_3=days_ago(3),
        days_ago_5=days_ago(5),
    )
    assert callable(wanted)
    rows = [row for row in await every_report(database) if wanted(row, p, days_ago)]
    expected = [row.key for row in sorted(rows, key=lambda row: row.at, reverse=True)]
    await sign_in(site, "olga")
    response = await site.get(f"/reports?{query}")
    page = await response.text()
    assert response.status == 200, page
    assert listed(page) == expected  # newest written first
    assert await exported(site, query) == expected


async def test_a_row_shows_kind_date_people_subject_and_excerpt(
    site: SiteClient, setting: Setting
) -> None:
    await sign_in(site, "anna")
    page = await (await site.get("/reports")).text()
    _kind, number = setting.reports["maria_meeting"]
    row = page[page.index(f'href="/reports/meeting/{number}"') :].split("</tr>")[0]
    for said in ("meeting report", "Maria Lopez", "Ivan Kuznetsov", "Talked about the CV"):
        assert said in row, said
    assert f"session #{setting.sessions['held_maria']}" in row
    _kind, number = setting.reports["maria_progress"]
    row = page[page.index(f'href="/reports/progress/{number}"') :].split("</tr>")[0]
    assert "track #" in row and "A new job" in row and "Sent three applications" in row
    _kind, number = setting.reports["tom_self"]
    row = page[page.index(f'href="/reports/coach/{number}"') :].split("</tr>")[0]
    assert "Tom Baker" in row and "Tired this month" in row and "Nov" in row


# Who reads which report: managers all; a coach his clients' and his own coach report; the
# helper his client's meeting and progress reports, never a coach report.
VISIBLE = {
    "olga": {
        "maria_meeting",
        "bob_meeting",
        "maria_progress",
        "bob_progress",
        "ivan_self",
        "tom_self",
    },
    "anna": {
        "maria_meeting",
        "bob_meeting",
        "maria_progress",
        "bob_progress",
        "ivan_self",
        "tom_self",
    },
    "ivan": {"maria_meeting", "maria_progress", "ivan_self"},
    "tom": {"bob_meeting", "bob_progress", "tom_self"},
    "pavel": {"maria_meeting", "maria_progress"},
}


@pytest.mark.parametrize("login", sorted(VISIBLE))
async def test_each_person_sees_exactly_the_reports_the_rules_give_them(
    site: SiteClient, setting: Setting, login: str
) -> None:
    await sign_in(site, login)
    page = await (await site.get("/reports")).text()
    assert names(setting, listed(page)) == VISIBLE[login]
    assert names(setting, await exported(site, "")) == VISIBLE[login]
    assert names(setting, await exported(site, "kind=coach")) == VISIBLE[login] & {
        "ivan_self",
        "tom_self",
    }
    for name, (kind, number) in setting.reports.items():
        response = await site.get(f"/reports/{KIND_PATH[kind]}/{number}")
        assert response.status == (200 if name in VISIBLE[login] else 404), (login, name)
    # Nobody's coach report turns up by its coach's name either.
    other = {"ivan": "tom", "tom": "ivan"}.get(login)
    if other:
        coach_id = getattr(setting.people, other).id
        assert await exported(site, f"kind=coach&coach={coach_id}") == []


async def test_a_coach_reads_his_own_coach_report_with_every_part(
    site: SiteClient, setting: Setting
) -> None:
    await sign_in(site, "ivan")
    _kind, number = setting.reports["ivan_self"]
    page = await (await site.get(f"/reports/coach/{number}")).text()
    for said in ("Maria opened up", "How to handle her anxiety", "Supervision request"):
        assert said in page


@pytest.mark.parametrize(
    ("query", "said"),
    [
        ("kind=diary", "Unknown kind of report"),
        ("coach=@tom", "The coach is an employee&#39;s number"),
        ("from=yesterday", "Write the date as YYYY-MM-DD"),
        ("to=1200-01-01", "A date between"),
        ("client=9999999999999999999999", "That client number is out of range"),
        ("from=2026-05-02&to=2026-05-01", "The start date is after the end date"),
        ("after=not-a-cursor", "That page link is broken"),
        ("after=coach.bm90aGluZw", "That page link is broken"),
    ],
)
async def test_a_filter_it_cannot_read_is_a_400_saying_why(
    site: SiteClient, query: str, said: str
) -> None:
    await sign_in(site, "anna")
    response = await site.get(f"/reports?{query}")
    assert response.status == 400
    assert said in await response.text()
    if not query.startswith("after="):
        assert (await site.get(f"/reports.csv?{query}")).status == 400


async def test_the_listing_pages_through_every_report_once(
    site: SiteClient, database: Database, setting: Setting
) -> None:
    async with database.writer() as session, session.begin():
        track = await session.scalar(select(Track).where(Track.goal == "A new job"))
        assert track
        moment = ago(10)
        for number in range(60):  # many at one moment: the kind and the id break ties
            session.add(
                ClientReport(track_id=track.id, progress=f"step {number}", created_at=moment)
            )
            session.add(
                CoachReport(
                    coach_id=setting.people.ivan.id,
                    period_start=date(2026, 1, 1),
                    period_end=date(2026, 1, 2),
                    results=f"r{number}",
                    created_at=moment,
                )
            )
    await sign_in(site, "anna")
    seen: list[Key] = []
    url = "/reports?client=Maria"
    pages = []
    while url:
        page = await (await site.get(url)).text()
        pages.append(url)
        seen += listed(page)
        found = re.search(r'href="([^"]+)" rel="next"', page)
        url = found.group(1).replace("&amp;", "&") if found else ""
    # Maria's: her meeting report, her progress reports, and Ivan's coach report on her session.
    assert len(seen) == len(set(seen)) == 63 and len(pages) == 2
    everything = await exported(site, "")
    assert len(everything) == len(set(everything)) == 126
    previous = re.search(r'href="([^"]+)" rel="prev"', page)
    assert previous
    back = await (await site.get(previous.group(1).replace("&amp;", "&"))).text()
    assert listed(back) == seen[:50]


async def report_parts(database: Database, report_id: int) -> tuple[str | None, ...]:
    async with database.reader() as session:
        found = await session.get(MeetingReport, report_id)
    assert found
    return (found.what_happened, found.client_state, found.agreements, found.homework)


async def test_the_coach_changes_a_meeting_report_and_others_may_not(
    site: SiteClient, database: Database, setting: Setting
) -> None:
    _kind, number = setting.reports["maria_meeting"]
    path = f"/reports/meeting/{number}/edit"
    before = await report_parts(database, number)
    await sign_in(site, "pavel")  # sees it, may not file it
    assert (await site.get(f"/reports/meeting/{number}")).status == 200
    assert (
        'href="/reports/meeting/' + str(number) + '/edit"'
        not in await (await site.get(f"/reports/meeting/{number}")).text()
    )
    assert (await site.get(path)).status == 403
    await sign_in(site, "tom")  # does not even see it
    assert (await site.get(path)).status == 404
    await sign_in(site, "ivan")
    empty = await post_form(site, path, {name: " " for name in ("what_happened", "homework")})
    assert empty.status == 400
    assert "The report is empty" in await empty.text()
    too_long = await post_form(site, path, {"what_happened": "x" * 100_001})
    assert too_long.status == 400
    assert "longer than" in await too_long.text()
    assert await report_parts(database, number) == before
    saved = await post_form(
        site, path, {"what_happened": "Talked about the CV", "agreements": "Weekly calls"}
    )
    assert saved.status == 302 and saved.headers["Location"] == f"/reports/meeting/{number}"
    assert await report_parts(database, number) == (
        "Talked about the CV",
        None,
        "Weekly calls",
        None,
    )
    page = await (await site.get(f"/reports/meeting/{number}")).text()
    assert "Meeting report saved." in page and "Weekly calls" in page


async def test_a_meeting_report_is_filed_on_the_site_for_a_session_held(
    site: SiteClient, database: Database, setting: Setting
) -> None:
    await sign_in(site, "ivan")
    planned = await site.get(f"/reports/meeting/new?session={setting.sessions['planned']}")
    assert planned.status == 400 and "has not taken place" in await planned.text()
    assert (
        await site.get(f"/reports/meeting/new?session={setting.sessions['held_bob']}")
    ).status == 404
    assert (await site.get("/reports/meeting/new?session=abc")).status == 404
    path = f"/reports/meeting/new?session={setting.sessions['unreported']}"
    filed = await post_form(site, path, {"what_happened": "Mock interview", "next_steps": "More"})
    assert filed.status == 302
    async with database.reader() as session:
        report = await session.scalar(
            select(MeetingReport).where(MeetingReport.session_id == setting.sessions["unreported"])
        )
    assert (
        report
        and report.what_happened == "Mock interview"
        and report.author_id == setting.people.ivan.id
    )
    assert filed.headers["Location"] == f"/reports/meeting/{report.id}"


async def test_a_coach_files_his_own_coach_report_on_the_site_with_errors_by_their_fields(
    site: SiteClient, database: Database, setting: Setting
) -> None:
    await sign_in(site, "ivan")
    assert 'href="/reports/coach/new"' in await (await site.get("/reports")).text()
    unreported = setting.sessions["unreported"]
    form = await site.get(f"/reports/coach/new?session={unreported}")
    assert form.status == 200 and f'name="session_id" value="{unreported}"' in await form.text()
    path = "/reports/coach/new"

    async def refused(data: dict[str, str], field: str, says: str) -> None:
        answer = await post_form(site, path, data)
        assert answer.status == 400
        page = await answer.text()
        shown = re.search(rf'<div class="error" id="{field}-error">([^<]*)</div>', page)
        found = shown.group(1) if shown else re.search(r'role="alert">([^<]*)<', page)
        assert found is not None and says in (found if isinstance(found, str) else found[1]), (
            field,
            page,
        )

    await refused({"session_id": str(unreported)}, "_form", "The report is empty")
    await refused(
        {"session_id": str(setting.sessions["held_bob"]), "results": "x"},
        "session_id",
        "does not exist",
    )
    await refused({"session_id": "abc", "results": "x"}, "session_id", "must be a whole number")
    await refused({"period_start": "2026-11-01", "results": "x"}, "period_end", "first and last")
    await refused(
        {"period_start": "2026-11-30", "period_end": "2026-11-01", "results": "x"},
        "period_end",
        "The period ends before it starts",
    )
    await refused(
        {
            "session_id": str(unreported),
            "period_start": "2026-11-01",
            "period_end": "2026-11-30",
            "results": "x",
        },
        "_form",
        "one session or one period",
    )
    on_session = await post_form(
        site, path, {"session_id": str(unreported), "results": "Calmer <now>"}
    )
    assert on_session.status == 302
    on_period = await post_form(
        site,
        path,
        {"period_start": "2026-11-01", "period_end": "2026-11-30", "development_tasks": "Read"},
    )
    assert on_period.status == 302
    async with database.reader() as session:
        filed = list(
            await session.scalars(
                select(CoachReport)
                .where(CoachReport.coach_id == setting.people.ivan.id)
                .order_by(CoachReport.id.desc())
                .limit(2)
            )
        )
    period, meeting = filed
    assert (meeting.session_id, meeting.results) == (unreported, "Calmer <now>")
    assert (period.period_start, period.period_end, period.development_tasks) == (
        date(2026, 11, 1),
        date(2026, 11, 30),
        "Read",
    )
    assert on_session.headers["Location"] == f"/reports/coach/{meeting.id}"
    page = await (await site.get(f"/reports/coach/{meeting.id}")).text()
    assert "Calmer &lt;now&gt;" in page

    await post_form(site, "/sign-out", {}, page="/")
    await sign_in(site, "pavel")  # a helper writes no coach reports
    assert 'href="/reports/coach/new"' not in await (await site.get("/reports")).text()
    assert (await site.get(path)).status == 403


async def test_a_tracks_coach_or_a_manager_files_a_progress_report_on_the_site(
    site: SiteClient, database: Database, setting: Setting
) -> None:
    async with database.reader() as session:
        tracks = {track.goal: track.id for track in await session.scalars(select(Track))}
    marias, bobs = tracks["A new job"], tracks["Run a marathon"]
    await sign_in(site, "ivan")  # Maria's track's coach
    assert (
        f'href="/tracks/{marias}/reports/new"' in await (await site.get(f"/tracks/{marias}")).text()
    )
    path = f"/tracks/{marias}/reports/new"
    empty = await post_form(site, path, {"progress": "   "})
    assert empty.status == 400
    assert re.search(r'<div class="error" id="progress-error">[^<]+</div>', await empty.text())
    filed = await post_form(site, path, {"progress": "Two interviews <booked>"})
    assert filed.status == 302
    async with database.reader() as session:
        report = await session.scalar(select(ClientReport).order_by(ClientReport.id.desc()))
        told = list(await session.scalars(select(OutboxMessage)))
    assert report is not None and report.track_id == marias
    assert report.author_employee_id == setting.people.ivan.id
    assert filed.headers["Location"] == f"/reports/progress/{report.id}"
    shown = await (await site.get(filed.headers["Location"])).text()
    assert "Two interviews &lt;booked&gt;" in shown
    ivan = setting.people.ivan.telegram_id
    assert any(  # the track's coach is told, as when the client files it in the bot
        message.chat_id == ivan and "Two interviews" in message.payload["text"] for message in told
    )
    assert (await site.get(f"/tracks/{bobs}/reports/new")).status == 404  # not his client

    await post_form(site, "/sign-out", {}, page="/")
    await sign_in(site, "pavel")  # Maria's helper reads her track, files nothing on it
    assert "/reports/new" not in await (await site.get(f"/tracks/{marias}")).text()
    assert (await site.get(path)).status == 403
    assert (await post_form(site, path, {"progress": "x"}, page=f"/tracks/{marias}")).status == 403

    await post_form(site, "/sign-out", {}, page="/")
    await sign_in(site, "olga")  # a manager, on any track
    by_owner = await post_form(site, f"/tracks/{bobs}/reports/new", {"progress": "Half way"})
    assert by_owner.status == 302


@pytest.mark.parametrize("language", ["ru", "fr"])
async def test_the_report_pages_speak_russian_and_french(
    site: SiteClient, setting: Setting, language: str
) -> None:
    await sign_in(site, "anna")
    people_words = {
        "Maria", "Lopez", "Bob", "Stone", "Ivan", "Kuznetsov", "Tom", "Baker", "Anna",
        "Petrova", "Talked", "about", "the", "CV", "Rewrite", "Training", "plan", "Sent",
        "three", "applications", "Ran", "km", "opened", "up", "How", "to", "handle", "her",
        "anxiety", "Tired", "this", "month", "new", "job", "Run", "marathon", "Olga",
        "Smirnova", "Pavel", "Orlov", "Nov",
    }  # fmt: skip
    numbers = {name: number for name, (_kind, number) in setting.reports.items()}
    paths = [
        ("/reports", 200),
        ("/reports?kind=x&from=y", 400),
        (f"/reports/meeting/{numbers['maria_meeting']}", 200),
        (f"/reports/meeting/{numbers['maria_meeting']}/edit", 200),
        (f"/reports/progress/{numbers['bob_progress']}", 200),
        (f"/reports/coach/{numbers['ivan_self']}", 200),
        (f"/reports/meeting/new?session={setting.sessions['planned']}", 400),
    ]

    async def rendered() -> list[str]:
        pages = []
        for path, status in paths:
            response = await site.get(path)
            assert response.status == status, path
            pages.append(await response.text())
        return pages

    await post_form(site, "/language", {"language": "en"}, page="/reports")
    english = await rendered()
    await post_form(site, "/language", {"language": language}, page="/reports")
    translated = await rendered()
    for (path, _status), before, after in zip(paths, english, translated, strict=True):
        assert untranslated(before, after, people_words, language) == [], path
        if language == "fr":
            assert cyrillic(after, people_words) == [], path


WEIRD = ["\x00", "9" * 40, "-1", "é✓", "2026-02-30", "coach.", "%", " ", "0"]


@pytest.mark.parametrize("key", ["kind", "coach", "client", "from", "to", "after", "before"])
async def test_no_filter_value_gets_a_server_error(site: SiteClient, key: str) -> None:
    await sign_in(site, "ivan")
    for value in WEIRD:
        for path in ("/reports", "/reports.csv"):
            response = await site.get(path, params={key: value})
            assert response.status in (200, 400), (path, key, value, response.status)
            await response.read()


@pytest.mark.parametrize(
    "path",
    [
        "/reports/meeting/{}",
        "/reports/meeting/{}/edit",
        "/reports/progress/{}",
        "/reports/coach/{}",
        "/reports/meeting/new?session={}",
        "/programs/{}",
        "/programs/{}/edit",
        "/programs/{}/delete",
        "/products/{}/edit",
        "/products/{}/delete",
        "/products/{}/sell",
    ],
)
async def test_an_id_no_record_has_is_a_404(site: SiteClient, path: str) -> None:
    await sign_in(site, "anna")
    for number in ("0", "999999", "9" * 30):
        response = await site.get(path.format(number))
        assert response.status == 404, (path, number)
