"""Tracks and coach profiles on the site, on a real database: a track opened from the client page
and moved through (steps, strategy, schedule, achieved once), the strategy refused to a client
by the service, coach profiles and the domain catalog; bad input is a clear message that
changes nothing, never a 500. The new pages speak Russian and French."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import pytest
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import func, select

from crm.coaching.tracks import add_strategy, track_for
from crm.errors import PermissionDenied
from crm.settings import Settings
from db.base import utcnow
from db.engine import Database
from db.enums import Role, TrackStatus
from db.models import (
    ClientStep,
    CoachingRequest,
    CoachProfile,
    Employee,
    ExpertiseDomain,
    StrategyEntry,
    Track,
)
from tests.overview.test_client_timeline_web import Coaching, add_coaching
from tests.support.site import Client as SiteClient
from tests.support.site import post_form, sign_in
from tests.test_site_i18n import choose, typed_by_people, untranslated
from web.app import create_app

SECRET = "test-secret-key"


@pytest.fixture
async def coaching(database: Database) -> Coaching:
    return await add_coaching(database)


@pytest.fixture
async def site(database: Database, coaching: Coaching) -> AsyncIterator[SiteClient]:
    app = create_app(Settings(_env_file=None), database, secret_key=SECRET)
    async with TestClient(TestServer(app)) as client:
        yield client


async def count(database: Database, entity: type) -> int:
    async with database.reader() as session:
        return int(await session.scalar(select(func.count()).select_from(entity)) or 0)


async def track(database: Database, track_id: int) -> Track:
    async with database.reader() as session:
        found = await session.get(Track, track_id)
    assert found is not None
    return found


def said(page: str) -> str:
    return page.replace("&#39;", "'").replace("&quot;", '"')


async def test_a_track_is_opened_from_the_client_page_and_moved_through(
    site: SiteClient, coaching: Coaching, database: Database
) -> None:
    people = coaching.people
    await sign_in(site, "ivan")
    client_page = await (await site.get(f"/clients/{people.maria.id}")).text()
    assert f'href="/clients/{people.maria.id}/tracks/new"' in client_page
    new = f"/clients/{people.maria.id}/tracks/new"
    tracks_before = await count(database, Track)
    for data, message in (
        ({"goal": "  "}, "The text must not be empty"),
        ({"goal": "Run", "report_every_days": "500"}, "every 1 to 91 days"),
        ({"goal": "Run", "report_every_days": "often"}, "must be a whole number"),
        ({"goal": "Run", "coach_id": "x"}, "Coach must be a whole number"),
        # A helper is nobody's coach: he would be sent the client's progress reports.
        ({"goal": "Run", "coach_id": str(people.pavel.id)}, "Pavel Orlov is not a coach"),
        ({"goal": "Run", "coach_id": "999999"}, "That employee does not exist"),
    ):
        refused = await post_form(site, new, data)
        assert refused.status == 400, data
        assert message in said(await refused.text()), data
    assert await count(database, Track) == tracks_before

    opened = await post_form(
        site,
        new,
        {
            "goal": "Run <b>a</b> marathon",
            "coach_id": str(people.ivan.id),
            "report_every_days": "7",
        },
    )
    assert opened.status == 302, await opened.text()
    path = opened.headers["Location"]
    track_id = int(path.rsplit("/", 1)[1])
    page = await (await site.get(path)).text()
    assert "Run &lt;b&gt;a&lt;/b&gt; marathon" in page  # escaped
    assert "every 7 days" in page and "Ivan Kuznetsov" in page

    # Steps: a bad date is refused, a good one added and ticked off once.
    refused = await post_form(site, f"{path}/step", {"text": "Buy shoes", "due": "soon"}, page=path)
    assert refused.status == 400 and "Due must be a date" in await refused.text()
    refused = await post_form(site, f"{path}/step", {"text": " "}, page=path)
    assert refused.status == 400 and "The text must not be empty" in await refused.text()
    assert await count(database, ClientStep) == 0
    added = await post_form(
        site, f"{path}/step", {"text": "Buy shoes", "due": "2030-05-01"}, page=path
    )
    assert added.status == 302
    async with database.reader() as session:
        step = await session.scalar(select(ClientStep))
    assert step is not None and str(step.due) == "2030-05-01"
    page = await (await site.get(path)).text()
    assert "Buy shoes" in page and "2030" in page
    done = await post_form(site, f"{path}/steps/{step.id}/done", {}, page=path)
    assert done.status == 302
    again = await post_form(site, f"{path}/steps/{step.id}/done", {}, page=path)
    assert again.status == 400 and "That step is already done" in await again.text()
    elsewhere = await post_form(
        site, f"/tracks/{coaching.ids['track']}/steps/{step.id}/done", {}, page=path
    )
    assert elsewhere.status == 400

    # The coach's strategy, and the report schedule.
    refused = await post_form(site, f"{path}/strategy", {"strategy": ""}, page=path)
    assert refused.status == 400 and "The text must not be empty" in await refused.text()
    wrote = await post_form(site, f"{path}/strategy", {"strategy": "Small wins first"}, page=path)
    assert wrote.status == 302
    refused = await post_form(site, f"{path}/schedule", {"report_every_days": "100"}, page=path)
    assert refused.status == 400 and "every 1 to 91 days" in await refused.text()
    assert (await track(database, track_id)).report_every_days == 7
    kept = await post_form(site, f"{path}/schedule", {"report_every_days": "14"}, page=path)
    assert kept.status == 302
    page = await (await site.get(path)).text()
    assert "Small wins first" in page and "every 14 days" in page
    stopped = await post_form(site, f"{path}/schedule", {"report_every_days": ""}, page=path)
    assert stopped.status == 302
    assert (await track(database, track_id)).report_every_days is None

    # Achieved, once: dropping it afterwards is refused and changes nothing.
    achieved = await post_form(site, f"{path}/achieved", {}, page=path)
    assert achieved.status == 302
    page = await (await site.get(path)).text()
    assert "achieved" in page and f'action="{path}/dropped"' not in page
    dropped = await post_form(site, f"{path}/dropped", {}, page=path)
    assert (
        dropped.status == 400 and f"Track #{track_id} is already achieved" in await dropped.text()
    )
    assert (await track(database, track_id)).status is TrackStatus.ACHIEVED


async def test_a_track_a_helper_opens_has_a_coach_never_the_helper(
    site: SiteClient, coaching: Coaching, database: Database
) -> None:
    """Pavel helps Maria, who has no coach of her own: the goal he opens has no coach until one
    is chosen, rather than Pavel."""
    people = coaching.people
    await sign_in(site, "pavel")
    opened = await post_form(site, f"/clients/{people.maria.id}/tracks/new", {"goal": "Sleep"})
    assert opened.status == 302, await opened.text()
    opened_track = await track(database, int(opened.headers["Location"].rsplit("/", 1)[1]))
    assert opened_track.coach_id is None


async def test_the_track_page_lists_the_clients_reports_and_hides_from_strangers(
    site: SiteClient, coaching: Coaching, database: Database
) -> None:
    path = f"/tracks/{coaching.ids['track']}"
    await sign_in(site, "pavel")  # Maria's helper
    page = await (await site.get(path)).text()
    assert f'href="/reports/progress/{coaching.ids["progress"]}"' in page and "Half way" in page
    async with database.writer() as session, session.begin():
        session.add(Employee(full_name="Lena", username="lena", role=Role.HELPER))
    from tests.support.site import give_logins

    async with database.reader() as session:
        lena = await session.scalar(select(Employee).where(Employee.username == "lena"))
    assert lena is not None
    await give_logins(database, lena)
    await sign_in(site, "lena")
    assert (await site.get(path)).status == 404
    assert (await site.get(f"/clients/{coaching.people.maria.id}/tracks/new")).status == 404


async def test_the_strategy_is_never_a_clients(database: Database, coaching: Coaching) -> None:
    async with database.writer() as session, session.begin():
        maria = await session.get(type(coaching.people.maria), coaching.people.maria.id)
        assert maria is not None
        # The client sees their own track and its steps…
        found = await track_for(session, actor=maria, track_id=coaching.ids["track"])
        assert found.goal == "Lead a team"
        # …but never the coach's strategy, and cannot write it.
        with pytest.raises(PermissionDenied):
            await track_for(
                session, actor=maria, track_id=coaching.ids["track"], with_strategy=True
            )
        with pytest.raises(PermissionDenied):
            await add_strategy(
                session, actor=maria, track_id=coaching.ids["track"], text="x", now=utcnow()
            )
    assert await count(database, StrategyEntry) == 0


async def test_a_coach_profile_is_saved_and_shown(
    site: SiteClient, coaching: Coaching, database: Database
) -> None:
    ivan = coaching.people.ivan
    await sign_in(site, "anna")
    made = await post_form(site, "/domains/new", {"name": "Career"})
    assert made.status == 302
    async with database.reader() as session:
        career = await session.scalar(select(ExpertiseDomain))
    assert career is not None
    path = f"/employees/{ivan.id}/edit"
    form = {
        "full_name": "Ivan Kuznetsov",
        "role": "specialist",
        "telegram_id": str(ivan.telegram_id),
        "username": "ivan",
        "web_login": "ivan",
        "active": "on",
        "bio": "Ten years of <i>coaching</i>",
        "hourly_rate": "80",
        "availability": "Weekdays after 18:00",
        "domain_ids": str(career.id),
    }
    for field, value, message in (
        ("hourly_rate", "-5", "An hourly rate is from 0 to"),
        ("hourly_rate", "lots", "lots is not an amount of money"),
        ("domain_ids", "999999", "That domain does not exist"),
    ):
        refused = await post_form(site, path, {**form, field: value})
        assert refused.status == 400, field
        assert message in await refused.text(), field
    assert await count(database, CoachProfile) == 0
    saved = await post_form(site, path, form)
    assert saved.status == 302, await saved.text()
    assert saved.headers["Location"] == "/employees"
    page = await (await site.get(f"/employees/{ivan.id}")).text()
    profile = page[page.index('id="coach-profile"') :].split("</table>")[0]
    assert "Ten years of &lt;i&gt;coaching&lt;/i&gt;" in profile
    assert "€80.00" in profile and "Weekdays after 18:00" in profile and "Career" in profile
    # The edit form shows what was saved; an owner with a profile is offered as a coach.
    edit = await (await site.get(path)).text()
    assert "Weekdays after 18:00" in edit and re.search(rf'value="{career.id}"\s+checked', edit)
    # Emptied, the profile goes.
    cleared = {**form, "bio": "", "hourly_rate": "", "availability": "", "domain_ids": ""}
    assert (await post_form(site, path, cleared)).status == 302
    assert await count(database, CoachProfile) == 0


async def test_the_domain_catalog(site: SiteClient, coaching: Coaching, database: Database) -> None:
    await sign_in(site, "anna")
    for name in ("Career", "Leadership", "Health"):
        assert (await post_form(site, "/domains/new", {"name": name})).status == 302
    refused = await post_form(site, "/domains/new", {"name": " career "})
    assert (
        refused.status == 400 and "There is already a domain called career" in await refused.text()
    )
    refused = await post_form(site, "/domains/new", {"name": "x" * 101})
    assert refused.status == 400 and "longer than 100 characters" in await refused.text()
    assert await count(database, ExpertiseDomain) == 3
    async with database.writer() as session, session.begin():
        domains = {d.name: d for d in await session.scalars(select(ExpertiseDomain))}
        session.add(CoachProfile(employee_id=coaching.people.ivan.id, domains=[domains["Career"]]))
        session.add(
            CoachingRequest(client_id=coaching.people.maria.id, domain_id=domains["Health"].id)
        )
    ids = {name: domain.id for name, domain in domains.items()}
    renamed = await post_form(site, f"/domains/{ids['Leadership']}/edit", {"name": "Leading"})
    assert renamed.status == 302
    page = await (await site.get("/domains")).text()
    assert "Leading" in page and "Leadership" not in page
    for name, message in (
        ("Career", "1 coach works in Career"),
        ("Health", "1 coaching request names Health"),
    ):
        path = f"/domains/{ids[name]}/delete"
        refused = await post_form(site, path, {})
        assert refused.status == 409 and message in await refused.text()
    assert (await post_form(site, f"/domains/{ids['Leadership']}/delete", {})).status == 302
    assert await count(database, ExpertiseDomain) == 2
    await sign_in(site, "ivan")
    assert (await site.get("/domains")).status == 403
    assert (await post_form(site, "/domains/new", {"name": "Sneaky"}, page="/")).status == 403


@pytest.mark.parametrize("language", ["ru", "fr"])
async def test_the_new_pages_speak_russian_and_french(
    site: SiteClient, coaching: Coaching, database: Database, language: str
) -> None:
    await sign_in(site, "anna")
    await post_form(site, "/domains/new", {"name": "Career"})
    ivan = coaching.people.ivan
    async with database.writer() as session, session.begin():
        session.add(CoachProfile(employee_id=ivan.id, bio="Bio", availability="Evenings"))
        session.add(StrategyEntry(track_id=coaching.ids["track"], text="Plan", created_at=utcnow()))
        session.add(ClientStep(track_id=coaching.ids["track"], text="Step one"))
    # What this test's people typed: goals, products, programmes, steps, names.
    typed_here = (
        "Lead a team Half way Ten sessions Leadership in steps Step Career Bio Evenings Plan one"
    )
    people_words = await typed_by_people(database) | set(typed_here.split())
    paths = [
        f"/clients/{coaching.people.maria.id}",
        f"/clients/{coaching.people.maria.id}/edit",
        f"/clients/{coaching.people.maria.id}/tracks/new",
        f"/tracks/{coaching.ids['track']}",
        f"/employees/{ivan.id}",
        f"/employees/{ivan.id}/edit",
        "/domains",
        "/domains/new",
    ]
    english = {path: await (await site.get(path)).text() for path in paths}
    await choose(site, language)
    for path in paths:
        response = await site.get(path)
        assert response.status == 200, path
        left = untranslated(english[path], await response.text(), people_words, language)
        assert not left, (path, left)
