"""Outgoing webhooks: an owner registers an endpoint on the site; a ticket's status change
through the API reaches a receiver written here, which checks the signature itself; a receiver
that fails twice gets the delivery on the third try, at the backoff's times; what happens in a
refused change is never sent; non-owners cannot see the page; areas that are off offer nothing."""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer
from sqlalchemy import func, select

from crm.settings import Settings
from db.base import utcnow
from db.engine import Database
from db.enums import OutboxStatus, Role, TicketStatus
from db.models import Employee, Ticket, WebhookDelivery, WebhookEndpoint
from notifications.webhooks import WebhookSender
from tests.support.api import bearer, demo_client
from tests.support.site import give_logins, sign_in, token


@dataclass
class Receiver:
    """An integration's endpoint: answers each delivery with the next of ``answers`` (then
    200), and keeps what came with whether its signature held."""

    answers: list[int] = field(default_factory=list)
    secret: str = ""
    got: list[tuple[dict[str, str], dict[str, Any], bool]] = field(default_factory=list)

    async def handle(self, request: web.Request) -> web.Response:
        body = await request.read()
        signed = request.headers.get("Frontdoor-Signature", "")
        found = re.fullmatch(r"t=(\d+),v1=([0-9a-f]{64})", signed)
        holds = False
        if found:
            expected = hmac.new(
                self.secret.encode(), found.group(1).encode() + b"." + body, hashlib.sha256
            ).hexdigest()
            fresh = abs(utcnow().timestamp() - int(found.group(1))) < 300
            holds = fresh and hmac.compare_digest(expected, found.group(2))
        self.got.append((dict(request.headers), json.loads(body), holds))
        status = self.answers.pop(0) if self.answers else 200
        return web.Response(status=status, text=f"answer {status}")


@pytest.fixture
async def receiver() -> AsyncIterator[tuple[Receiver, str]]:
    listening = Receiver()
    app = web.Application()
    app.router.add_post("/hook", listening.handle)
    server = TestServer(app)
    await server.start_server()
    yield listening, str(server.make_url("/hook"))
    await server.close()


async def _add(client: Any, url: str, events: list[str]) -> tuple[int, str]:
    """The webhook form sent with ``url`` and ``events`` ticked: the status and the page."""
    csrf = await token(client, "/webhooks")
    fields = [("csrf_token", csrf), ("url", url), *(("events", event) for event in events)]
    answer = await client.post("/webhooks/new", data=fields, allow_redirects=False)
    return answer.status, await answer.text()


async def _register(client: Any, database: Database, url: str, events: list[str]) -> str:
    """The owner adds the endpoint on the site; the secret shown once."""
    async with database.reader() as session:
        owner = await session.scalar(select(Employee).where(Employee.role == Role.OWNER))
        assert owner is not None
    await give_logins(database, owner)
    await sign_in(client, owner.username or "")
    status, page = await _add(client, url, events)
    assert status == 200, page
    secret = re.search(r'<code id="new-secret">([^<]+)</code>', page)
    assert secret is not None, page
    return secret.group(1)


