"""Generated requests against the real admin site (hypothesis), signed in as each role.

Every listing with query strings that mix the known filter names with any value (huge numbers,
impossible dates, broken cursors, Unicode, nothing), every page with an id in its path (negative,
10^30, not digits at all) and every form posted with such ids. Whatever arrives, the answer is a
page of its own: a 4xx when the request is wrong, never a 500, and never a body cut short.
"""

from __future__ import annotations

import asyncio
import base64
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from aiohttp import ClientResponseError, ClientSession, CookieJar
from aiohttp.test_utils import TestServer
from hypothesis import event, given, settings
from hypothesis import strategies as st

from bot.sandbox.telegram import FakeTelegram
from crm.settings import Settings
from db.engine import Database
from db.enums import Role
from db.migrate import upgrade
from db.models import Employee
from tests.conftest import POSTGRES_URL
from tests.support.desk import add_people
from tests.support.site import give_logins, sign_in, token
from tests.support.workers import reset_postgres
from tests.test_web import add_tickets
from web.app import create_app

ROLES = {"owner": "olga", "admin": "anna", "specialist": "ivan", "helper": "pavel"}
LISTINGS = ["/", "/tickets", "/tickets.csv", "/clients", "/employees", "/departments"]
LISTINGS += [
    "/reports/coaches", "/reports/coaches.csv", "/reports/period", "/reports/period.csv",
    "/reports/programs", "/reports/clients", "/reports/overview",
]  # fmt: skip
FILTERS = ["client", "from", "to", "status", "assignee", "department", "q", "sort", "after", "page"]
ID_PAGES = [
    "/tickets/{}", "/tickets/{}/edit", "/tickets/{}/delete",
    "/clients/{}", "/clients/{}/edit", "/clients/{}/delete",
    "/employees/{}/edit", "/employees/{}/delete",
    "/departments/{}/edit", "/departments/{}/delete",
    "/reports/clients/{}", "/reports/clients/{}.csv",
]  # fmt: skip
FORMS = [
    "/tickets/new", "/tickets/{}/edit", "/tickets/{}/delete",
    "/clients/new", "/clients/{}/edit", "/clients/{}/delete",
    "/employees/new", "/employees/{}/edit", "/employees/{}/delete",
    "/departments/new", "/departments/{}/edit", "/departments/{}/delete",
]  # fmt: skip
# Actions on a ticket also go to the real tickets (1 to 6): moving one changes no one's access.
TICKET_ACTIONS = [
    f"/tickets/{{}}/{action}" for action in ("assign", "take", "status", "reply", "note")
]
FIELDS = [
    "client_id", "department_id", "helper_id", "telegram_id", "experience_years", "salary",
    "assignee", "status", "text", "description", "full_name", "name", "role", "stage", "phone",
    "email", "language", "web_login", "password", "active", "unreachable",
]  # fmt: skip

any_text = st.text(alphabet=st.characters(codec="utf-8"), max_size=40)
numbers = st.one_of(
    st.integers(-(10**31), 10**31),
    st.integers(-3, 12),
    st.sampled_from([2**31 - 1, 2**31, 2**63 - 1, 2**63, 10**30, 10**20]),
).map(str)
days = st.one_of(
    st.dates().map(str),
    st.sampled_from(["9999-12-31", "0001-01-01", "2026-02-30", "2026-13-01", "yesterday", "1-1-1"]),
)
cursors = st.builds(
    lambda moment, number: base64.urlsafe_b64encode(f"{moment}|{number}".encode()).decode(),
    st.one_of(
        st.datetimes().map(lambda moment: moment.isoformat()),
        st.sampled_from(["9999-12-31T23:59:59-12:00", "0001-01-01T00:00:00+14:00"]),
    ),
    numbers,
)
values = st.one_of(
    any_text,
    st.integers(30, 700).map(lambda length: "x" * length),  # past the shorter columns' limits
    numbers,
    days,
    cursors,
    st.sampled_from(
        ["", "none", "new", "oldest", "%", "_", "\\", "٣", "1e3", " 7 ", "a\x00b", "9" * 5000]
    ),
)
ids = st.one_of(
    numbers, any_text.filter(bool), st.sampled_from(["٣", "0", "007", "1e3", "9" * 5000])
)
# Posted forms name records nobody signed in is (the people are ids 1 to 5): a generated
# deletion must not sign the tester out of the rest of the run.
posted_ids = st.one_of(
    st.integers(6, 10**31).map(str),
    st.integers(-(10**31), -1).map(str),
    any_text.filter(lambda text: not (text.isascii() and text.strip().isdigit())),
    st.sampled_from(["٣", "0", "1e3", "9" * 5000]),
)


