"""Signing in to the admin site: the throttle, the client's address, where it leads, and how
sessions end."""

from __future__ import annotations

import asyncio
import html
import random
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any
from urllib.parse import unquote

import pytest
from aiohttp import DummyCookieJar
from aiohttp.test_utils import TestClient, TestServer
from redis.asyncio import Redis

import crm.people.passwords
import crm.people.sign_in
from bot.sandbox.telegram import FakeTelegram
from crm.errors import InvalidInput
from crm.people.staff import (
    EmployeeDraft,
    EmployeeForm,
    add_from_command_line,
    delete_employee,
    save_employee,
)
from crm.settings import Settings
from db.engine import Database
from db.enums import Role
from db.models import Employee
from tests.conftest import REDIS_URL, WEBHOOK_SECRET
from tests.support.desk import People, add_people
from tests.support.site import PASSWORD, give_logins, post_form, sign_in, token
from tests.support.site import Client as SiteClient
from web.app import create_app
from web.proxies import client_address
from web.throttle import Limits, RedisThrottle, SignInThrottle, Throttle

SECRET = "test-secret-key"
PROXY = "127.0.0.1"  # the test client's own address, trusted as a reverse proxy where asked


@pytest.fixture
async def people(database: Database) -> People:
    found = await add_people(database, FakeTelegram("1:t"))
    await give_logins(database, found.anna, found.ivan, found.tom, found.pavel)
    return found


@asynccontextmanager
async def site(
    database: Database,
    settings: Settings | None = None,
    throttle: SignInThrottle | None = None,
    **client_options: Any,
) -> AsyncIterator[SiteClient]:
    app = create_app(
        settings or Settings(_env_file=None), database, secret_key=SECRET, throttle=throttle
    )
    async with TestClient(TestServer(app), **client_options) as client:
        yield client


@pytest.fixture
async def client(database: Database, people: People) -> AsyncIterator[SiteClient]:
    async with site(database) as test_client:
        yield test_client


