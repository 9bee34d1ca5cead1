"""Headless Chromium for browser tests: Debian's package, driven by Playwright, launched once per
pytest process and given to each test as a new context."""

from __future__ import annotations

import os
import shutil
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
import pytest_asyncio
from playwright.async_api import Browser, Page, ViewportSize, async_playwright

from bot.runner import Running
from bot.sandbox.telegram import FakeTelegram
from tests.conftest import fake_bot_api
from tests.support.desk import FAST_SENDER, desk_settings
from tests.support.e2e import Product

CHROMIUM = os.environ.get("CRM_CHROMIUM", "/usr/bin/chromium")
# The guide's pictures (docs/screenshots) are taken by the browser tests, but only when asked:
# `make screenshots` sets this, so `make test` leaves the working tree as it found it.
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
TAKE_SCREENSHOTS = os.environ.get("CRM_SCREENSHOTS") == "1"
# The flags keep Chromium from reaching out to the network, which this machine does not have.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def require_chromium() -> str:
    """The path to Chromium, or skip (a failure when CRM_REQUIRE_BROWSER is set, as in CI)."""
    if shutil.which(CHROMIUM) is None:
        if os.environ.get("CRM_REQUIRE_BROWSER"):
            pytest.fail(f"Chromium not found at {CHROMIUM}, and CRM_REQUIRE_BROWSER is set")
        pytest.skip(f"Chromium not found at {CHROMIUM}: apt-get install chromium to run this")
    return CHROMIUM


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def chromium() -> AsyncIterator[Browser]:
    """One headless Chromium for all the browser tests of this pytest process (each pytest-xdist
    worker has its own), launched by the first of them and closed at the end; every test opens
    a context of its own in it (``browser_page``). Skips when Chromium is missing."""
    executable = require_chromium()
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield browser
        await browser.close()


# A Playwright browser answers only in the event loop it was launched in: the browser tests and
# their async fixtures run in the session's loop, where ``chromium`` lives (``pytestmark`` of
# each browser test module; its fixtures are ``pytest_asyncio.fixture(loop_scope="session")``).
IN_CHROMIUMS_LOOP = pytest.mark.asyncio(loop_scope="session")


@asynccontextmanager
async def browser_page(
    browser: Browser, url: str, viewport: ViewportSize | None = None
) -> AsyncIterator[Page]:
    """A page of a new context of ``browser`` (no cookies, storage or cache of another test),
    opened at ``url`` (in a window of ``viewport``, if given); the context closes after."""
    context = await (browser.new_context(viewport=viewport) if viewport else browser.new_context())
    try:
        page = await context.new_page()
        await page.goto(url)
        yield page
    finally:
        await context.close()


@asynccontextmanager
async def product_for_the_browser(fake: FakeTelegram, sqlite_url: str) -> AsyncIterator[Running]:
    """The product as ``crm run`` starts it, on ``sqlite_url``, talking over HTTP to ``fake``
    served on a loopback port, with the sender paced for tests; stopped after."""
    async with fake_bot_api(fake=fake) as (_, url):
        product = Product(desk_settings(url, sqlite_url), FAST_SENDER)
        running = await product.start()
        try:
            yield running
        finally:
            await product.stop()


async def keep_screenshot(page: Page, name: str, *, full_page: bool = False) -> None:
    """Save the page as docs/screenshots/``name`` for the guide, when screenshots are asked for."""
    if TAKE_SCREENSHOTS:
        await page.screenshot(path=SCREENSHOTS / name, full_page=full_page)
