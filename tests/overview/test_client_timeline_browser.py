"""The client page's timeline and a track in headless Chromium on a phone, on the running
product: an administrator reads Maria's timeline, opens a track from her page, adds a step and
ticks it off, writes the strategy and marks the goal achieved; nothing is wider than the phone."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest_asyncio
from playwright.async_api import Browser, Page, expect

from bot.sandbox.telegram import FakeTelegram
from tests.overview.test_client_timeline_web import Coaching, add_coaching
from tests.support.browser import (  # noqa: F401  (fixture)
    IN_CHROMIUMS_LOOP,
    browser_page,
    chromium,
    keep_screenshot,
    product_for_the_browser,
)
from tests.support.site import PASSWORD
from tests.test_admin_browser import PHONE

pytestmark = IN_CHROMIUMS_LOOP


@pytest_asyncio.fixture(loop_scope="session")
async def coaching_site(
    fake: FakeTelegram, sqlite_url: str, in_tmp_dir: Path
) -> AsyncIterator[tuple[str, Coaching]]:
    async with product_for_the_browser(fake, sqlite_url) as running:
        coaching = await add_coaching(running.database)
        yield running.web_url, coaching


async def wider_than_the_screen(page: Page) -> int:
    return int(await page.evaluate("document.scrollingElement.scrollWidth - window.innerWidth"))


async def test_the_timeline_and_a_track_on_a_phone(
    chromium: Browser,
    coaching_site: tuple[str, Coaching],
) -> None:
    web_url, coaching = coaching_site
    maria = coaching.people.maria
    async with browser_page(chromium, f"{web_url}/sign-in", viewport=PHONE) as page:
        await page.get_by_label("Login").fill("anna")
        await page.get_by_label("Password").fill(PASSWORD)
        await page.get_by_role("button", name="Sign in").click()
        await expect(page.get_by_role("button", name="Sign out")).to_be_visible()
        wider: dict[str, int] = {}

        await page.goto(f"{web_url}/clients/{maria.id}")
        timeline = page.locator("#timeline li")
        await expect(timeline).to_have_count(11)
        await expect(timeline.first).to_contain_text("moved to the stage Step 2")
        await expect(timeline.last).to_contain_text("Cannot open the course page")
        if (width := await wider_than_the_screen(page)) > 0:
            wider["client"] = width
        await keep_screenshot(page, "coaching-client-timeline.png", full_page=True)

        await page.get_by_role("link", name="Open a track").click()
        await page.get_by_label("Goal").fill("Speak at the spring conference")
        await page.get_by_label("Coach", exact=True).select_option(label="Ivan Kuznetsov")
        await page.get_by_label("Ask the client for a progress report every (days)").fill("7")
        await page.get_by_role("button", name="Save").click()
        await expect(page.locator("#goal")).to_have_text("Speak at the spring conference")
        await page.get_by_label("New step").fill("Write the talk's outline")
        await page.get_by_label("Due").fill("2030-03-01")
        await page.get_by_role("button", name="Add the step").click()
        await expect(page.locator("#steps")).to_contain_text("Write the talk's outline")
        await page.get_by_label("New step").fill("Rehearse with a friend")
        await page.get_by_role("button", name="Add the step").click()
        await page.locator("#steps li").first.get_by_role("button", name="Done").click()
        await expect(page.locator("#steps li").first).to_contain_text("✓")
        await page.get_by_label("New strategy entry").fill("Start from her own stories")
        await page.get_by_role("button", name="Add to the strategy").click()
        await expect(page.locator("#strategy")).to_contain_text("Start from her own stories")
        await expect(page.locator("#schedule")).to_contain_text("every 7 days")
        if (width := await wider_than_the_screen(page)) > 0:
            wider["track"] = width
        await keep_screenshot(page, "coaching-track.png", full_page=True)
        await page.get_by_role("button", name="The goal is achieved").click()
        await expect(page.locator("#track-status")).to_have_text("achieved")
        await expect(page.get_by_role("button", name="Drop the track")).to_have_count(0)
        assert wider == {}, f"pages wider than a 390-px phone (pixels too wide): {wider}"
