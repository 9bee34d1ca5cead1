"""The sales reports in headless Chromium on a phone-sized screen, on the running product with the
demo business and a few deals opened and moved through the services: from the menu to the
pipeline and the win-rate pages, whose charts and tables fit the phone; the screenshots go to
the documentation (docs/guide/sales-reports.md)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest_asyncio
from playwright.async_api import Browser, Page, expect
from sqlalchemy import select

from bot.sandbox.page import register_people
from bot.sandbox.telegram import FakeTelegram
from crm.areas import areas_on
from crm.demo.seed import seed_demo
from crm.sales.deals import DealDraft, move_deal, open_deal
from db.base import utcnow
from db.enums import DealStage
from db.models import Employee
from tests.support.browser import (  # noqa: F401  (fixture)
    IN_CHROMIUMS_LOOP,
    browser_page,
    chromium,
    keep_screenshot,
    product_for_the_browser,
)
from tests.test_admin_browser import PHONE, sign_in

pytestmark = IN_CHROMIUMS_LOOP
D = DealStage

# Owner's login, deal, value, the stages it went through, days ago each.
DEALS = [
    ("ekaterina", "Leadership programme, Nord Ltd", "4800.00", [(D.NEW, 20), (D.QUALIFIED, 12)]),
    ("ekaterina", "Team coaching, Volga Bank", "12500.00", [(D.NEW, 18), (D.PROPOSAL, 9)]),
    ("julien", "Career sessions, Atelier Lumière", "2400.00", [(D.NEW, 16), (D.NEGOTIATION, 4)]),
    ("julien", "Founders' retreat, Brightbase", "9000.00", [(D.NEW, 14), (D.WON, 2)]),
    ("ekaterina", "Sales training, Kama Foods", "3600.00", [(D.NEW, 10), (D.LOST, 3)]),
    ("julien", "Mentoring, Seine Robotics", "1500.00", [(D.NEW, 3)]),
]


@pytest_asyncio.fixture(loop_scope="session")
async def sales_site(fake: FakeTelegram, sqlite_url: str, in_tmp_dir: Path) -> AsyncIterator[str]:
    async with product_for_the_browser(fake, sqlite_url) as running:
        now = utcnow()
        async with running.database.writer() as session, session.begin():
            # The demo's coaching people, without the sales demo's own deals: the figures below
            # are those of the six deals here.
            await seed_demo(session, now=now, areas=areas_on(["tickets", "school", "coaching"]))
            staff = {
                employee.web_login: employee
                for employee in await session.scalars(select(Employee))
                if employee.web_login
            }
            anna = staff["anna"]
            for login, name, value, history in DEALS:
                owner = staff[login]
                (_, opened), *moves = history
                deal = await open_deal(
                    session,
                    actor=anna,
                    draft=DealDraft(
                        name=name, value=Decimal(value), currency="EUR", owner_id=owner.id
                    ),
                    now=now - timedelta(days=opened),
                )
                for stage, days in moves:
                    reason = "Chose another supplier" if stage is D.LOST else None
                    when = now - timedelta(days=days)
                    await move_deal(
                        session, actor=anna, deal_id=deal.id, to=stage, now=when, reason=reason
                    )
        await register_people(fake, running.database)
        yield running.web_url


async def wider_than_the_screen(page: Page) -> int:
    return int(await page.evaluate("document.scrollingElement.scrollWidth - window.innerWidth"))


async def test_the_pipeline_and_win_rate_reports_fit_a_phone(
    chromium: Browser, sales_site: str
) -> None:
    async with browser_page(chromium, f"{sales_site}/sign-in", viewport=PHONE) as page:
        await sign_in(page, "anna")
        await page.goto(f"{sales_site}/")
        await page.get_by_text("Menu", exact=True).click()  # folded on a phone
        await page.locator("#menu").get_by_role("link", name="Sales reports").click()
        await expect(page.get_by_role("heading", name="Pipeline", exact=True)).to_be_visible()
        chart = page.get_by_role("img", name="Pipeline by stage (EUR)")
        await expect(chart).to_be_visible()
        box = await chart.bounding_box()
        assert box is not None and box["width"] <= PHONE["width"]
        stages = page.locator("#by-stage tbody tr")
        await expect(stages.filter(has_text="Proposal").locator(".deals")).to_have_text("1")
        await expect(page.locator("#by-owner tbody tr")).to_have_count(2)
        assert await wider_than_the_screen(page) <= 0
        await keep_screenshot(page, "sales-report-pipeline.png", full_page=True)

        await page.get_by_role("link", name="Won and lost").click()
        await expect(page.get_by_role("heading", name="Won and lost")).to_be_visible()
        # The last thirty days, whatever the month.
        today = utcnow().date()
        await page.get_by_label("From").fill((today - timedelta(days=30)).isoformat())
        await page.get_by_label("To").fill(today.isoformat())
        await page.get_by_role("button", name="Show").click()
        await expect(page.get_by_role("img", name="Won and lost per owner")).to_be_visible()
        await expect(page.get_by_role("img", name="Average time at each stage")).to_be_visible()
        total = page.locator('#by-owner tr[data-owner="total"]')
        await expect(total.locator(".win-rate")).to_have_text("50%")
        assert await wider_than_the_screen(page) <= 0
        await keep_screenshot(page, "sales-report-win-rate.png", full_page=True)


async def test_a_specialist_sees_their_own_deals_only(chromium: Browser, sales_site: str) -> None:
    async with browser_page(chromium, f"{sales_site}/sign-in", viewport=PHONE) as page:
        await sign_in(page, "julien")
        await page.goto(f"{sales_site}/reports/pipeline")
        owners = page.locator("#by-owner tbody tr")
        await expect(owners).to_have_count(1)
        await expect(owners).to_contain_text("Julien Moreau")
        await expect(page.locator("main")).not_to_contain_text("Ekaterina")
