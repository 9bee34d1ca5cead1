"""A demo client signs a school contract in the sandbox page, through the bot's /contract
dialog (language buttons, then 8 / 16 / 32 / 64 lessons, then the branch, then a summary to
*Sign*), in a real browser; the picture is the client's page of the school guide.
"""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

from playwright.async_api import Browser, Locator, Page, expect
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from db.enums import ContractStatus
from db.models import Client, Contract, Language
from tests.support.browser import (  # noqa: F401  (fixture)
    IN_CHROMIUMS_LOOP,
    browser_page,
    chromium,
    keep_screenshot,
)
from tests.support.e2e import demo_in_sandbox, eventually_async

pytestmark = IN_CHROMIUMS_LOOP

JOHN = "John Carter"  # a demo client who reads English


async def send(page: Page, text: str) -> None:
    await page.get_by_label("Message").fill(text)
    await page.get_by_role("button", name="Send").click()


def newest_bot_message(page: Page) -> Locator:
    return page.locator("#messages li.bot").last


async def test_a_demo_client_signs_a_contract_in_the_sandbox(
    chromium: Browser, sqlite_url: str, in_tmp_dir: Path
) -> None:
    async with demo_in_sandbox(sqlite_url) as running:
        async with running.database.reader() as session:
            john = await session.scalar(select(Client).where(Client.full_name == JOHN))
        assert john is not None
        async with browser_page(chromium, f"{running.web_url}/sandbox") as page:
            await page.get_by_role("button", name=f"{JOHN} client").click()
            await expect(page.locator("#chat-title")).to_contain_text(JOHN)
            await send(page, "/contract")
            # Languages taught now, each a button; Italian is no longer taught.
            await expect(page.get_by_role("button", name=re.compile(r"^English"))).to_be_visible()
            await expect(page.get_by_role("button", name=re.compile(r"^Italian"))).to_have_count(0)
            await page.get_by_role("button", name=re.compile(r"^English")).last.click()
            # The number of lessons: the usual ones as buttons (any other may be typed).
            for lessons in ("8", "16", "32", "64"):
                await expect(page.get_by_role("button", name=lessons, exact=True)).to_be_visible()
            await page.get_by_role("button", name="16", exact=True).click()
            # Two branches: the client chooses.
            await expect(page.get_by_role("button", name="Language school")).to_be_visible()
            await page.get_by_role("button", name="Branch Paris").click()
            # The summary: 16 lessons of English at 22.00, no discount below 32 lessons.
            summary = newest_bot_message(page)
            await expect(summary).to_contain_text("English")
            await expect(summary).to_contain_text("16")
            await expect(summary).to_contain_text("352")
            await page.get_by_role("button", name=re.compile("Sign")).last.click()
            await expect(newest_bot_message(page)).to_contain_text(re.compile(r"#\d+"))
            await keep_screenshot(page, "school-sandbox-contract.png", full_page=True)

        async def signed() -> Contract | None:
            async with running.database.reader() as session:
                return await session.scalar(
                    select(Contract)
                    .where(  # the demo gave him a French course before
                        Contract.client_id == john.id,
                        Contract.lessons == 16,
                        Contract.language.has(Language.name == "English"),
                    )
                    .options(selectinload(Contract.language), selectinload(Contract.branch))
                )

        contract = await eventually_async(signed, what="the signed contract")
        assert contract.language.name == "English"
        assert contract.branch is not None and contract.branch.name == "Branch Paris"
        assert (contract.status, contract.total, contract.paid) == (
            ContractStatus.UNPAID,
            contract.price_per_lesson * 16,
            Decimal(0),
        )
