"""A demo client asks for a coaching session in the sandbox page, through the bot's /book
dialog (a domain, then a coach with bio, rate and expertise, then a preferred time, then a
message), in a real browser; the picture is the client's page of the coaching guide. The coach
then finds the request waiting for them."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

from playwright.async_api import Browser, expect
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from db.enums import RequestStatus
from db.models import Client, CoachingRequest
from tests.school.test_school_sandbox_browser import newest_bot_message, send
from tests.support.browser import (  # noqa: F401  (fixture)
    IN_CHROMIUMS_LOOP,
    browser_page,
    chromium,
    keep_screenshot,
)
from tests.support.e2e import demo_in_sandbox, eventually_async

pytestmark = IN_CHROMIUMS_LOOP

JOHN = "John Carter"  # a demo client who reads English


async def test_a_demo_client_books_a_coach_in_the_sandbox(
    chromium: Browser, sqlite_url: str, in_tmp_dir: Path
) -> None:
    wanted = (datetime.now(UTC) + timedelta(days=3)).replace(hour=17, minute=30)
    async with demo_in_sandbox(sqlite_url) as running:
        async with running.database.reader() as session:
            john = await session.scalar(select(Client).where(Client.full_name == JOHN))
        assert john is not None
        async with browser_page(chromium, f"{running.web_url}/sandbox") as page:
            await page.get_by_role("button", name=f"{JOHN} client").click()
            await expect(page.locator("#chat-title")).to_contain_text(JOHN)
            await send(page, "/book")
            await expect(newest_bot_message(page)).to_contain_text("Choose a domain")
            await page.get_by_role("button", name="Career", exact=True).click()
            # Both coaches of the domain, with their rates and expertise.
            coaches = newest_bot_message(page)
            await expect(coaches).to_contain_text("Ekaterina Romanova")
            await expect(coaches).to_contain_text("Julien Moreau")
            await expect(coaches).to_contain_text("an hour")
            await page.get_by_role("button", name=re.compile("Ekaterina Romanova")).last.click()
            asked = newest_bot_message(page)
            await expect(asked).to_contain_text("When would you like to meet?")
            # The next days the coach works, as buttons (a time follows); typing works too.
            await expect(asked.get_by_role("button").first).to_be_visible()
            await keep_screenshot(page, "coaching-sandbox-book-days.png", full_page=True)
            await send(page, "tomorrow")  # not a moment: asked again, nothing sent
            await expect(newest_bot_message(page)).to_contain_text("2026")
            await send(page, f"{wanted:%Y-%m-%d %H:%M}")
            await expect(newest_bot_message(page)).to_contain_text("Anything the coach")
            await send(page, "I want to move from sales into product management.")
            await expect(newest_bot_message(page)).to_contain_text(
                re.compile(r"coaching request #\d+ is sent to Ekaterina Romanova")
            )
            await keep_screenshot(page, "coaching-sandbox-book.png", full_page=True)

        async def sent() -> CoachingRequest | None:
            async with running.database.reader() as session:
                return await session.scalar(
                    select(CoachingRequest)
                    .where(CoachingRequest.client_id == john.id)
                    .options(selectinload(CoachingRequest.coach))
                )

        request = await eventually_async(sent, what="John's coaching request")
        assert request.status is RequestStatus.PENDING
        assert request.coach is not None and request.coach.full_name == "Ekaterina Romanova"
        assert request.preferred_at == wanted.replace(second=0, microsecond=0)
        assert request.message == "I want to move from sales into product management."
