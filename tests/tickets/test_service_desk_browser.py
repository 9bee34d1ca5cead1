"""The service desk in the sandbox page, in a real browser: a client opens a ticket with a photo,
an admin assigns it, the specialist works it and answers, the client hears each step."""

from __future__ import annotations

import base64
from pathlib import Path

from playwright.async_api import Browser, Page, expect

from tests.support.browser import (  # noqa: F401  (fixture)
    IN_CHROMIUMS_LOOP,
    browser_page,
    chromium,
)
from tests.support.e2e import demo_in_sandbox

pytestmark = IN_CHROMIUMS_LOOP

# A 1×1 PNG, enough for the page to treat the file as a photo.
PIXEL = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8/5+hHgAHggJ/PchI7wAAAABJRU5ErkJggg=="
)


async def act_as(page: Page, name: str) -> None:
    await page.get_by_role("button", name=name).click()
    await expect(page.locator("#chat-title")).to_contain_text(name.split(" ")[0])


async def say(page: Page, text: str) -> None:
    await page.get_by_label("Message").fill(text)
    await page.get_by_role("button", name="Send").click()


async def test_a_ticket_with_a_photo_goes_through_the_desk(
    chromium: Browser, sqlite_url: str, in_tmp_dir: Path
) -> None:
    photo = in_tmp_dir / "router.png"
    photo.write_bytes(PIXEL)
    async with (
        demo_in_sandbox(sqlite_url) as running,
        browser_page(chromium, f"{running.web_url}/sandbox/") as page,
    ):
        chat = page.locator("#messages")

        await act_as(page, "John Carter client")
        await page.get_by_label("Attach a photo or a document").set_input_files(str(photo))
        await say(page, "My router is broken")
        await expect(chat).to_contain_text("🖼 photo")
        # John has an open request already, so the bot asks where this one goes.
        await expect(chat).to_contain_text("Is this a new request, or about one of your")
        await page.get_by_role("button", name="🆕 New request").click()
        await page.get_by_role("button", name="I don't know").click()
        await expect(chat).to_contain_text("✅ Request #7 is open.")

        await act_as(page, "Anna Petrova admin")
        await say(page, "/assign 7 @tom_support")
        await expect(chat).to_contain_text("#7 назначена: Tom Baker")

        await act_as(page, "Tom Baker specialist")
        await expect(chat).to_contain_text("📌 Ticket #7 is assigned to you.")
        await expect(chat).to_contain_text("📎 Files: 1")
        await page.get_by_role("button", name="Start work").click()
        await expect(chat).to_contain_text("#7 is now in progress; the client is told.")
        await say(page, "/reply 7 Please restart it & wait 5 minutes")
        await expect(chat).to_contain_text("Your answer on #7 goes to John Carter.")

        await act_as(page, "John Carter client")
        await expect(chat).to_contain_text("🔔 Request #7: in progress.")
        answer = chat.locator("li", has_text="Please restart it & wait 5 minutes")
        await answer.get_by_role("button", name="↩ Reply").click()
        await say(page, "Restarted, still broken")
        await expect(chat).to_contain_text("Added to request #7.")

        await act_as(page, "Tom Baker specialist")
        await expect(chat).to_contain_text("✉️ John Carter wrote on ticket #7:")
        await say(page, "/digest")
        await expect(chat).to_contain_text("☀️ Your open tickets: 2")
        await page.screenshot(path=str(in_tmp_dir / "desk.png"), full_page=True)
