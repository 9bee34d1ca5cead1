"""Every page reachable by links from the dashboard of the demo business opens: never a 5xx.

The demo is seeded once per database by the ``crm seed --demo`` code path. Each demo login
signs in and follows every same-site link from the dashboard (GET only, the first page of each
listing, CSV and calendar downloads included), in English, Russian and French, on SQLite and
PostgreSQL. Each distinct URL is visited once per login and language.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qsl, urljoin, urlsplit

import pytest
import pytest_asyncio
from aiohttp import ClientSession, CookieJar
from aiohttp.test_utils import TestServer

import db.models  # noqa: F401 - every mapped class, for the relationships test
from bot.cli import _seed
from crm.demo.seed import DEMO_PASSWORD, demo_logins
from crm.settings import Settings
from db.base import Base
from db.engine import Database
from db.enums import Role
from tests.conftest import POSTGRES_URL
from tests.support.site import sign_in, token
from tests.support.workers import reset_postgres
from web.app import create_app

LANGUAGES = ("en", "ru", "fr")
SECRET = "demo-crawl-secret"
# Query keys that page through a listing (or the agenda's weeks): only its first page is crawled.
PAGING = {"after", "before", "page", "week"}
# Every detail page of the demo's kinds, as the owner's crawl must reach them.
KINDS = ("tickets", "clients", "contracts", "sessions", "requests", "tracks", "programs", "deals")


class Links(HTMLParser):
    """The ``href`` of every ``<a>`` on a page."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        href = dict(attrs).get("href")
        if tag == "a" and href:
            self.found.append(href)


def same_site(base: str, href: str) -> str | None:
    """``href`` read on page ``base`` as a path and query of this site, or None when it leads
    elsewhere (another site, mailto:, tel:), to a static file, or past a listing's first
    page."""
    parts = urlsplit(urljoin(base, href))
    if parts.scheme not in ("", "http") or parts.netloc not in ("", "crawl"):
        return None
    if parts.path.startswith("/static/") or PAGING & {k for k, _ in parse_qsl(parts.query)}:
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


@dataclass
class Crawl:
    """What one login saw in one language."""

    login: str
    language: str
    linked_from: dict[str, str] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)


async def crawl(browser: ClientSession, found: Crawl) -> None:
    """Every page reachable from the dashboard, breadth first, each once."""
    level = ["/"]
    found.linked_from["/"] = "the sign-in"
    while level:
        following: list[str] = []
        for path in level:
            async with browser.get(path, allow_redirects=False) as response:
                body = await response.read()
                where = response.headers.get("Location")
                kind = response.content_type
            if response.status >= 500:
                found.failures.append(
                    f"{response.status} on {path} as {found.login} in {found.language}"
                    f" (linked from {found.linked_from[path]})"
                )
                continue
            if where is not None and urlsplit(where).path == "/sign-in":
                found.failures.append(f"{path} signed {found.login} out")
                continue
            hrefs = [where] if where else []
            if kind == "text/html":
                links = Links()
                links.feed(body.decode())
                hrefs += links.found
            for href in hrefs:
                target = same_site(f"http://crawl{path}", href)
                if target is not None and target not in found.linked_from:
                    found.linked_from[target] = path
                    following.append(target)
        level = following


async def choose(browser: ClientSession, language: str) -> None:
    """Speak ``language`` from now on, through the header's language buttons."""
    data = {"language": language, "back": "/", "csrf_token": await token(browser, "/")}
    async with browser.post("/language", data=data, allow_redirects=False) as chosen:
        assert chosen.status == 302, language


@dataclass
class DemoSite:
    server: TestServer
    logins: list[tuple[str, Role]]


async def seeded(url: str) -> list[tuple[str, Role]]:
    """The demo business in the database at ``url``, made as ``crm seed --demo`` makes it."""
    await _seed(Settings(_env_file=None, database_url=url))
    database = Database(url)
    try:
        async with database.reader() as session:
            return [(login, role) for login, _, role in await demo_logins(session)]
    finally:
        await database.dispose()


@pytest_asyncio.fixture(scope="module", loop_scope="module", params=["sqlite", "postgresql"])
async def demo_site(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[DemoSite]:
    if request.param == "sqlite":
        url = f"sqlite+aiosqlite:///{Path(tmp_path_factory.mktemp('crawl')) / 'demo.db'}"
    elif POSTGRES_URL:
        url = POSTGRES_URL
        await reset_postgres(url)
    else:
        pytest.skip("PostgreSQL not configured: set CRM_TEST_DATABASE_URL to run this variant")
    logins = await seeded(url)
    database = Database(url)
    app = create_app(Settings(_env_file=None), database, secret_key=SECRET)
    server = TestServer(app)
    await server.start_server()
    try:
        yield DemoSite(server, logins)
    finally:
        await server.close()
        await database.dispose()


DEMO_LOGINS = 16


@pytest.mark.asyncio(loop_scope="module")
@pytest.mark.parametrize("index", range(DEMO_LOGINS))
async def test_every_page_linked_from_the_dashboard_opens_for_each_demo_login(
    demo_site: DemoSite, index: int
) -> None:
    assert len(demo_site.logins) == DEMO_LOGINS, demo_site.logins
    login, role = demo_site.logins[index]
    async with ClientSession(
        base_url=str(demo_site.server.make_url("/")), cookie_jar=CookieJar(unsafe=True)
    ) as browser:
        signed = await sign_in(browser, login, DEMO_PASSWORD)
        assert signed.status == 302, login
        crawls = []
        # The owner opens every page, in each language (a page that fails in one language fails
        # for them); the others, whose pages are the owner's seen through their rights, each in
        # one language, in turn.
        languages = LANGUAGES if role is Role.OWNER else [LANGUAGES[index % len(LANGUAGES)]]
        for language in languages:
            await choose(browser, language)
            found = Crawl(login, language)
            await crawl(browser, found)
            crawls.append(found)
    failures = [failure for found in crawls for failure in found.failures]
    assert failures == [], "\n".join(failures)
    if role is Role.OWNER:
        for found in crawls:
            pages = " ".join(found.linked_from)
            reached = {kind for kind in KINDS if re.search(rf"/{kind}/\d+\b", pages)}
            assert reached == set(KINDS), (found.language, sorted(found.linked_from))


def test_no_relationship_loads_itself_lazily() -> None:
    """A page that forgot an eager load fails here and in the crawl, not in front of someone:
    every relationship raises when read without having been loaded."""
    lazy = [
        str(relation)
        for mapper in Base.registry.mappers
        for relation in mapper.relationships
        if relation.lazy != "raise"
    ]
    assert lazy == []