@dataclass(frozen=True)
class Call:
    method: str
    path: str
    query: list[tuple[str, str]]
    form: dict[str, str]


def path_with(template: str, record_id: str) -> str:
    return template.format(quote(record_id, safe=""))


calls = st.one_of(
    st.builds(
        lambda method, path, query: Call(method, path, query, {}),
        st.sampled_from(["GET", "GET", "HEAD"]),  # HEAD: headers only, nothing else on the wire
        st.sampled_from(LISTINGS),
        st.lists(st.tuples(st.one_of(st.sampled_from(FILTERS), any_text), values), max_size=6),
    ),
    st.builds(
        lambda template, record_id: Call("GET", path_with(template, record_id), [], {}),
        st.sampled_from(ID_PAGES),
        ids,
    ),
    st.builds(
        lambda template, record_id, form: Call("POST", path_with(template, record_id), [], form),
        st.sampled_from(FORMS),
        posted_ids,
        st.dictionaries(st.sampled_from(FIELDS), values, max_size=6),
    ),
    st.builds(
        lambda template, record_id, form: Call("POST", path_with(template, record_id), [], form),
        st.sampled_from(TICKET_ACTIONS),
        st.one_of(st.integers(1, 8).map(str), posted_ids),
        st.dictionaries(st.sampled_from(FIELDS), values, max_size=4),
    ),
)


class Site:
    """The admin site on one event loop, with a signed-in browser session per role."""

    def __init__(self, tmp_path: Path, database_url: str) -> None:
        self.loop = asyncio.new_event_loop()
        self.tmp_path = tmp_path
        self.database_url = database_url
        self.browsers: dict[str, ClientSession] = {}
        self.tokens: dict[str, str] = {}

    async def start(self) -> None:
        if self.database_url.startswith("postgresql"):
            await reset_postgres(self.database_url)
        await asyncio.to_thread(upgrade, self.database_url)
        self.database = Database(self.database_url)
        people = await add_people(self.database, FakeTelegram("1:t"))
        async with self.database.writer() as session, session.begin():
            owner = Employee(telegram_id=8199, full_name="Olga", username="olga", role=Role.OWNER)
            session.add(owner)
        await give_logins(self.database, people.anna, people.ivan, people.pavel, owner)
        await add_tickets(self.database, people, 6)
        app = create_app(Settings(_env_file=None), self.database, secret_key="fuzz-secret")
        self.server = TestServer(app)
        await self.server.start_server()
        for role, login in ROLES.items():
            browser = ClientSession(
                base_url=str(self.server.make_url("/")), cookie_jar=CookieJar(unsafe=True)
            )
            signed = await sign_in(browser, login)
            assert signed.status == 302, role
            self.browsers[role] = browser
            self.tokens[role] = await token(browser, "/")

    async def stop(self) -> None:
        for browser in self.browsers.values():
            await browser.close()
        await self.server.close()
        await self.database.dispose()

    async def send(self, role: str, call: Call) -> tuple[int, bytes]:
        browser = self.browsers[role]
        form = {**call.form, "csrf_token": self.tokens[role]} if call.method == "POST" else None
        try:
            async with browser.request(
                call.method, call.path, params=call.query, data=form, allow_redirects=False
            ) as response:
                return response.status, await response.read()  # a body cut short raises here
        except ClientResponseError as error:
            # A request line past aiohttp's 8 KiB is refused by its HTTP parser with a 400,
            # before any view; to a HEAD that answer reads as malformed, the status stays.
            return error.status, error.message.encode()

    def run(self, coroutine: Any) -> Any:
        return self.loop.run_until_complete(coroutine)


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def site(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Site]:
    if request.param == "sqlite":
        url = f"sqlite+aiosqlite:///{tmp_path_factory.mktemp('fuzz') / 'site.db'}"
    elif POSTGRES_URL:
        url = POSTGRES_URL
    else:
        pytest.skip("PostgreSQL not configured: set CRM_TEST_DATABASE_URL to run this variant")
    running = Site(tmp_path_factory.mktemp("fuzz"), url)
    running.run(running.start())
    yield running
    running.run(running.stop())
    running.loop.close()


@pytest.mark.parametrize("role", list(ROLES))
@settings(max_examples=100, deadline=None)
@given(requests=st.lists(calls, min_size=1, max_size=4))
def test_no_generated_request_gets_a_server_error(
    site: Site, role: str, requests: list[Call]
) -> None:
    for call in requests:
        status, body = site.run(site.send(role, call))
        event(f"{call.method} {status}")  # the spread of answers, in --hypothesis-show-statistics
        assert status < 500, (role, call, status, body[:500])
        # Still signed in: nothing generated may end the session that drives the rest.
        assert not (status == 302 and call.method != "POST"), (role, call)
