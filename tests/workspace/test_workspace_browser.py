"""The workspace in headless Chromium, on the product as ``crm run`` starts it in sandbox mode
with the demo business: a client plans an item with a reminder and gets it once, saves a
contact card, keeps a document and writes to his assistant in the sandbox page; on the site
the assistant sees the unseen notification (seen once opened), reads the message, answers it,
and the answer reaches the client's chat; her week shows what she planned. The pictures are
the workspace guides' (docs/guide/workspace-*.md), kept when screenshots are asked for."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from playwright.async_api import Browser, expect
from sqlalchemy import select

from crm.notify import Notifier
from crm.workspace.area import AREA
from db.base import utcnow
from db.models import Client, PersonalDocument, PlannedItem
from notifications.scheduler import run_job
from tests.school.test_school_sandbox_browser import newest_bot_message, send
from tests.support.browser import (  # noqa: F401  (fixture)
    IN_CHROMIUMS_LOOP,
    browser_page,
    chromium,
    keep_screenshot,
)
from tests.support.e2e import demo_in_sandbox, eventually_async
from tests.test_admin_browser import DESKTOP, PHONE, sign_in

pytestmark = IN_CHROMIUMS_LOOP

ANTOINE = "Antoine Moreau"  # the demo client the assistant helps; his Telegram speaks French
CAMILLE = "Camille Dubois"
JOB = next(job for job in AREA.jobs if job.id == "plan_reminders")


async def test_a_client_plans_keeps_and_writes_and_his_assistant_answers_from_the_site(
    chromium: Browser, sqlite_url: str, in_tmp_dir: Path
) -> None:
    scan = in_tmp_dir / "insurance.pdf"
    scan.write_bytes(b"%PDF-1.4 the insurance certificate")
    day = (utcnow() + timedelta(days=2)).date()
    async with demo_in_sandbox(sqlite_url) as running:
        async with browser_page(chromium, f"{running.web_url}/sandbox") as chat:
            await chat.get_by_role("button", name=f"{ANTOINE} client").click()
            await expect(chat.locator("#chat-title")).to_contain_text(ANTOINE)
            await send(chat, "/language")
            await newest_bot_message(chat).get_by_role("button", name="English").click()
            await expect(newest_bot_message(chat)).to_contain_text("English")

            # A planned item in one line; at its time, its reminder, once.
            await send(chat, f"/remind {day.isoformat()} 10:00 Call the notary")
            await expect(newest_bot_message(chat)).to_contain_text("📝 Planned")
            async with running.database.writer() as session, session.begin():
                item = await session.scalar(
                    select(PlannedItem).where(PlannedItem.title == "Call the notary")
                )
                assert item is not None
                item.remind_at = utcnow() - timedelta(minutes=1)  # its time has come
            notifier = Notifier("en")
            await run_job(running.database, notifier, JOB)
            await run_job(running.database, notifier, JOB)
            reminder = chat.locator("#messages li.bot", has_text="⏰ Reminder: Call the notary")
            await expect(reminder).to_have_count(1)
            await send(chat, "/agenda")
            await expect(newest_bot_message(chat)).to_contain_text("Call the notary")
            await keep_screenshot(chat, "workspace-sandbox-agenda.png", full_page=True)

            # A card from his phone book, saved to his contacts.
            await chat.get_by_text("Share a contact card").click()
            await chat.get_by_label("Who", exact=True).fill("Sophie Bernard")
            await chat.get_by_label("Their phone").fill("+33 6 12 34 50 02")
            await chat.get_by_role("button", name="Share the card").click()
            await expect(newest_bot_message(chat)).to_contain_text("A contact card of Sophie")
            await (
                newest_bot_message(chat)
                .get_by_role("button", name="💾 Save to my contacts")
                .click()
            )
            await expect(newest_bot_message(chat)).to_contain_text(
                "Saved to your contacts: Sophie Bernard · +33612345002"
            )

            # A file kept in his documents, beside the desk's own choices.
            await chat.locator("#file").set_input_files(scan)
            await send(chat, "My insurance")
            question = newest_bot_message(chat)
            await question.get_by_role("button", name="📁 Keep in my documents").click()
            await expect(newest_bot_message(chat)).to_contain_text(
                "Kept in your documents: My insurance (PDF)"
            )

            # A message to his assistant.
            await send(chat, "/write")
            await newest_bot_message(chat).get_by_role("button", name=CAMILLE, exact=False).click()
            await expect(newest_bot_message(chat)).to_contain_text(f"Your message to {CAMILLE}")
            await send(chat, "Could you post my <insurance> to the bank?")
            await expect(newest_bot_message(chat)).to_contain_text(f"✉️ Sent to {CAMILLE}.")

            # On the site, Camille: one more unseen notification, the message in the list.
            async with browser_page(chromium, f"{running.web_url}/sign-in", DESKTOP) as site:
                await sign_in(site, "camille")
                bell = site.locator("#unseen")
                await expect(bell).to_contain_text("unseen")
                before = int((await bell.inner_text()).split()[1])
                await site.goto(f"{running.web_url}/notifications?kind=message")
                row = site.locator("#notifications tbody tr.unseen").first
                await expect(row).to_contain_text(f"Message from {ANTOINE}")
                await keep_screenshot(site, "workspace-notifications.png", full_page=True)
                await row.get_by_role("link").click()
                await expect(site.locator("main")).to_contain_text(
                    "Could you post my <insurance> to the bank?"
                )
                await expect(site.locator("#unseen")).to_contain_text(f"{before - 1} unseen")

                # The conversation, and her answer through the bot.
                await site.goto(f"{running.web_url}/conversations")
                await site.get_by_role("link", name=ANTOINE).click()
                await expect(site.locator("#messages")).to_contain_text(
                    "Could you post my <insurance> to the bank?"
                )
                await site.get_by_label("Your message").fill("Done: posted this morning.")
                await site.get_by_role("button", name="Send through the bot").click()
                await expect(site.locator("#messages")).to_contain_text(
                    "Done: posted this morning."
                )
                await keep_screenshot(site, "workspace-conversation.png", full_page=True)

                # Antoine's card shows the document he kept.
                async with running.database.reader() as session:
                    antoine = await session.scalar(
                        select(Client).where(Client.full_name == ANTOINE)
                    )
                    assert antoine is not None
                await site.goto(f"{running.web_url}/clients/{antoine.id}")
                await expect(site.locator("#client-documents")).to_contain_text("My insurance")

            await expect(newest_bot_message(chat)).to_contain_text(
                f"Message from {CAMILLE} (Personal assistant)"
            )
            await expect(newest_bot_message(chat)).to_contain_text("Done: posted this morning.")
            await keep_screenshot(chat, "workspace-sandbox-write.png", full_page=True)

        async def kept() -> PersonalDocument | None:
            async with running.database.reader() as session:
                return await session.scalar(
                    select(PersonalDocument).where(PersonalDocument.title == "My insurance")
                )

        document = await eventually_async(kept, what="the kept document")
        assert document.kind == "PDF" and document.client_id is not None


async def test_the_week_on_a_phone_and_a_desktop(
    chromium: Browser, sqlite_url: str, in_tmp_dir: Path
) -> None:
    async with demo_in_sandbox(sqlite_url) as running:
        async with running.database.reader() as session:
            planned = await session.scalar(
                select(PlannedItem.starts_at).where(PlannedItem.title == "Prepare Antoine's file")
            )
        assert planned is not None
        for viewport, name in (
            (DESKTOP, "workspace-agenda.png"),
            (PHONE, "workspace-agenda-phone.png"),
        ):
            async with browser_page(chromium, f"{running.web_url}/sign-in", viewport) as site:
                await sign_in(site, "camille")
                await site.goto(f"{running.web_url}/agenda?week={planned.date().isoformat()}")
                week = site.locator("#week")
                await expect(week.locator("section.day")).to_have_count(7)
                await expect(week).to_contain_text("Prepare Antoine's file")
                # No day is wider than the screen: the week stacks on a phone.
                width = await site.evaluate("document.documentElement.scrollWidth")
                assert width <= viewport["width"], (name, width)
                await keep_screenshot(site, name, full_page=True)
