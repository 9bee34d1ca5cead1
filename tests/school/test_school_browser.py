"""The school in headless Chromium, on the running product with the demo business and a small
school beside it: a teacher sees only their contracts, an administrator records a payment, and
the contract pages fit a phone."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest_asyncio
from playwright.async_api import Browser, Page, expect

from bot.sandbox.page import register_people
from bot.sandbox.telegram import FakeTelegram
from crm.demo.seed import seed_demo
from db.base import utcnow
from tests.support.browser import (  # noqa: F401  (fixture)
    IN_CHROMIUMS_LOOP,
    browser_page,
    chromium,
    keep_screenshot,
    product_for_the_browser,
)
from tests.support.school import add_demo_school
from tests.test_admin_browser import DESKTOP, PHONE, sign_in

pytestmark = IN_CHROMIUMS_LOOP


@pytest_asyncio.fixture(loop_scope="session")
async def school_site(
    fake: FakeTelegram, sqlite_url: str, in_tmp_dir: Path
) -> AsyncIterator[tuple[str, dict[str, int]]]:
    async with product_for_the_browser(fake, sqlite_url) as running:
        async with running.database.writer() as session, session.begin():
            await seed_demo(session, now=utcnow())
        contracts = await add_demo_school(running.database)
        await register_people(fake, running.database)
        yield running.web_url, contracts


async def wider_than_the_screen(page: Page) -> int:
    return int(await page.evaluate("document.scrollingElement.scrollWidth - window.innerWidth"))


async def test_a_teacher_sees_only_the_contracts_they_teach(
    chromium: Browser,
    school_site: tuple[str, dict[str, int]],
) -> None:
    web_url, contracts = school_site
    async with browser_page(chromium, f"{web_url}/sign-in", viewport=DESKTOP) as page:
        await sign_in(page, "ivan")
        await page.get_by_role("link", name="Contracts").click()
        await expect(page.get_by_role("heading", name="Contracts")).to_be_visible()
        rows = page.locator("#contracts tbody tr")
        await expect(rows).to_have_count(2)
        await expect(page.locator("#contracts")).not_to_contain_text("Tom Baker")
        for name in ("ivan_first", "ivan_second"):
            await expect(page.get_by_role("link", name=f"#{contracts[name]}")).to_be_visible()
        await expect(page.get_by_role("link", name="Languages")).to_have_count(0)
        await expect(page.get_by_role("link", name="New contract")).to_have_count(0)
        await keep_screenshot(page, "school-teacher-contracts.png", full_page=True)
        # Another teacher's contract is not there for him, whatever the address.
        response = await page.goto(f"{web_url}/contracts/{contracts['tom_unpaid']}")
        assert response is not None and response.status == 404
        # His own: no payment or termination forms, only what he may do.
        await page.goto(f"{web_url}/contracts/{contracts['ivan_first']}")
        await expect(page.get_by_role("button", name="Record the payment")).to_have_count(0)
        await expect(page.get_by_role("link", name="Delete")).to_have_count(0)


async def test_an_administrator_records_a_payment(
    chromium: Browser,
    school_site: tuple[str, dict[str, int]],
) -> None:
    web_url, contracts = school_site
    async with browser_page(chromium, f"{web_url}/sign-in", viewport=DESKTOP) as page:
        await sign_in(page, "anna")
        await page.goto(f"{web_url}/contracts?status=unpaid&teacher=")
        await page.get_by_role("link", name=f"#{contracts['tom_unpaid']}").click()
        await expect(page.locator("main h1")).to_have_text(
            f"Contract #{contracts['tom_unpaid']} · unpaid"
        )
        await expect(page.locator("#balance")).to_have_text("€255.00")
        await page.get_by_label("Amount").fill("300")
        await page.get_by_role("button", name="Record the payment").click()
        await expect(page.locator("#amount-error")).to_contain_text("more than the balance")
        await page.get_by_label("Amount").fill("255")
        await page.get_by_label("Method").select_option(label="card")
        await page.get_by_label("Note").fill("<b>paid at the desk</b>")
        await page.get_by_role("button", name="Record the payment").click()
        await expect(page.get_by_role("status")).to_have_text(
            "Payment recorded; the client is told."
        )
        await expect(page.locator("main h1")).to_have_text(
            f"Contract #{contracts['tom_unpaid']} · active"
        )
        await expect(page.locator("#balance")).to_have_text("€0.00")
        payment = page.locator("#payments tbody tr")
        await expect(payment).to_have_count(1)
        await expect(payment).to_contain_text("€255.00")
        await expect(payment).to_contain_text("<b>paid at the desk</b>")  # shown as typed
        await expect(payment).to_contain_text("Anna Petrova")
        await keep_screenshot(page, "school-admin-payment.png", full_page=True)


async def test_the_contract_pages_fit_a_phone(
    chromium: Browser,
    school_site: tuple[str, dict[str, int]],
) -> None:
    web_url, contracts = school_site
    async with browser_page(chromium, f"{web_url}/sign-in", viewport=PHONE) as page:
        await sign_in(page, "olga")
        wider = {}
        for path in (
            "/contracts",
            f"/contracts/{contracts['ivan_second']}",
            "/languages",
            "/contracts/new",
        ):
            await page.goto(f"{web_url}{path}")
            await expect(page.locator("main h1")).to_be_visible()
            if (width := await wider_than_the_screen(page)) > 0:
                wider[path] = width
        await page.goto(f"{web_url}/contracts/{contracts['ivan_second']}")
        await keep_screenshot(page, "school-contract-page-phone.png", full_page=True)
        assert wider == {}, f"pages wider than a 390-px phone (pixels too wide): {wider}"
