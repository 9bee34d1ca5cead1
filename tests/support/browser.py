"""Headless Chromium for browser tests: Debian's package, driven by Playwright."""

from __future__ import annotations

import os
import shutil
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
from playwright.async_api import Page, ViewportSize, async_playwright

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


@asynccontextmanager
async def browser_page(url: str, viewport: ViewportSize | None = None) -> AsyncIterator[Page]:
    """A page of a fresh headless Chromium, opened at ``url`` (in a window of ``viewport``, if
    given); skips when Chromium is missing."""
    chromium = require_chromium()
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            page = (
                await browser.new_page(viewport=viewport) if viewport else await browser.new_page()
            )
            await page.goto(url)
            yield page
        finally:
            await browser.close()


async def keep_screenshot(page: Page, name: str, *, full_page: bool = False) -> None:
    """Save the page as docs/screenshots/``name`` for the guide, when screenshots are asked for."""
    if TAKE_SCREENSHOTS:
        await page.screenshot(path=SCREENSHOTS / name, full_page=full_page)
