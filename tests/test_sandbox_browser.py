"""A person opens /sandbox in a real browser and becomes a client by sharing their phone."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from playwright.async_api import Browser, FilePayload, Page, ViewportSize, expect
from sqlalchemy import select

from db.models import Client
from tests.support.browser import (  # noqa: F401  (fixture)
    IN_CHROMIUMS_LOOP,
    browser_page,
    chromium,
)
from tests.support.e2e import demo_in_sandbox, eventually_async

pytestmark = IN_CHROMIUMS_LOOP

PHONE: ViewportSize = {"width": 375, "height": 667}


@asynccontextmanager
async def sandbox_page(
    browser: Browser, sqlite_url: str, viewport: ViewportSize | None = None
) -> AsyncIterator[Page]:
    """The demo business running in sandbox mode, its /sandbox page open in Chromium."""
    async with (
        demo_in_sandbox(sqlite_url) as running,
        browser_page(browser, f"{running.web_url}/sandbox", viewport) as page,
    ):
        await expect(page.get_by_role("button", name="Olga Smirnova owner")).to_be_visible()
        yield page


async def start_as_newcomer(page: Page, name: str, phone: str) -> None:
    await page.get_by_label("Name").fill(name)
    await page.get_by_label("Phone number").fill(phone)
    await page.get_by_role("button", name="Start as a newcomer").click()


async def test_a_newcomer_registers_in_the_sandbox_page(
    chromium: Browser, sqlite_url: str, in_tmp_dir: Path
) -> None:
    async with demo_in_sandbox(sqlite_url) as running:
        async with browser_page(chromium, f"{running.web_url}/sandbox") as page:
            await expect(page.get_by_role("button", name="Olga Smirnova owner")).to_be_visible()

            await page.get_by_label("Name").fill("Zoé <Newman>")
            await page.get_by_label("Phone number").fill("+33 6 12 34 56 78")
            await page.get_by_label("Telegram language").select_option("fr")
            await page.get_by_role("button", name="Start as a newcomer").click()
            await expect(page.locator("#chat-title")).to_have_text(
                "You are Zoé <Newman> (newcomer)"
            )

            await page.get_by_label("Message").fill("/start")
            await page.get_by_role("button", name="Send").click()
            await expect(page.locator("#messages li.bot").first).to_contain_text("Bienvenue !")
            await page.get_by_role("button", name="📱 Partager mon numéro de téléphone").click()
            await expect(page.locator("#messages li.bot").nth(1)).to_contain_text(
                "Merci, Zoé <Newman> !"
            )
            await page.screenshot(path=str(in_tmp_dir / "sandbox.png"), full_page=True)

        async def card() -> Client | None:
            async with running.database.reader() as session:
                return await session.scalar(
                    select(Client).where(Client.full_name == "Zoé <Newman>")
                )

        found = await eventually_async(card, what="the client card")
        assert (found.phone, found.language) == ("+33612345678", "fr")


async def test_the_sandbox_refuses_a_newcomer_without_a_real_phone_number(
    chromium: Browser, sqlite_url: str, in_tmp_dir: Path
) -> None:
    async with sandbox_page(chromium, sqlite_url) as page:
        people = await page.locator("#people li").count()
        await start_as_newcomer(page, "Alex Newman", "")
        await expect(page.locator("#error")).to_contain_text("Enter a phone number")
        await start_as_newcomer(page, "Alex Newman", "12")
        await expect(page.locator("#error")).to_contain_text("12 is not a phone number")
        await expect(page.locator("#chat-title")).to_have_text("Pick a person on the left")
        assert await page.locator("#people li").count() == people


async def test_starting_twice_as_the_same_newcomer_is_one_person(
    chromium: Browser, sqlite_url: str, in_tmp_dir: Path
) -> None:
    async with sandbox_page(chromium, sqlite_url) as page:
        await start_as_newcomer(page, "Alex Newman", "+44 7700 900123")
        await expect(page.locator("#chat-title")).to_have_text("You are Alex Newman (newcomer)")
        async with page.expect_response(
            lambda response: (
                response.url.endswith("/sandbox/people") and response.request.method == "POST"
            )
        ):
            await start_as_newcomer(page, "Alex Newman", "+447700900123")
        await page.reload()  # the people list as the sandbox has it now
        await expect(page.get_by_role("button", name="Alex Newman newcomer")).to_have_count(1)
        await start_as_newcomer(page, "Alex Newman", "+447700900124")  # another phone: another
        await expect(page.get_by_role("button", name="Alex Newman newcomer")).to_have_count(2)


async def test_the_title_names_the_person_and_their_role_after_registering(
    chromium: Browser, sqlite_url: str, in_tmp_dir: Path
) -> None:
    async with sandbox_page(chromium, sqlite_url) as page:
        await start_as_newcomer(page, "Alex Newman", "+447700900123")
        await expect(page.locator("#chat-title")).to_have_text("You are Alex Newman (newcomer)")
        await page.get_by_label("Message").fill("/start")
        await page.get_by_role("button", name="Send").click()
        await page.get_by_role("button", name="📱 Share my phone number").click()
        await expect(page.locator("#chat-title")).to_have_text("You are Alex Newman (client)")
        await expect(page.get_by_role("button", name="Alex Newman client")).to_be_visible()
        await expect(page.get_by_role("button", name="📋 My requests")).to_be_visible()


async def test_the_sandbox_fits_a_phone_screen(
    chromium: Browser, sqlite_url: str, in_tmp_dir: Path
) -> None:
    async with sandbox_page(chromium, sqlite_url, PHONE) as page:
        await page.get_by_role("button", name="Olga Smirnova owner").click()
        await page.get_by_label("Message").fill("/start")
        await page.get_by_role("button", name="Send").click()
        await expect(page.locator("#messages li.bot").first).to_contain_text("Olga Smirnova")
        await page.screenshot(path=str(in_tmp_dir / "sandbox-phone.png"), full_page=True)
        overflow = await page.evaluate("document.scrollingElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"the page is {overflow}px wider than the phone"
        message = page.get_by_label("Message")
        await message.scroll_into_view_if_needed()
        await expect(message).to_be_in_viewport()
        box = await message.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
        send = page.get_by_role("button", name="Send")
        await expect(send).to_be_in_viewport()


async def test_a_file_sent_as_a_reply_on_the_page_keeps_the_reply(
    chromium: Browser, sqlite_url: str, in_tmp_dir: Path
) -> None:
    async with sandbox_page(chromium, sqlite_url) as page:
        await page.get_by_role("button", name="John Carter client").click()
        await page.get_by_label("Message").fill("/new The printer jams")
        await page.get_by_role("button", name="Send").click()
        await page.get_by_role("button", name="I don't know").click()
        opened = page.locator("#messages li.bot", has_text="is open.")
        await expect(opened).to_have_count(1)
        ticket_id = (await opened.inner_text()).split("#")[1].split(" ")[0]
        await opened.get_by_role("button", name="↩ Reply").click()
        receipt: FilePayload = {
            "name": "receipt.pdf",
            "mimeType": "application/pdf",
            "buffer": b"%PDF-1.4",
        }
        await page.get_by_label("Attach a photo or a document").set_input_files(files=[receipt])
        await page.get_by_role("button", name="Send").click()
        await expect(page.locator("#messages li.bot").last).to_contain_text(
            f"Added to request #{ticket_id}."
        )
