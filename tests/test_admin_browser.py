"""The admin site in headless Chromium, on the running product with the demo business."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest
import pytest_asyncio
from playwright.async_api import Browser, Page, ViewportSize, expect

from bot.sandbox.page import register_people
from bot.sandbox.telegram import FakeTelegram
from crm.demo.seed import DEMO_PASSWORD, seed_demo
from db.base import utcnow
from tests.support.browser import (  # noqa: F401  (fixture)
    IN_CHROMIUMS_LOOP,
    browser_page,
    chromium,
    keep_screenshot,
    product_for_the_browser,
)
from tests.support.e2e import bot_said

pytestmark = IN_CHROMIUMS_LOOP

TOM = 9_100_000_005  # the demo's Tom Baker


@pytest_asyncio.fixture(loop_scope="session")
async def site(
    fake: FakeTelegram, sqlite_url: str, in_tmp_dir: Path
) -> AsyncIterator[tuple[str, FakeTelegram]]:
    async with product_for_the_browser(fake, sqlite_url) as running:
        async with running.database.writer() as session, session.begin():
            await seed_demo(session, now=utcnow())
        await register_people(fake, running.database)
        yield running.web_url, fake


async def sign_in(page: Page, login: str = "anna") -> None:
    """Sign in, then switch the site to English (the demo's Anna and Olga read Russian)."""
    await page.get_by_label("Login").fill(login)
    await page.get_by_label("Password").fill(DEMO_PASSWORD)
    await page.get_by_role("button", name="Sign in").click()
    await expect(page.locator("header form.languages + form")).to_be_visible()
    await page.get_by_role("button", name="en", exact=True).click()
    await expect(page.get_by_role("button", name="Sign out")).to_be_visible()


PHONE: ViewportSize = {"width": 390, "height": 844}
DESKTOP: ViewportSize = {"width": 1280, "height": 800}
MAIN_PAGES = [
    ("dashboard", "/"),
    ("tickets", "/tickets"),
    ("ticket", "/tickets/1"),
    ("clients", "/clients"),
    ("client", "/clients/1"),
    ("employees", "/employees"),
    ("departments", "/departments"),
]


@pytest.mark.parametrize(("screen", "viewport"), [("phone", PHONE), ("desktop", DESKTOP)])
async def test_the_main_pages_fit_the_screen_without_sideways_scrolling(
    chromium: Browser, site: tuple[str, FakeTelegram], screen: str, viewport: ViewportSize
) -> None:
    """On a 390-px phone as on a desktop, no main page scrolls sideways; each page's picture
    is kept in docs/screenshots (so the guide's pictures are always today's site)."""
    web_url, _ = site
    async with browser_page(chromium, f"{web_url}/sign-in", viewport=viewport) as page:
        await keep_screenshot(page, f"sign-in-{screen}.png")
        await sign_in(page, "olga")
        wider = {}
        for name, path in MAIN_PAGES:
            await page.goto(f"{web_url}{path}")
            await expect(page.locator("main h1")).to_be_visible()
            width = await page.evaluate("document.scrollingElement.scrollWidth - window.innerWidth")
            if width > 0:
                wider[path] = width
            await keep_screenshot(page, f"{name}-{screen}.png")
        assert wider == {}, f"pages wider than the {screen} screen (pixels too wide): {wider}"


async def test_on_a_phone_the_menu_folds_behind_a_button_and_opens(
    chromium: Browser,
    site: tuple[str, FakeTelegram],
) -> None:
    """15 links took half a 390-px screen; folded, the header is a line or two, and the button
    opens the menu (no script: a checkbox and its label). A wide screen shows it open."""
    web_url, _ = site
    async with browser_page(chromium, f"{web_url}/sign-in", viewport=PHONE) as page:
        await sign_in(page, "olga")
        header = page.locator("header")
        tickets = header.get_by_role("link", name="Tickets", exact=True)
        await expect(tickets).to_be_hidden()
        folded = await header.bounding_box()
        assert folded is not None and folded["height"] <= PHONE["height"] / 8, folded
        await header.get_by_text("Menu", exact=True).click()
        await expect(tickets).to_be_visible()
        await expect(header.get_by_role("link", name="Written reports")).to_be_visible()
        await expect(header.get_by_role("link", name="Figures")).to_be_visible()
        await tickets.click()
        await expect(page.locator("main h1")).to_have_text("Tickets")
        await expect(tickets).to_be_hidden()  # folded again on the next page
        await page.locator("#menu-open").focus()  # the button is reached from the keyboard
        await page.keyboard.press("Space")
        await expect(tickets).to_be_visible()
        await page.set_viewport_size(DESKTOP)
        await page.reload()
        await expect(tickets).to_be_visible()
        await expect(header.get_by_text("Menu", exact=True)).to_be_hidden()


async def test_sign_in_and_filter_tickets(
    chromium: Browser, site: tuple[str, FakeTelegram]
) -> None:
    web_url, _ = site
    async with browser_page(chromium, f"{web_url}/tickets") as page:
        await expect(page).to_have_url(f"{web_url}/sign-in?next=/tickets")
        await page.get_by_label("Login").fill("anna")
        await page.get_by_label("Password").fill("wrong password")
        await page.get_by_role("button", name="Sign in").click()
        await expect(page.get_by_role("alert")).to_have_text("Wrong login or password.")
        await sign_in(page)
        await expect(page).to_have_url(f"{web_url}/tickets")  # back where they were going
        rows = page.locator("#tickets tbody tr")
        await expect(rows).to_have_count(6)

        await page.get_by_label("Client (name, phone or id)").fill("Dmitry")
        await page.get_by_role("button", name="Filter").click()
        await expect(rows).to_have_count(1)
        await expect(rows.first).to_contain_text("Laptop fan is very loud")

        await page.get_by_role("link", name="Clear").click()
        await page.get_by_label("in progress").check()
        await page.get_by_label("Assignee").select_option(label="Ivan Kuznetsov")
        await page.get_by_role("button", name="Filter").click()
        await expect(rows).to_have_count(1)
        assert "status=in_progress" in page.url  # the filter lives in the URL

        await page.get_by_role("link", name="Clear").click()
        week_ago = (utcnow() - timedelta(days=7)).date().isoformat()
        await page.get_by_label("Created from").fill(week_ago)
        await page.get_by_label("new", exact=True).check()
        await page.get_by_label("assigned", exact=True).check()
        await page.get_by_role("button", name="Filter").click()
        await expect(rows).to_have_count(3)  # two new and one assigned this week
        await expect(page.locator("#count")).to_have_text("3 tickets")


async def test_assigning_in_the_browser_reaches_the_employee_in_telegram(
    chromium: Browser,
    site: tuple[str, FakeTelegram],
) -> None:
    web_url, fake = site
    async with browser_page(chromium, f"{web_url}/sign-in") as page:
        await sign_in(page)
        await page.goto(f"{web_url}/tickets/3")
        await expect(page.get_by_role("heading", name="Ticket #3 · new")).to_be_visible()
        await page.get_by_label("Assign to").select_option(
            label="Tom Baker (specialist · Support line)"
        )  # its department first
        await page.get_by_role("button", name="Assign").click()
        await expect(page.get_by_role("status")).to_have_text(
            "Assigned; the employee and the client are told in Telegram."
        )
        await expect(page.get_by_role("heading", name="Ticket #3 · assigned")).to_be_visible()
        message = await bot_said(fake, TOM, "📌 Ticket #3 is assigned to you.")
        assert "Home Wi-Fi drops every evening" in message.text
        assert message.buttons() == ["Open the card", "Start work"]


async def test_create_edit_delete_in_the_browser(
    chromium: Browser, site: tuple[str, FakeTelegram]
) -> None:
    web_url, _ = site
    async with browser_page(chromium, f"{web_url}/sign-in") as page:
        await sign_in(page, "olga")
        # A department.
        await page.goto(f"{web_url}/departments/new")
        await page.get_by_label("Name").fill("Branch Lyon")
        await page.get_by_label("Address").fill("3 rue de la République")
        await page.get_by_role("button", name="Save").click()
        await expect(page.get_by_role("status")).to_have_text("Department saved.")
        row = page.locator("tr", has_text="Branch Lyon")
        await row.get_by_role("link", name="Edit").click()
        await page.get_by_label("Name").fill("Branch Lyon Part-Dieu")
        await page.get_by_role("button", name="Save").click()
        row = page.locator("tr", has_text="Branch Lyon Part-Dieu")
        await row.get_by_role("link", name="Delete").click()
        await page.get_by_role("button", name="Yes, delete").click()
        await expect(page.get_by_role("status")).to_have_text("Department deleted.")
        await expect(page.locator("tr", has_text="Branch Lyon")).to_have_count(0)
        # An employee, with a validation error on the way.
        await page.goto(f"{web_url}/employees/new")
        await page.get_by_label("Full name").fill("Léa Martin")
        await page.get_by_label("Role").select_option("specialist")
        await page.get_by_label("Salary").fill("a lot")
        await page.get_by_role("button", name="Save").click()
        await expect(page.locator("#salary-error")).to_have_text("a lot is not an amount of money")
        await page.get_by_label("Salary").fill("2900.50")
        await page.get_by_label("Web login").fill("lea")
        await page.get_by_label("Password").fill("a-good-password")
        await page.get_by_role("button", name="Save").click()
        await expect(page.get_by_role("status")).to_have_text("Employee saved.")
        row = page.locator("tr", has_text="Léa Martin")
        await expect(row).to_contain_text("2,900.50")  # in the locale's digits
        await row.get_by_role("link", name="Edit").click()
        await page.get_by_label("Position").fill("Repair engineer")
        await page.get_by_role("button", name="Save").click()
        row = page.locator("tr", has_text="Léa Martin")
        await expect(row).to_contain_text("Repair engineer")
        await row.get_by_role("link", name="Delete").click()
        await page.get_by_role("button", name="Yes, delete").click()
        await expect(page.get_by_role("status")).to_have_text("Employee deleted.")
        # A client.
        await page.goto(f"{web_url}/clients/new")
        await page.get_by_label("Full name").fill("Hugo Petit")
        await page.get_by_label("Phone").fill("+33 6 11 22 33 44")
        await page.get_by_label("Stage").select_option("consultation")
        await page.get_by_label("Topic").fill("Wants a maintenance contract")
        await page.get_by_role("button", name="Save").click()
        await expect(page.get_by_role("heading", name="Hugo Petit")).to_be_visible()
        await expect(page.locator("table.card-table")).to_contain_text("+33611223344")
        await page.get_by_role("link", name="Edit").click()
        await page.get_by_label("Notes").fill("Prefers calls after 6 pm")
        await page.get_by_role("button", name="Save").click()
        await expect(page.locator("table.card-table")).to_contain_text("Prefers calls after 6 pm")
        client_url = page.url
        client_id = client_url.rstrip("/").rsplit("/", 1)[1]
        # A ticket for that client, edited, whose text is a script shown as text.
        dialogs: list[str] = []
        page.on("dialog", lambda dialog: dialogs.append(dialog.message))
        await page.goto(f"{web_url}/tickets/new")
        await page.get_by_label("Client", exact=False).fill(client_id)
        await page.get_by_label("Description").fill("<script>alert('x')</script> boiler leaks")
        await page.get_by_role("button", name="Save").click()
        await expect(page.get_by_role("status")).to_have_text("Ticket #7 saved.")
        await expect(page.locator(".description")).to_have_text(
            "<script>alert('x')</script> boiler leaks"
        )
        await page.get_by_role("link", name="Edit").click()
        await page.get_by_label("Department").select_option(label="Repair workshop")
        await page.get_by_role("button", name="Save").click()
        await expect(page.locator("main")).to_contain_text("Department: Repair workshop")
        await page.goto(f"{web_url}/tickets")
        await expect(page.locator("#tickets")).to_contain_text("<script>alert('x')</script>")
        assert dialogs == []  # the script never ran
        # The client has a ticket now: deleting the card is refused, with the reason.
        await page.goto(f"{client_url}/delete")
        await page.get_by_role("button", name="Yes, delete").click()
        await expect(page.get_by_role("alert")).to_contain_text(
            "has 1 ticket, and its history must stay"
        )
        await page.goto(f"{web_url}/tickets/7/delete")
        await page.get_by_role("button", name="Yes, delete").click()
        await expect(page.get_by_role("status")).to_have_text("Ticket #7 deleted.")
        await page.goto(f"{client_url}/delete")
        await page.get_by_role("button", name="Yes, delete").click()
        await expect(page.get_by_role("status")).to_have_text("Client card deleted.")


async def test_the_new_ticket_form_suggests_clients_as_a_name_or_phone_is_typed(
    chromium: Browser,
    site: tuple[str, FakeTelegram],
) -> None:
    web_url, _ = site
    async with browser_page(chromium, f"{web_url}/sign-in") as page:
        await sign_in(page)
        await page.goto(f"{web_url}/tickets/new")
        field = page.get_by_label("Client", exact=False)
        suggestions = page.locator("#client-suggestions option")
        await field.press_sequentially("camil")
        await expect(suggestions).to_have_count(1)
        label = await suggestions.first.get_attribute("value")
        assert label is not None and label.endswith("Camille Martin (+33612340003)")
        await field.fill("")
        await field.press_sequentially("7700 900")
        await expect(suggestions).to_have_count(1)
        await expect(suggestions.first).to_have_attribute("value", re.compile("John Carter"))
        await field.fill(label)  # what choosing the suggestion puts in the field
        await page.get_by_label("Description").fill("Screen flickers")
        await page.get_by_role("button", name="Save").click()
        await expect(page.locator("main")).to_contain_text("Client: Camille Martin")