@pytest.fixture
def password_checks(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every password the site checks against a hash, in order."""
    checked: list[str] = []
    verify = crm.people.passwords.verify_password_async

    async def counted(password_hash: str, password: str) -> bool:
        checked.append(password)
        return await verify(password_hash, password)

    monkeypatch.setattr(crm.people.sign_in, "verify_password_async", counted)
    return checked


def behind_proxy() -> Settings:
    return Settings(_env_file=None, trusted_proxies=PROXY)


async def sign_in_from(client: SiteClient, address: str, login: str, password: str) -> Any:
    """Sign in as if through a trusted reverse proxy that saw the client at ``address``."""
    csrf = await token(client)
    return await client.post(
        "/sign-in",
        data={"login": login, "password": password, "csrf_token": csrf, "next": "/"},
        headers={"X-Forwarded-For": address},
        allow_redirects=False,
    )


async def all_at_once(
    database: Database, throttle: SignInThrottle, passwords: list[tuple[str, str]]
) -> list[int]:
    """POST every (login, password) to /sign-in at the same time from one browser session."""
    # No cookie jar: a sign-in that succeeds must not change the cookie the others carry.
    async with site(database, throttle=throttle, cookie_jar=DummyCookieJar()) as client:
        page = await client.get("/sign-in")
        cookie = page.cookies["frontdoor_session"]
        csrf = await token_of(page)
        headers = {"Cookie": f"frontdoor_session={cookie.value}"}

        async def post(login: str, password: str) -> int:
            data = {"login": login, "password": password, "csrf_token": csrf, "next": "/"}
            response = await client.post(
                "/sign-in", data=data, headers=headers, allow_redirects=False
            )
            response.release()
            return response.status

        return list(await asyncio.gather(*(post(*attempt) for attempt in passwords)))


async def token_of(page: Any) -> str:
    return await hidden_field(page, "csrf_token")


async def hidden_field(page: Any, name: str) -> str:
    """The value a browser would post for the page's hidden field ``name``."""
    text: str = await page.text()
    return html.unescape(text.split(f'name="{name}" value="', 1)[1].split('"', 1)[0])


@pytest.fixture(params=["memory", "redis"])
async def shared_throttle(request: pytest.FixtureRequest) -> AsyncIterator[SignInThrottle]:
    """A throttle with the default limits: in the process, or in the (emptied) test Redis."""
    if request.param == "memory":
        yield Throttle()
        return
    if not REDIS_URL:
        pytest.skip("Redis not configured: set CRM_TEST_REDIS_URL to run this variant")
    redis = Redis.from_url(REDIS_URL)
    await redis.flushdb()
    yield RedisThrottle(redis)
    await redis.flushdb()
    await redis.aclose()


@pytest.mark.parametrize("count", [30, 200])
async def test_simultaneous_wrong_passwords_past_the_limit_are_refused_unchecked(
    database: Database,
    people: People,
    password_checks: list[str],
    shared_throttle: SignInThrottle,
    count: int,
) -> None:
    statuses = await all_at_once(
        database, shared_throttle, [("anna", f"guess {n}") for n in range(count)]
    )
    limit = Limits().per_address_login
    assert len(password_checks) == limit
    assert sorted(statuses) == [401] * limit + [429] * (count - limit)


async def test_a_right_password_among_simultaneous_guesses_lets_few_through(
    database: Database, people: People, password_checks: list[str], shared_throttle: SignInThrottle
) -> None:
    attempts = [("anna", f"guess {n}") for n in range(29)] + [("anna", PASSWORD)]
    random.Random(7).shuffle(attempts)
    statuses = await all_at_once(database, shared_throttle, attempts)
    limit = Limits().per_address_login
    # At most the limit before the right one, and the limit again after it cleared the count.
    assert len(password_checks) <= 2 * limit
    assert statuses.count(429) >= 30 - 2 * limit
    assert set(statuses) <= {302, 401, 429}


async def test_another_employee_signs_in_from_the_address_where_one_login_is_locked(
    client: SiteClient,
) -> None:
    for _ in range(5):
        assert (await sign_in(client, "anna", "not the password")).status == 401
    assert (await sign_in(client, "anna")).status == 429  # anna's login, from here, waits
    signed = await sign_in(client, "ivan")  # a colleague behind the same address does not
    assert signed.status == 302 and signed.headers["Location"] == "/"


async def test_a_login_locked_from_one_address_still_signs_in_from_another(
    database: Database, people: People
) -> None:
    async with site(database, behind_proxy()) as client:
        for _ in range(5):
            wrong = await sign_in_from(client, "203.0.113.9", "anna", "not the password")
            assert wrong.status == 401
        assert (await sign_in_from(client, "203.0.113.9", "anna", PASSWORD)).status == 429
        assert (await sign_in_from(client, "198.51.100.7", "anna", PASSWORD)).status == 302


async def test_the_account_has_its_own_limit_over_every_address(
    database: Database, people: People, password_checks: list[str]
) -> None:
    throttle = Throttle(Limits(per_address_login=5, per_login=8))
    async with site(database, behind_proxy(), throttle) as client:
        for number in range(8):
            wrong = await sign_in_from(client, f"203.0.113.{number}", "anna", "guess")
            assert wrong.status == 401
        assert (await sign_in_from(client, "198.51.100.7", "anna", PASSWORD)).status == 429
    assert len(password_checks) == 8


async def test_the_per_address_ceiling_stops_a_spray_over_many_logins(
    database: Database, people: People, password_checks: list[str]
) -> None:
    clock = [1000.0]  # the throttle's clock stands still unless the test moves it
    throttle = Throttle(Limits(per_address=12), clock=lambda: clock[0])
    async with site(database, throttle=throttle) as client:
        statuses = [(await sign_in(client, f"nobody{n}", "guess")).status for n in range(20)]
        assert statuses == [401] * 12 + [429] * 8
        assert (await sign_in(client, "anna")).status == 429  # the ceiling holds for everyone
    assert len(password_checks) == 12


async def test_past_the_address_ceiling_attempts_are_slowed_and_a_colleague_waits_seconds(
    database: Database, people: People, password_checks: list[str]
) -> None:
    """A spray of wrong passwords over many logins from one address (an office behind a proxy)
    used to lock everyone there out for 15 minutes: now each further attempt from it waits 1 s,
    2 s, 4 s… after the one before, and Anna, there too, signs in a few seconds later."""
    clock = [1000.0]
    throttle = Throttle(Limits(per_address=12), clock=lambda: clock[0])
    async with site(database, throttle=throttle) as client:
        for n in range(12):
            assert (await sign_in(client, f"nobody{n}", "guess")).status == 401
        slowed = await sign_in(client, "anna")
        assert slowed.status == 429
        assert "Try again in 1 s." in await slowed.text()
        clock[0] += 1
        assert (await sign_in(client, "nobody12", "guess")).status == 401
        clock[0] += 1.5  # the next one waits 2 s after it
        later = await sign_in(client, "nobody13", "guess")
        assert later.status == 429 and "Try again in 1 s." in await later.text()
        clock[0] += 0.5
        assert (await sign_in(client, "anna")).status == 302
    assert len(password_checks) == 14
    delays = [Limits().address_delay(Limits().per_address + past) for past in range(9)]
    assert delays == [1, 2, 4, 8, 16, 32, 60, 60, 60]


async def test_a_forged_forwarded_for_changes_nothing_without_trusted_proxies(
    client: SiteClient,
) -> None:
    for number in range(5):
        wrong = await sign_in_from(client, f"203.0.113.{number}", "anna", "not the password")
        assert wrong.status == 401
    assert (await sign_in_from(client, "198.51.100.7", "anna", PASSWORD)).status == 429


@pytest.mark.parametrize(
    ("peer", "forwarded", "expected"),
    [
        ("203.0.113.9", ["198.51.100.7"], "203.0.113.9"),  # not a proxy: its header is ignored
        ("10.0.0.2", [], "10.0.0.2"),
        ("10.0.0.2", ["198.51.100.7"], "198.51.100.7"),
        ("10.0.0.2", ["6.6.6.6, 198.51.100.7"], "198.51.100.7"),  # the client wrote 6.6.6.6
        ("10.0.0.2", ["6.6.6.6, 198.51.100.7, 10.0.0.3"], "198.51.100.7"),  # two proxies
        ("10.0.0.2", ["6.6.6.6", "198.51.100.7"], "198.51.100.7"),  # the header twice
        ("10.0.0.2", ["10.0.0.4, 10.0.0.3"], "10.0.0.4"),  # all proxies: the farthest
        ("10.0.0.2", ["not an address"], "not an address"),
    ],
)
def test_the_client_address_is_the_right_most_untrusted_hop(
    peer: str, forwarded: list[str], expected: str
) -> None:
    networks = Settings(_env_file=None, trusted_proxies="10.0.0.0/24, ::1").proxy_networks
    assert client_address(peer, forwarded, networks) == expected


async def test_a_huge_login_is_refused_before_it_is_kept(
    database: Database, people: People, password_checks: list[str]
) -> None:
    throttle = Throttle()
    async with site(database, throttle=throttle) as client:
        csrf = await token(client)
        huge = await client.post(
            "/sign-in",
            data={"login": "x" * 900_000, "password": "guess", "csrf_token": csrf},
            allow_redirects=False,
        )
        assert huge.status == 413
        long = await client.post(
            "/sign-in",
            data={"login": "x" * 65, "password": "guess", "csrf_token": csrf},
            allow_redirects=False,
        )
        assert long.status == 400
        assert "A login is at most 64 characters." in await long.text()
    assert password_checks == [] and len(throttle) == 0


async def test_a_nul_character_in_the_login_is_a_wrong_login_not_a_server_error(
    database: Database, people: People
) -> None:
    async with site(database) as client:
        refused = await sign_in(client, "ann\x00a", "not her password")
        assert refused.status == 401  # PostgreSQL's text cannot hold NUL: it was a 500 there


async def test_a_login_too_long_to_sign_in_with_is_never_given(
    database: Database, people: People
) -> None:
    async with database.writer() as session, session.begin():
        anna = await session.get(Employee, people.anna.id)
        assert anna is not None
        form = EmployeeForm(full_name="Tom Baker", role=Role.SPECIALIST, web_login="t" * 65)
        with pytest.raises(InvalidInput) as refused:
            await save_employee(session, actor=anna, form=form, employee_id=people.tom.id)
        assert refused.value.field == "web_login"
        draft = EmployeeDraft(
            telegram_id=9001,
            full_name="Zoe Hart",
            role=Role.HELPER,
            login="z" * 65,
            password=PASSWORD,
        )
        with pytest.raises(InvalidInput, match="longer than"):
            await add_from_command_line(session, draft)


async def test_the_throttle_store_stays_bounded_and_forgets_old_attempts() -> None:
    now = [0.0]
    throttle = Throttle(window=60, clock=lambda: now[0], max_keys=100)
    for number in range(1_000):
        await throttle.reserve(f"login{number}" + "x" * 60, f"10.0.{number // 250}.{number % 250}")
        assert len(throttle) <= 100
    now[0] = 61.0
    await throttle.reserve("anna", "203.0.113.9")
    assert len(throttle) == 3  # the others' window has passed


@pytest.mark.parametrize(
    "target",
    [
        "/%09/evil.example/",
        "/%0A/evil.example/",
        "/%0D/evil.example/",
        "/%09%0A/evil.example/",
        "//evil.example/",
        "///evil.example/",
        "/%5Cevil.example/",
        "/%5C%5Cevil.example/",
        "%5C%5Cevil.example/",
        "https://evil.example/",
        "https:evil.example",
        "javascript:alert(1)",
        "%2F%2Fevil.example/",
        "/%20/evil.example/",
        "%20//evil.example/",
        "/%E3%80%82/evil.example/",
    ],
)
async def test_after_sign_in_the_way_on_is_always_a_path_on_this_site(
    client: SiteClient, target: str
) -> None:
    page = await client.get(f"/sign-in?next={target}")
    carried = await hidden_field(page, "next")
    signed = await client.post(
        "/sign-in",
        data={
            "login": "anna",
            "password": PASSWORD,
            "csrf_token": await token_of(page),
            "next": carried,
        },
        allow_redirects=False,
    )
    assert signed.status == 302 and signed.headers["Location"] == "/"
    forged = await client.post(  # the form posted by hand, ``next`` as the attacker wrote it
        "/sign-in",
        data={
            "login": "anna",
            "password": PASSWORD,
            "csrf_token": await token(client, "/"),
            "next": unquote(target),
        },
        allow_redirects=False,
    )
    assert forged.status == 302 and forged.headers["Location"] == "/"


async def test_a_path_on_this_site_is_kept_after_sign_in(client: SiteClient) -> None:
    page = await client.get("/tickets?status=new&q=Maria%20Lopez", allow_redirects=False)
    form = await client.get(page.headers["Location"])
    signed = await client.post(
        "/sign-in",
        data={
            "login": "anna",
            "password": PASSWORD,
            "csrf_token": await token_of(form),
            "next": await hidden_field(form, "next"),
        },
        allow_redirects=False,
    )
    assert signed.headers["Location"] == "/tickets?status=new&q=Maria%20Lopez"


def saved_cookie(client: SiteClient) -> dict[str, str]:
    return {cookie.key: cookie.value for cookie in client.session.cookie_jar}


async def opens_tickets(database: Database, cookie: dict[str, str]) -> bool:
    """Whether a browser holding only ``cookie`` is let into /tickets."""
    async with site(database, cookies=cookie) as thief:
        return (await thief.get("/tickets", allow_redirects=False)).status == 200


async def test_a_cookie_saved_before_sign_out_no_longer_opens_the_site(
    client: SiteClient, database: Database
) -> None:
    await sign_in(client, "anna")
    saved = saved_cookie(client)
    assert await opens_tickets(database, saved)
    assert (await post_form(client, "/sign-out", {}, page="/")).status == 302
    assert not await opens_tickets(database, saved)
    assert (await sign_in(client, "anna")).status == 302  # signing in again works
    assert await opens_tickets(database, saved_cookie(client))


async def change_tom(database: Database, people: People, **changes: Any) -> None:
    """An admin changes Tom's record (a password, switching him off) as the site's form does."""
    password = changes.pop("password", None)
    async with database.writer() as session, session.begin():
        form = EmployeeForm(
            full_name="Tom Baker",
            role=Role.SPECIALIST,
            telegram_id=people.tom.telegram_id,
            username="tom",
            web_login="tom",
            **changes,
        )
        anna = await session.get(Employee, people.anna.id)
        assert anna is not None
        await save_employee(
            session,
            actor=anna,
            form=form,
            employee_id=people.tom.id,
            password=password,
        )


@pytest.mark.parametrize(
    "change",
    [
        {"password": "a brand new password"},
        {"active": False},
        {"active": False, "then_active": True},
    ],
    ids=["new password", "switched off", "switched off and on again"],
)
async def test_a_saved_cookie_ends_with_a_new_password_or_a_switch_off(
    client: SiteClient, database: Database, people: People, change: dict[str, Any]
) -> None:
    await sign_in(client, "tom")
    saved = saved_cookie(client)
    assert await opens_tickets(database, saved)
    then_active = change.pop("then_active", None)
    await change_tom(database, people, **change)
    if then_active:
        await change_tom(database, people, active=True)
    assert not await opens_tickets(database, saved)


async def test_a_saved_cookie_ends_when_the_command_line_sets_a_new_password(
    client: SiteClient, database: Database, people: People
) -> None:
    await sign_in(client, "tom")
    saved = saved_cookie(client)
    async with database.writer() as session, session.begin():
        await add_from_command_line(
            session,
            EmployeeDraft(
                telegram_id=people.tom.telegram_id or 0,
                full_name="Tom Baker",
                role=Role.SPECIALIST,
                login="tom",
                password="a brand new password",
            ),
        )
    assert not await opens_tickets(database, saved)


async def test_a_deleted_employees_cookie_does_not_fit_whoever_gets_their_id(
    client: SiteClient, database: Database, people: People
) -> None:
    async with database.writer() as session, session.begin():
        zoe = Employee(full_name="Zoe Hart", role=Role.SPECIALIST, username="zoe")
        session.add(zoe)
    await give_logins(database, zoe)
    await sign_in(client, "zoe")
    saved = saved_cookie(client)
    assert await opens_tickets(database, saved)
    async with database.writer() as session, session.begin():
        anna = await session.get(Employee, people.anna.id)
        assert anna is not None
        await delete_employee(session, actor=anna, employee_id=zoe.id)
        # SQLite gives the highest id again once its row is gone; here it is given on purpose.
        session.add(Employee(id=zoe.id, full_name="Yan Li", role=Role.ADMIN, username="yan"))
    assert not await opens_tickets(database, saved)


@pytest.mark.parametrize(
    ("environment", "secure"),
    [
        ({}, False),
        ({"secure_cookies": True}, True),
        ({"webhook_url": "https://crm.example/telegram/webhook"}, True),
        ({"webhook_url": "http://127.0.0.1:8080/telegram/webhook"}, False),
        ({"webhook_url": "https://crm.example/hook", "secure_cookies": False}, False),
    ],
)
async def test_the_session_cookie_is_secure_when_the_site_is_served_over_https(
    database: Database, people: People, environment: dict[str, Any], secure: bool
) -> None:
    if "webhook_url" in environment:
        environment = {**environment, "webhook_secret": WEBHOOK_SECRET}
    async with site(database, Settings(_env_file=None, **environment)) as client:
        # The sign-in page sets the session (with the form's token); a browser keeps a Secure
        # cookie only over HTTPS, so this test client, on HTTP, goes no further.
        cookie = (await client.get("/sign-in")).headers["Set-Cookie"]
    attributes = {part.strip().split("=")[0].lower() for part in cookie.split(";")}
    assert "httponly" in attributes
    assert ("secure" in attributes) is secure