async def test_a_status_change_reaches_the_receiver_signed_and_is_shown_delivered(
    database: Database, receiver: tuple[Receiver, str]
) -> None:
    listening, url = receiver
    client, tokens = await demo_client(database)
    sender = WebhookSender(database)
    try:
        listening.secret = await _register(client, database, url, ["ticket.status_changed"])
        async with database.reader() as session:
            ticket_id = await session.scalar(
                select(Ticket.id).where(Ticket.status == TicketStatus.IN_PROGRESS).limit(1)
            )
        # A refused move (already there) queues nothing; a real one queues one delivery.
        refused = await client.post(
            f"/api/v1/tickets/{ticket_id}/status",
            json={"status": "in_progress"},
            headers=bearer(tokens[Role.OWNER]),
        )
        assert refused.status == 422
        assert await sender.deliver_due() == 0
        moved = await client.post(
            f"/api/v1/tickets/{ticket_id}/status",
            json={"status": "resolved"},
            headers=bearer(tokens[Role.OWNER]),
        )
        assert moved.status == 200
        assert await sender.deliver_due() == 1
        assert len(listening.got) == 1
        headers, body, holds = listening.got[0]
        assert holds, "the signature did not hold"
        assert headers["Frontdoor-Event"] == "ticket.status_changed"
        assert body["event"] == "ticket.status_changed"
        assert body["data"]["id"] == ticket_id
        assert body["data"]["status"] == "resolved"
        assert body["data"]["previous_status"] == "in_progress"
        # A wrong secret would not have held.
        listening.secret = "whsec_wrong"
        assert await sender.deliver_due() == 0
        page = await (await client.get("/webhooks")).text()
        assert "delivered" in page and url in page
        async with database.reader() as session:
            endpoint = await session.scalar(select(WebhookEndpoint))
            assert endpoint is not None and endpoint.last_status == 200
    finally:
        await sender.close()
        await client.close()


async def test_a_receiver_failing_twice_gets_it_on_the_third_try_at_the_backoffs_times(
    database: Database, receiver: tuple[Receiver, str]
) -> None:
    listening, url = receiver
    listening.answers = [500, 503]
    client, tokens = await demo_client(database)
    moment = [utcnow()]
    sender = WebhookSender(database, clock=lambda: moment[0])
    try:
        listening.secret = await _register(client, database, url, ["ticket.created"])
        async with database.reader() as session:
            customer_id = await session.scalar(select(func.min(Ticket.client_id)))
        made = await client.post(
            "/api/v1/tickets",
            json={"client_id": customer_id, "description": "webhook please"},
            headers=bearer(tokens[Role.ADMIN]),
        )
        assert made.status == 201
        moment[0] = utcnow() + timedelta(seconds=1)
        assert await sender.deliver_due() == 1  # 500
        assert await sender.deliver_due() == 0  # not due before its backoff
        moment[0] += timedelta(seconds=10)  # past the first wait (5 s, jitter up to 1.5x)
        assert await sender.deliver_due() == 1  # 503
        moment[0] += timedelta(seconds=5)
        assert await sender.deliver_due() == 0  # the second wait is about 10 s
        moment[0] += timedelta(seconds=20)
        assert await sender.deliver_due() == 1  # 200
        moment[0] += timedelta(hours=2)
        assert await sender.deliver_due() == 0  # delivered: never again
        assert len(listening.got) == 3 and all(holds for _, _, holds in listening.got)
        assert len({body["id"] for _, body, _ in listening.got}) == 1  # one delivery, three tries
        async with database.reader() as session:
            delivery = await session.scalar(select(WebhookDelivery))
            assert delivery is not None
            assert delivery.status is OutboxStatus.SENT and delivery.attempts == 3
    finally:
        await sender.close()
        await client.close()


async def test_only_owners_see_webhooks_and_only_the_events_of_areas_that_are_on(
    database: Database,
) -> None:
    client, _tokens = await demo_client(database, Settings(_env_file=None, areas="tickets"))
    try:
        async with database.reader() as session:
            owner = await session.scalar(select(Employee).where(Employee.role == Role.OWNER))
            admin = await session.scalar(select(Employee).where(Employee.role == Role.ADMIN))
            assert owner is not None and admin is not None
        await give_logins(database, owner, admin)
        await sign_in(client, admin.username or "")
        assert (await client.get("/webhooks")).status == 403
        client.session.cookie_jar.clear()
        await sign_in(client, owner.username or "")
        page = await (await client.get("/webhooks")).text()
        assert "ticket.created" in page and "contract.signed" not in page
        status, refused = await _add(client, "ftp://example.com", ["contract.signed"])
        assert status == 400 and "http://" in refused and "contract.signed" in refused
        async with database.reader() as session:
            assert await session.scalar(select(func.count()).select_from(WebhookEndpoint)) == 0
    finally:
        await client.close()
