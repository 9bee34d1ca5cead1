"""The REST API over real HTTP on the demo business: a ticket opened, listed, moved and told;
rights per role and without a token; idempotent POSTs; ETags; problem+json refusals; cursor
pagination through 10,000 rows; rate limits, also shared through Redis."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient
from redis.asyncio import Redis
from sqlalchemy import func, insert, select

from crm import idempotency
from crm.demo.seed import seed_demo
from crm.people.api_tokens import create_api_token, revoke_api_token
from crm.settings import Settings
from crm.visibility import (
    visible_clients,
    visible_companies,
    visible_contracts,
    visible_deals,
    visible_requests,
    visible_sessions,
    visible_tickets,
)
from db.base import utcnow
from db.engine import Database
from db.enums import Role, TicketStatus
from db.models import (
    ApiToken,
    Client,
    CoachingRequest,
    CoachingSession,
    Company,
    Contract,
    Deal,
    Employee,
    IdempotentRequest,
    OutboxMessage,
    Ticket,
)
from notifications import scheduler
from tests.conftest import REDIS_URL, needs_redis
from tests.support.api import bearer, demo_client, site_client, tokens_by_role
from web.api.limits import MinuteLimit, RedisMinuteLimit

Api = TestClient[web.Request, web.Application]


@pytest.fixture
async def api(database: Database) -> AsyncIterator[tuple[Api, dict[Role, str]]]:
    client, tokens = await demo_client(database)
    yield client, tokens
    await client.close()


async def _all(http: Api, path: str, token: str, **query: Any) -> list[dict[str, Any]]:
    """Every row of a listing, page by page through its ``next`` links."""
    rows: list[dict[str, Any]] = []
    url: str | None = path
    params: dict[str, Any] | None = {"limit": 100, **query}
    while url is not None:
        answer = await http.get(url, params=params, headers=bearer(token))
        assert answer.status == 200, await answer.text()
        page = await answer.json()
        rows += page["items"]
        url, params = page["next"], None
    return rows


async def test_a_ticket_opened_through_the_api_is_told_listed_and_moved(
    api: tuple[Api, dict[Role, str]], database: Database
) -> None:
    client, tokens = api
    async with database.reader() as session:
        customer = await session.scalar(
            select(Client).where(Client.telegram_id.is_not(None)).order_by(Client.id).limit(1)
        )
        assert customer is not None
    made = await client.post(
        "/api/v1/tickets",
        json={"client_id": customer.id, "description": "The <b>printer</b> jams"},
        headers=bearer(tokens[Role.ADMIN]),
    )
    assert made.status == 201, await made.text()
    ticket = await made.json()
    assert made.headers["Location"] == f"/api/v1/tickets/{ticket['id']}"
    assert ticket["status"] == "new" and ticket["client"]["id"] == customer.id
    async with database.reader() as session:
        told = list(
            await session.scalars(
                select(OutboxMessage).where(OutboxMessage.chat_id == customer.telegram_id)
            )
        )
    assert any(f"#{ticket['id']}" in str(message.payload) for message in told)
    # The site's filters: this client's new tickets.
    listed = await _all(
        client, "/api/v1/tickets", tokens[Role.ADMIN], client=str(customer.id), status="new"
    )
    assert ticket["id"] in [row["id"] for row in listed]
    assert all(row["status"] == "new" and row["client"]["id"] == customer.id for row in listed)
    history = await (
        await client.get(
            f"/api/v1/tickets/{ticket['id']}/history", headers=bearer(tokens[Role.ADMIN])
        )
    ).json()
    assert [entry["kind"] for entry in history["items"]] == ["created"]


async def test_no_token_a_wrong_one_a_revoked_or_expired_one_or_a_switched_off_employee_is_401(
    api: tuple[Api, dict[Role, str]], database: Database
) -> None:
    client, tokens = api
    for headers in ({}, {"Authorization": "Basic abc"}, bearer("fdk_nothing"), bearer("x" * 300)):
        answer = await client.get("/api/v1/tickets", headers=headers)
        assert answer.status == 401
        assert answer.content_type == "application/problem+json"
        assert (await answer.json())["status"] == 401
    now = utcnow()
    async with database.writer() as session, session.begin():
        owner = await session.scalar(select(Employee).where(Employee.role == Role.OWNER).limit(1))
        assert owner is not None
        short, short_token = await create_api_token(
            session, actor=owner, name="short", expires_at=now + timedelta(seconds=1), now=now
        )
        revoked, revoked_token = await create_api_token(
            session, actor=owner, name="revoked", expires_at=None, now=now
        )
        await revoke_api_token(session, actor=owner, token_id=revoked.id, now=now)
        short.expires_at = now - timedelta(seconds=1)  # its last moment has passed
    for gone in (short_token, revoked_token):
        assert (await client.get("/api/v1/tickets", headers=bearer(gone))).status == 401
    assert (await client.get("/api/v1/tickets", headers=bearer(tokens[Role.OWNER]))).status == 200
    async with database.writer() as session, session.begin():
        holder = await session.scalar(
            select(Employee).join(ApiToken).where(ApiToken.name == f"tests {Role.OWNER}")
        )
        assert holder is not None
        holder.active = False
    assert (await client.get("/api/v1/tickets", headers=bearer(tokens[Role.OWNER]))).status == 401


# Each listing with one-record reads, its table and the site's visibility rule for it.
LISTINGS: dict[str, tuple[Any, Any]] = {
    "/api/v1/tickets": (Ticket, visible_tickets),
    "/api/v1/clients": (Client, visible_clients),
    "/api/v1/contracts": (Contract, visible_contracts),
    "/api/v1/sessions": (CoachingSession, visible_sessions),
    "/api/v1/requests": (CoachingRequest, visible_requests),
    "/api/v1/deals": (Deal, visible_deals),
    "/api/v1/companies": (Company, visible_companies),
}


async def test_each_role_reads_through_the_api_exactly_what_the_site_shows_it(
    api: tuple[Api, dict[Role, str]], database: Database
) -> None:
    client, tokens = api
    async with database.reader() as session:
        people = {
            role: await session.scalar(
                select(Employee).join(ApiToken).where(ApiToken.name == f"tests {role}")
            )
            for role in tokens
        }
        every = {
            path: set(await session.scalars(select(model.id)))
            for path, (model, _) in LISTINGS.items()
        }
        shown = {
            (role, path): set(await session.scalars(select(model.id).where(rule(people[role]))))
            for role in tokens
            for path, (model, rule) in LISTINGS.items()
        }
    narrower = 0
    for role, token in tokens.items():
        for path in LISTINGS:
            listed = {row["id"] for row in await _all(client, path, token)}
            assert listed == shown[(role, path)], (role, path)
            narrower += listed < every[path]
            for record_id in sorted(every[path]):
                one = await client.get(f"{path}/{record_id}", headers=bearer(token))
                assert one.status == (200 if record_id in listed else 404), (role, path, record_id)
    assert narrower > 0  # some role is shown less than everything
    # Staff and departments are for owners and administrators.
    for role, token in tokens.items():
        for path in ("/api/v1/employees", "/api/v1/departments"):
            answer = await client.get(path, headers=bearer(token))
            assert answer.status == (200 if role in (Role.OWNER, Role.ADMIN) else 403)


async def test_every_endpoint_refuses_a_request_without_a_token(
    api: tuple[Api, dict[Role, str]],
) -> None:
    client, _tokens = api
    document = await (await client.get("/api/v1/openapi.json")).json()
    assert len(document["paths"]) > 20
    for path, operations in document["paths"].items():
        for method in operations:
            answer = await client.request(
                method.upper(), "/api/v1" + re.sub(r"\{\w+\}", "1", path), json={}
            )
            assert answer.status == 401, (method, path)
            assert answer.headers["WWW-Authenticate"].startswith("Bearer")


async def test_a_post_repeated_with_its_idempotency_key_changes_nothing_more(
    api: tuple[Api, dict[Role, str]], database: Database
) -> None:
    client, tokens = api
    async with database.reader() as session:
        customer_id = await session.scalar(select(func.min(Client.id)))
        before = await session.scalar(select(func.count()).select_from(Ticket))
    body = {"client_id": customer_id, "description": "Sent twice"}
    headers = {**bearer(tokens[Role.ADMIN]), "Idempotency-Key": "form-42"}
    first = await client.post("/api/v1/tickets", json=body, headers=headers)
    again = await client.post("/api/v1/tickets", json=body, headers=headers)
    assert first.status == again.status == 201
    assert await first.json() == await again.json()
    assert first.headers["Location"] == again.headers["Location"]
    other = await client.post(
        "/api/v1/tickets", json={**body, "description": "Another"}, headers=headers
    )
    assert other.status == 422
    problem = await other.json()
    assert problem["errors"][0]["field"] == "Idempotency-Key"
    # Another token's key of the same name is its own.
    elsewhere = await client.post(
        "/api/v1/tickets",
        json=body,
        headers={**bearer(tokens[Role.OWNER]), "Idempotency-Key": "form-42"},
    )
    assert elsewhere.status == 201
    async with database.reader() as session:
        after = await session.scalar(select(func.count()).select_from(Ticket))
    assert after == (before or 0) + 2


async def test_a_change_with_a_stale_etag_is_refused_and_changes_nothing(
    api: tuple[Api, dict[Role, str]], database: Database
) -> None:
    client, tokens = api
    headers = bearer(tokens[Role.OWNER])
    async with database.reader() as session:
        ticket_id = await session.scalar(
            select(Ticket.id).where(Ticket.status == TicketStatus.IN_PROGRESS).limit(1)
        )
    read = await client.get(f"/api/v1/tickets/{ticket_id}", headers=headers)
    etag = read.headers["ETag"]
    # Another integration moves it first.
    moved = await client.post(
        f"/api/v1/tickets/{ticket_id}/status",
        json={"status": "resolved"},
        headers={**headers, "If-Match": etag},
    )
    assert moved.status == 200 and moved.headers["ETag"] != etag
    stale = await client.post(
        f"/api/v1/tickets/{ticket_id}/status",
        json={"status": "closed"},
        headers={**headers, "If-Match": etag},
    )
    assert stale.status == 412
    assert stale.content_type == "application/problem+json"
    now = await (await client.get(f"/api/v1/tickets/{ticket_id}", headers=headers)).json()
    assert now["status"] == "resolved"


async def test_refusals_are_problems_with_each_fields_error(
    api: tuple[Api, dict[Role, str]],
) -> None:
    client, tokens = api
    headers = bearer(tokens[Role.ADMIN])
    unreadable = await client.post(
        "/api/v1/tickets",
        data=b"{not json",
        headers={**headers, "Content-Type": "application/json"},
    )
    assert unreadable.status == 400
    wrong = await client.post(
        "/api/v1/tickets", json={"client_id": 0, "description": "", "extra": 1}, headers=headers
    )
    assert wrong.status == 422 and wrong.content_type == "application/problem+json"
    fields = {error["field"] for error in (await wrong.json())["errors"]}
    assert {"client_id", "description", "extra"} <= fields
    unknown_client = await client.post(
        "/api/v1/tickets", json={"client_id": 999_999, "description": "x"}, headers=headers
    )
    assert unknown_client.status == 422
    assert (await unknown_client.json())["errors"][0]["field"] == "client_id"
    bad_filter = await client.get(
        "/api/v1/tickets", params={"from": "yesterday", "stauts": "new"}, headers=headers
    )
    assert bad_filter.status == 422
    assert {error["field"] for error in (await bad_filter.json())["errors"]} >= {"stauts"}
    missing = await client.get("/api/v1/tickets/999999", headers=headers)
    assert missing.status == 404 and missing.content_type == "application/problem+json"
    # In the language asked for.
    french = await client.get(
        "/api/v1/tickets/999999", headers={**headers, "Accept-Language": "fr"}
    )
    assert (await french.json())["detail"] != (await missing.json())["detail"]


async def test_cursor_pages_go_through_ten_thousand_tickets_without_a_gap_or_a_repeat(
    api: tuple[Api, dict[Role, str]], database: Database
) -> None:
    client, tokens = api
    now = utcnow()
    async with database.writer() as session, session.begin():
        customer_id = await session.scalar(select(func.min(Client.id)))
        # Many share a moment: the page's order is (moment, id), so ties cannot skip a row.
        await session.execute(
            insert(Ticket),
            [
                {
                    "client_id": customer_id,
                    "status": TicketStatus.NEW,
                    "title": f"bulk {number}",
                    "description": f"bulk {number}",
                    "created_at": now - timedelta(seconds=number // 7),
                }
                for number in range(10_000)
            ],
        )
        expected = set(await session.scalars(select(Ticket.id)))
    seen = [row["id"] for row in await _all(client, "/api/v1/tickets", tokens[Role.OWNER])]
    assert len(seen) == len(set(seen)) == len(expected)
    assert set(seen) == expected


async def test_a_token_past_its_minute_allowance_waits(database: Database) -> None:
    moment = [1_000_000.0]
    client, tokens = await demo_client(
        database,
        Settings(_env_file=None, api_requests_per_minute=3),
        api_limit=MinuteLimit(3, clock=lambda: moment[0]),
    )
    try:
        headers = bearer(tokens[Role.OWNER])
        for _ in range(3):
            assert (await client.get("/api/v1/departments", headers=headers)).status == 200
        refused = await client.get("/api/v1/departments", headers=headers)
        assert refused.status == 429
        assert refused.content_type == "application/problem+json"
        assert 1 <= int(refused.headers["Retry-After"]) <= 60
        # Another token has its own allowance; the next minute, this one again.
        assert (
            await client.get("/api/v1/tickets", headers=bearer(tokens[Role.ADMIN]))
        ).status == 200
        moment[0] += 60
        assert (await client.get("/api/v1/departments", headers=headers)).status == 200
    finally:
        await client.close()


@needs_redis
async def test_processes_sharing_redis_share_one_allowance(database: Database) -> None:
    assert REDIS_URL is not None
    redis = Redis.from_url(REDIS_URL)
    await redis.flushdb()
    moment = 2_000_000.0
    first, tokens = await demo_client(
        database, api_limit=RedisMinuteLimit(redis, 4, clock=lambda: moment)
    )
    second = await site_client(database, api_limit=RedisMinuteLimit(redis, 4, clock=lambda: moment))
    try:
        headers = bearer(tokens[Role.OWNER])
        statuses = []
        for client in (first, second, first, second, first):
            statuses.append((await client.get("/api/v1/departments", headers=headers)).status)
        assert statuses == [200, 200, 200, 200, 429]
    finally:
        await first.close()
        await second.close()
        await redis.aclose()


async def test_an_idempotency_key_is_kept_a_day_then_forgotten(database: Database) -> None:
    async with database.writer() as session, session.begin():
        await seed_demo(session, now=utcnow())
    tokens = await tokens_by_role(database)
    now = utcnow()
    async with database.writer() as session, session.begin():
        token_id = await session.scalar(select(ApiToken.id).limit(1))
        assert token_id is not None and tokens
        held = await idempotency.begin(
            session, token_id=token_id, key="k", fingerprint="f", now=now
        )
        assert held is None
        await idempotency.finish(
            session, token_id=token_id, key="k", answer=idempotency.Answer(201, "{}")
        )
    async with database.writer() as session, session.begin():
        again = await idempotency.begin(
            session, token_id=token_id, key="k", fingerprint="f", now=now + timedelta(hours=23)
        )
        assert again == idempotency.Answer(201, "{}")
    await scheduler.prune(database, now=now + timedelta(hours=25))
    async with database.reader() as session:
        assert await session.scalar(select(func.count()).select_from(IdempotentRequest)) == 0
