"""API tokens (the first part of the REST API): made with a name and an optional last day,
shown once and kept as a hash, telling whom they act as while they work, and stopping when
revoked, expired or their employee is switched off; on the site, each employee's own."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import select

from bot.sandbox.telegram import FakeTelegram
from crm.errors import Conflict, InvalidFields, InvalidInput, NotFound, PermissionDenied
from crm.people.api_tokens import (
    MOST_LIVE,
    create_api_token,
    employee_of_token,
    my_api_tokens,
    revoke_api_token,
)
from crm.settings import Settings
from crm.tokens import token_hash
from db.base import utcnow
from db.engine import Database
from db.models import ApiToken, Employee
from tests.support.desk import People, add_people
from tests.support.site import Client as SiteClient
from tests.support.site import give_logins, post_form, sign_in
from web.app import create_app

NOW = datetime(2026, 12, 6, 9, 0, tzinfo=UTC)


async def test_a_token_works_as_its_employee_until_revoked_expired_or_switched_off(
    database: Database,
) -> None:
    people = await add_people(database, FakeTelegram("1:t"))
    async with database.writer() as session, session.begin():
        forever, token = await create_api_token(
            session, actor=people.ivan, name="Website form", expires_at=None, now=NOW
        )
        _soon, short = await create_api_token(
            session,
            actor=people.ivan,
            name="Trial",
            expires_at=NOW + timedelta(days=1),
            now=NOW,
        )
    assert token.startswith("fdk_") and len(token) > 40
    async with database.writer() as session, session.begin():
        kept = await session.get(ApiToken, forever.id)
        assert kept is not None
        assert kept.token_hash == token_hash(token) and token not in kept.token_hash
        assert kept.hint == token[:10]
        found = await employee_of_token(session, token, now=NOW)
        assert found is not None and found.id == people.ivan.id
        assert (await session.get(ApiToken, forever.id)).last_used_at == NOW  # type: ignore[union-attr]
        # Expired after its last day; unknown, mangled or foreign strings are nobody.
        assert await employee_of_token(session, short, now=NOW + timedelta(days=2)) is None
        for wrong in ("", token + "x", token[4:], "Bearer " + token, "fdk_" + "a" * 500):
            assert await employee_of_token(session, wrong, now=NOW) is None
        # Someone else may not revoke it; Ivan may.
        with pytest.raises(NotFound):
            await revoke_api_token(session, actor=people.tom, token_id=forever.id, now=NOW)
        assert await employee_of_token(session, token, now=NOW) is not None
    async with database.writer() as session, session.begin():
        ivan = await session.get(Employee, people.ivan.id)
        assert ivan is not None
        ivan.active = False
    async with database.writer() as session, session.begin():
        assert await employee_of_token(session, token, now=NOW) is None  # switched off
        ivan = await session.get(Employee, people.ivan.id)
        assert ivan is not None
        ivan.active = True
    async with database.writer() as session, session.begin():
        await revoke_api_token(session, actor=people.ivan, token_id=forever.id, now=NOW)
        assert await employee_of_token(session, token, now=NOW) is None  # revoked
        listed = await my_api_tokens(session, actor=people.ivan)
        assert [t.name for t in listed] == ["Trial", "Website form"]


async def test_bad_tokens_are_refused_and_only_staff_have_them(database: Database) -> None:
    people = await add_people(database, FakeTelegram("1:t"))
    async with database.writer() as session, session.begin():
        with pytest.raises(InvalidFields) as refused:
            await create_api_token(
                session, actor=people.anna, name=" ", expires_at=NOW - timedelta(days=1), now=NOW
            )
        assert {problem.field for problem in refused.value.problems} == {"name", "expires_at"}
        with pytest.raises(InvalidInput):
            await create_api_token(
                session, actor=people.anna, name="x" * 101, expires_at=None, now=NOW
            )
        with pytest.raises(PermissionDenied):
            await create_api_token(
                session, actor=people.maria, name="Mine", expires_at=None, now=NOW
            )
        for number in range(MOST_LIVE):
            await create_api_token(
                session, actor=people.anna, name=f"Key {number}", expires_at=None, now=NOW
            )
        with pytest.raises(Conflict):
            await create_api_token(
                session, actor=people.anna, name="One too many", expires_at=None, now=NOW
            )


@pytest.fixture
async def site(database: Database) -> AsyncIterator[tuple[SiteClient, People]]:
    people = await add_people(database, FakeTelegram("1:t"))
    await give_logins(database, people.anna, people.ivan)
    app = create_app(Settings(_env_file=None), database, secret_key="test-secret-key")
    async with TestClient(TestServer(app)) as client:
        yield client, people


async def test_on_the_site_a_token_is_shown_once_listed_by_its_start_and_revoked(
    site: tuple[SiteClient, People], database: Database
) -> None:
    client, people = site
    await sign_in(client, "ivan")
    refused = await post_form(
        client, "/api-tokens/new", {"name": "", "expires_on": "2026-02-30"}, page="/api-tokens"
    )
    assert refused.status == 400
    said = await refused.text()
    assert "the name must not be empty" in said.lower() or "must be a date" in said
    made = await post_form(
        client, "/api-tokens/new", {"name": "Website <form>", "expires_on": ""}, page="/api-tokens"
    )
    assert made.status == 200 and made.headers["Cache-Control"] == "no-store"
    page = await made.text()
    token = re.search(r'<code id="new-token">(fdk_[^<]+)</code>', page)
    assert token is not None and "Website &lt;form&gt;" in page
    again = await (await client.get("/api-tokens")).text()
    assert token.group(1) not in again and f"{token.group(1)[:10]}…" in again
    async with database.reader() as session:
        kept = await session.scalar(select(ApiToken))
    assert kept is not None and kept.employee_id == people.ivan.id
    # Anna, in a browser of her own, sees none of Ivan's and cannot revoke his.
    other = await _another_browser(database)
    try:
        await sign_in(other, "anna")
        assert "Website" not in await (await other.get("/api-tokens")).text()
        forged = await post_form(other, f"/api-tokens/{kept.id}/revoke", {}, page="/api-tokens")
        assert forged.status == 404
    finally:
        await other.close()
    revoked = await post_form(client, f"/api-tokens/{kept.id}/revoke", {}, page="/api-tokens")
    assert revoked.status in (302, 303)
    async with database.writer() as session, session.begin():
        assert await employee_of_token(session, token.group(1), now=utcnow()) is None


async def _another_browser(database: Database) -> SiteClient:
    app = create_app(Settings(_env_file=None), database, secret_key="test-secret-key")
    client: SiteClient = TestClient(TestServer(app))
    await client.start_server()
    return client
