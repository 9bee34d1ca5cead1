"""The issue's newcomer, on the product as ``crm run`` starts it in sandbox mode: the owner makes
an API token and a webhook on the site (Chromium), opens a ticket with an HTTP client as with
``curl``, sees the client told in the sandbox chat, lists the ticket with a filter, assigns it,
and the receiver gets the signed webhook of its status change; the site shows it delivered.
The pictures are those of docs/guide/api-owner.md, kept when screenshots are asked for."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from aiohttp import ClientSession, web
from aiohttp.test_utils import TestServer
from playwright.async_api import Browser, expect
from sqlalchemy import select

from db.enums import Role
from db.models import Client, Employee
from tests.support.browser import (  # noqa: F401  (fixture)
    IN_CHROMIUMS_LOOP,
    browser_page,
    chromium,
    keep_screenshot,
)
from tests.support.e2e import demo_in_sandbox, eventually_async
from tests.test_admin_browser import DESKTOP, sign_in

pytestmark = IN_CHROMIUMS_LOOP


@asynccontextmanager
async def receiver() -> AsyncIterator[tuple[list[tuple[dict[str, str], bytes]], str]]:
    """An integration's endpoint, keeping each delivery's headers and raw body (served in the
    test's own loop, Chromium's)."""
    got: list[tuple[dict[str, str], bytes]] = []

    async def handle(request: web.Request) -> web.Response:
        got.append((dict(request.headers), await request.read()))
        return web.Response(text="thanks")

    app = web.Application()
    app.router.add_post("/frontdoor", handle)
    server = TestServer(app)
    await server.start_server()
    try:
        yield got, str(server.make_url("/frontdoor"))
    finally:
        await server.close()


async def test_a_newcomer_opens_a_ticket_with_a_token_and_gets_the_signed_webhook(
    chromium: Browser, sqlite_url: str
) -> None:
    async with receiver() as (got, hook_url), demo_in_sandbox(sqlite_url) as running:
        async with running.database.reader() as session:
            customer = await session.scalar(
                select(Client).where(Client.telegram_id.is_not(None)).order_by(Client.id)
            )
            taker = await session.scalar(
                select(Employee).where(Employee.role == Role.SPECIALIST).order_by(Employee.id)
            )
            assert customer is not None and taker is not None
        async with browser_page(chromium, f"{running.web_url}/sign-in", viewport=DESKTOP) as page:
            await sign_in(page, "olga")
            await page.get_by_role("link", name="API tokens").click()
            await page.get_by_label("Name").fill("Website form")
            await page.get_by_role("button", name="Make a token").click()
            token = (await page.locator("#new-token").inner_text()).strip()
            assert token.startswith("fdk_")
            await keep_screenshot(page, "api-tokens.png")
            await page.get_by_role("link", name="Webhooks").click()
            await page.get_by_label("Address").fill(hook_url)
            await page.get_by_label("A ticket changes status").check()
            await page.get_by_role("button", name="Add the webhook").click()
            secret = (await page.locator("#new-secret").inner_text()).strip()
            assert secret.startswith("whsec_")

            api = f"{running.web_url}/api/v1"
            headers = {"Authorization": f"Bearer {token}"}
            async with ClientSession(headers=headers) as http:
                made = await http.post(
                    f"{api}/tickets",
                    json={"client_id": customer.id, "description": "The printer jams"},
                )
                assert made.status == 201, await made.text()
                ticket: dict[str, Any] = await made.json()

                # The client hears in the sandbox chat that it is open.
                async with browser_page(chromium, f"{running.web_url}/sandbox") as chat:
                    await chat.get_by_role("button", name=f"{customer.full_name} client").click()
                    await expect(
                        chat.locator("#messages li.bot", has_text=f"#{ticket['id']}")
                    ).to_have_count(1)

                listed = await (
                    await http.get(
                        f"{api}/tickets", params={"status": "new", "client": str(customer.id)}
                    )
                ).json()
                assert ticket["id"] in [row["id"] for row in listed["items"]]
                assigned = await http.post(
                    f"{api}/tickets/{ticket['id']}/assignment", json={"assignee_id": taker.id}
                )
                assert assigned.status == 200, await assigned.text()

            async def delivered() -> tuple[dict[str, str], bytes] | None:
                return got[0] if got else None

            sent_headers, body = await eventually_async(delivered, what="the webhook")
            stamp, signature = (
                part.split("=", 1)[1] for part in sent_headers["Frontdoor-Signature"].split(",")
            )
            expected = hmac.new(
                secret.encode(), stamp.encode() + b"." + body, hashlib.sha256
            ).hexdigest()
            assert hmac.compare_digest(expected, signature)
            event = json.loads(body)
            assert event["event"] == "ticket.status_changed"
            assert event["data"]["id"] == ticket["id"] and event["data"]["status"] == "assigned"

            await page.goto(f"{running.web_url}/webhooks")
            await expect(page.locator("section.webhook")).to_contain_text("delivered")
            await keep_screenshot(page, "webhooks.png", full_page=True)
