"""A person opens /sandbox in a real browser and becomes a client by sharing their phone."""

from __future__ import annotations

from pathlib import Path

from playwright.async_api import expect
from sqlalchemy import select

from crm.settings import Settings
from db.models import Client
from tests.browser import browser_page
from tests.e2e import Product, eventually_async


async def test_a_newcomer_registers_in_the_sandbox_page(sqlite_url: str, in_tmp_dir: Path) -> None:
    product = Product(Settings(_env_file=None, database_url=sqlite_url, web_port=0))
    running = await product.start()
    try:
        async with browser_page(f"{running.web_url}/sandbox") as page:
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
    finally:
        await product.stop()
