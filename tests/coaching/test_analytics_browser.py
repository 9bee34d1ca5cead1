"""The coaching reports in headless Chromium on a phone-sized screen, on the running product with
the demo business (its coaching practice: two coaches, a four-stage programme): from the
reports' overview to the per-coach and per-programme pages, whose charts and tables fit the
phone; the screenshots go to the documentation."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest
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
from tests.test_admin_browser import DESKTOP, PHONE, sign_in

pytestmark = IN_CHROMIUMS_LOOP


@pytest_asyncio.fixture(loop_scope="session")
async def coaching_site(
    fake: FakeTelegram, sqlite_url: str, in_tmp_dir: Path
) -> AsyncIterator[str]:
    async with product_for_the_browser(fake, sqlite_url) as running:
        async with running.database.writer() as session, session.begin():
            await seed_demo(session, now=utcnow())
        await register_people(fake, running.database)
        yield running.web_url


async def wider_than_the_screen(page: Page) -> int:
    return int(await page.evaluate("document.scrollingElement.scrollWidth - window.innerWidth"))


async def test_the_coach_and_programme_reports_fit_a_phone(
    chromium: Browser, coaching_site: str
) -> None:
    async with browser_page(chromium, f"{coaching_site}/sign-in", viewport=PHONE) as page:
        await sign_in(page, "anna")
        await page.goto(f"{coaching_site}/reports/overview")
        await page.get_by_role("link", name="Per coach").click()
        await expect(page.get_by_role("heading", name="Coaches", exact=True)).to_be_visible()
        await expect(page.locator("#coaches tbody tr")).to_have_count(2)
        # The last sixty days: every session the demo's coaches held, whatever the month.
        today = utcnow().date()
        await page.get_by_label("From").fill((today - timedelta(days=60)).isoformat())
        await page.get_by_label("To").fill(today.isoformat())
        await page.get_by_role("button", name="Show").click()
        rows = page.locator("#coaches tbody tr")
        await expect(rows.filter(has_text="Ekaterina Romanova").locator(".held")).to_have_text("4")
        await expect(rows.filter(has_text="Julien Moreau").locator(".held")).to_have_text("2")
        chart = page.get_by_role("img", name="Sessions per coach")
        await expect(chart).to_be_visible()
        box = await chart.bounding_box()
        assert box is not None and box["width"] <= PHONE["width"]
        assert await wider_than_the_screen(page) <= 0
        await keep_screenshot(page, "coaching-report-coaches.png", full_page=True)

        await page.get_by_role("link", name="All reports").click()
        await page.get_by_role("link", name="Per programme").click()
        await expect(page.get_by_role("heading", name="Career change")).to_be_visible()
        await expect(page.get_by_role("img", name="Clients per stage")).to_be_visible()
        await expect(page.locator(".program tbody tr")).to_have_count(4)
        assert await wider_than_the_screen(page) <= 0
        await keep_screenshot(page, "coaching-report-programs.png", full_page=True)


async def test_a_coach_sees_their_own_row_only(chromium: Browser, coaching_site: str) -> None:
    async with browser_page(chromium, f"{coaching_site}/sign-in", viewport=PHONE) as page:
        await sign_in(page, "julien")
        await page.goto(f"{coaching_site}/reports/coaches")
        await expect(page.locator("#coaches tbody tr")).to_have_count(1)
        await expect(page.locator("#coaches")).to_contain_text("Julien Moreau")
        await expect(page.locator("#coaches")).not_to_contain_text("Ekaterina Romanova")


# Each word of the coaches table's column headers that is split over two lines (a break after a
# hyphen, "No-/shows", is where a word may break).
WORDS_SPLIT = """(table) => [...table.querySelectorAll("thead th")].flatMap((th) => {
  const text = th.firstChild, split = [];
  for (const word of text.data.matchAll(/[^\\s-]+/g)) {
    const range = document.createRange();
    range.setStart(text, word.index);
    range.setEnd(text, word.index + word[0].length);
    const lines = new Set([...range.getClientRects()].map((box) => Math.round(box.top)));
    if (lines.size > 1) split.push(word[0]);
  }
  return split;
})"""
# On a phone each cell is its label then its value: the cells whose value touches the label
# (less than 4 px after it on the same line).
LABELS_TOUCHING = """(table) => [...table.querySelectorAll("td[data-label]")].flatMap((td) => {
  const cell = td.getBoundingClientRect(), style = getComputedStyle(td);
  const label = getComputedStyle(td, "::before");
  const labelRight = cell.left + parseFloat(style.paddingLeft) + parseFloat(label.width);
  const labelBottom = cell.top + parseFloat(style.paddingTop) + parseFloat(label.height);
  const range = document.createRange();
  range.selectNodeContents(td);
  const value = range.getClientRects()[0];
  if (!value || value.top >= labelBottom - 1 || value.left >= labelRight + 4) return [];
  return [td.dataset.label + td.textContent];
})"""


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_the_coaches_table_keeps_words_whole_and_labels_apart_from_values(
    chromium: Browser, coaching_site: str, language: str
) -> None:
    today = utcnow().date()
    figures = f"{coaching_site}/reports/coaches?from={today - timedelta(days=60)}&to={today}"
    async with browser_page(chromium, f"{coaching_site}/sign-in", viewport=DESKTOP) as page:
        await sign_in(page, "olga")
        await page.get_by_role("button", name=language, exact=True).click()
        for width in (DESKTOP["width"], 900, 700):
            await page.set_viewport_size({"width": width, "height": 800})
            await page.goto(figures)
            table = page.locator("#coaches")
            await expect(table.locator("tbody tr")).to_have_count(2)
            assert await table.evaluate(WORDS_SPLIT) == [], width
        await page.set_viewport_size(PHONE)
        await page.reload()
        assert await page.locator("#coaches").evaluate(LABELS_TOUCHING) == []
