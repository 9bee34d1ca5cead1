"""Driving the admin site in tests: sign in, read the CSRF token, post forms."""

from __future__ import annotations

import re
from typing import Any

from aiohttp import ClientSession, web
from aiohttp.test_utils import TestClient

from crm.people.passwords import hash_password
from db.engine import Database
from db.models import Employee

Client = TestClient[web.Request, web.Application]
PASSWORD = "correct horse battery"
_TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


async def give_logins(database: Database, *people: Employee) -> None:
    """Each given employee gets their username as web login, all with PASSWORD."""
    password_hash = hash_password(PASSWORD)
    async with database.writer() as session, session.begin():
        for person in people:
            stored = await session.get(Employee, person.id)
            assert stored is not None
            stored.web_login = stored.username
            stored.password_hash = password_hash


async def token(client: Client | ClientSession, path: str = "/sign-in") -> str:
    page = await client.get(path)
    found = _TOKEN.search(await page.text())
    assert found, f"no CSRF token on {path}"
    return found.group(1)


async def sign_in(client: Client | ClientSession, login: str, password: str = PASSWORD) -> Any:
    """Sign in through the form; ``client`` may also be a session with a ``base_url``."""
    csrf = await token(client)
    return await client.post(
        "/sign-in",
        data={"login": login, "password": password, "csrf_token": csrf, "next": "/"},
        allow_redirects=False,
    )


async def post_form(client: Client, path: str, data: dict[str, Any], *, page: str = "") -> Any:
    """Post ``data`` with the CSRF token read from ``page`` (default: the same path)."""
    csrf = await token(client, page or path)
    return await client.post(path, data={**data, "csrf_token": csrf}, allow_redirects=False)
