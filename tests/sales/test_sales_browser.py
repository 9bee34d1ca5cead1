"""Sales in headless Chromium, on the product as ``crm run`` starts it in sandbox mode with the
demo business: the deal board on a phone and on a desktop (each column's count and total
checked against the deals in the database, and against the cards shown under it), a card moved
by its own form; and in the sandbox page, a salesperson's /deals with a deal's card (a call
logged from it) and a client joining an event with /events. The pictures are the sales guide's
(docs/guide/sales-*.md), kept when screenshots are asked for."""

from __future__ import annotations

import re
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import pytest
from babel.numbers import format_currency, format_decimal
from playwright.async_api import Browser, Page, ViewportSize, expect
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from bot.runner import Running
from db.enums import DealStage, InteractionKind, ParticipantStatus
from db.models import Client, Deal, Employee, Event, EventParticipant, Interaction
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

NINA = "Nina Gromova"  # the demo's account executive; her Telegram app speaks Russian
JOHN = "John Carter"  # a demo client who reads English
EVENT = "Nordlight product day"  # the demo's upcoming event


def euros(value: Decimal) -> str:
    """An amount as the English site writes it (``€12,000.00``)."""
    return format_currency(value, "EUR", locale="en")


def amount_of(written: str) -> Decimal:
    """``€12,000.00`` read back as a number."""
    return Decimal(re.sub(r"[^\d.]", "", written))


async def deals_by_stage(running: Running) -> dict[DealStage, list[Deal]]:
    """Every deal of the database by stage, read apart from the board's own queries."""
    async with running.database.reader() as session:
        deals = list(await session.scalars(select(Deal)))
    found: dict[DealStage, list[Deal]] = defaultdict(list)
    for deal in deals:
        found[deal.stage].append(deal)
    return found


async def check_the_columns(page: Page, by_stage: dict[DealStage, list[Deal]]) -> None:
    """Each column's head says how many deals are at its stage and what they are worth, as the
    database counts them; its cards are those deals and add up to the same total."""
    for stage in DealStage:
        column = page.locator(f"#stage-{stage.value}")
        deals = by_stage.get(stage, [])
        assert all(deal.currency == "EUR" for deal in deals)
        total = sum((deal.value for deal in deals), Decimal(0))
        await expect(column.locator("h3 .count")).to_have_text(
            format_decimal(len(deals), locale="en")
        )
        await expect(column.locator("h3 .total")).to_have_text(euros(total))
        cards = column.locator(".deal")
        await expect(cards).to_have_count(len(deals))
        ids = {
            int((await card.get_attribute("id") or "").removeprefix("deal-"))
            for card in await cards.all()
        }
        assert ids == {deal.id for deal in deals}
        shown = [
            amount_of(await card.locator("p").nth(1).inner_text()) for card in await cards.all()
        ]
        assert sum(shown, Decimal(0)) == total


async def sideways(page: Page) -> int:
    return int(await page.evaluate("document.scrollingElement.scrollWidth - window.innerWidth"))


@pytest.mark.parametrize(("screen", "viewport"), [("phone", PHONE), ("desktop", DESKTOP)])
async def test_the_board_s_columns_add_up_on_a_phone_and_a_desktop(
    chromium: Browser, sqlite_url: str, in_tmp_dir: Path, screen: str, viewport: ViewportSize
) -> None:
    async with demo_in_sandbox(sqlite_url) as running:
        by_stage = await deals_by_stage(running)
        # The demo has a deal at every stage, so no column is checked only for being empty.
        assert all(by_stage.get(stage) for stage in DealStage)
        async with browser_page(chromium, f"{running.web_url}/sign-in", viewport=viewport) as page:
            await sign_in(page, "anna")
            await page.goto(f"{running.web_url}/deals")
            await expect(page.get_by_role("heading", name="Deals", exact=True)).to_be_visible()
            await check_the_columns(page, by_stage)
            assert await sideways(page) <= 0
            if screen == "desktop":
                await keep_screenshot(page, "sales-board.png", full_page=True)


async def test_a_card_moves_by_its_form_and_the_columns_follow(
    chromium: Browser, sqlite_url: str, in_tmp_dir: Path
) -> None:
    async with demo_in_sandbox(sqlite_url) as running:
        before = await deals_by_stage(running)
        deal = before[DealStage.NEW][0]
        async with browser_page(chromium, f"{running.web_url}/sign-in", viewport=DESKTOP) as page:
            await sign_in(page, "anna")
            await page.goto(f"{running.web_url}/deals")
            card = page.locator(f"#stage-new #deal-{deal.id}")
            await card.get_by_label("Move to").select_option(label="qualified")
            await card.get_by_role("button", name="Move").click()
            # Back on the board, the card is under its new stage and both heads have changed.
            await expect(page.locator(f"#stage-qualified #deal-{deal.id}")).to_be_visible()
            await expect(page.locator(f"#stage-new #deal-{deal.id}")).to_have_count(0)
            after = await deals_by_stage(running)
            assert len(after[DealStage.NEW]) == len(before[DealStage.NEW]) - 1
            assert len(after[DealStage.QUALIFIED]) == len(before[DealStage.QUALIFIED]) + 1
            await check_the_columns(page, after)

            # Lost needs a reason: without one the deal stays where it is, and the page says why.
            card = page.locator(f"#deal-{deal.id}")
            await card.get_by_label("Move to").select_option(label="lost")
            await card.get_by_role("button", name="Move").click()
            await expect(page.get_by_text("Say why the deal was lost")).to_be_visible()
            assert deal.id in {d.id for d in (await deals_by_stage(running))[DealStage.QUALIFIED]}


async def test_a_salesperson_opens_a_deal_from_deals_in_the_sandbox_and_logs_a_call(
    chromium: Browser, sqlite_url: str, in_tmp_dir: Path
) -> None:
    async with demo_in_sandbox(sqlite_url) as running:
        async with running.database.reader() as session:
            nina = await session.scalar(select(Employee).where(Employee.full_name == NINA))
            assert nina is not None
            hers = list(
                await session.scalars(
                    select(Deal)
                    .where(
                        Deal.owner_id == nina.id, Deal.stage.not_in([DealStage.WON, DealStage.LOST])
                    )
                    .options(selectinload(Deal.client))
                    .order_by(Deal.value.desc())
                )
            )
        assert len(hers) >= 2
        biggest = hers[0]
        async with browser_page(chromium, f"{running.web_url}/sandbox") as page:
            await page.get_by_role("button", name=f"{NINA} specialist").click()
            await expect(page.locator("#chat-title")).to_contain_text(NINA)
            # Her Telegram speaks Russian; the guide is in English.
            await send(page, "/language")
            await newest_bot_message(page).get_by_role("button", name="English").click()
            await expect(newest_bot_message(page)).to_contain_text("English")
            await send(page, "/deals")
            listing = page.locator("#messages li.bot", has_text="open deals").last
            await expect(listing).to_contain_text(f"You have {len(hers)} open deals")
            for deal in hers:
                await expect(listing).to_contain_text(f"#{deal.id} {deal.name}")
            await listing.get_by_role("button", name=re.compile(rf"^#{biggest.id} ")).click()
            card = page.locator("#messages li.bot", has_text=f"Deal #{biggest.id} · ").last
            await expect(card).to_contain_text(f"Deal #{biggest.id} · {biggest.name}")
            await expect(card).to_contain_text(f"Stage: {biggest.stage.value}")
            await expect(card).to_contain_text(f"Value: {euros(biggest.value)}")
            assert biggest.client is not None
            await expect(card).to_contain_text(f"Client: {biggest.client.full_name}")
            await expect(card.get_by_role("button", name="→ won")).to_be_visible()
            await expect(card.get_by_role("button", name="📞 Log a call")).to_be_visible()
            await keep_screenshot(page, "sales-sandbox-deals.png", full_page=True)

            await card.get_by_role("button", name="📞 Log a call").click()
            await expect(newest_bot_message(page)).to_contain_text("what was said?")
            await send(page, "They want the price for 60 vans by Friday")
            await expect(newest_bot_message(page)).to_contain_text(
                f"Call logged on deal #{biggest.id}."
            )

        async def logged() -> Interaction | None:
            async with running.database.reader() as session:
                return await session.scalar(
                    select(Interaction).where(
                        Interaction.deal_id == biggest.id,
                        Interaction.notes == "They want the price for 60 vans by Friday",
                    )
                )

        call = await eventually_async(logged, what="the call on the deal")
        assert call.kind is InteractionKind.CALL
        assert call.by_id == nina.id


async def test_a_client_joins_an_event_with_events_in_the_sandbox(
    chromium: Browser, sqlite_url: str, in_tmp_dir: Path
) -> None:
    async with demo_in_sandbox(sqlite_url) as running:
        async with running.database.reader() as session:
            john = await session.scalar(select(Client).where(Client.full_name == JOHN))
            event = await session.scalar(select(Event).where(Event.title == EVENT))
        assert john is not None and event is not None
        async with browser_page(chromium, f"{running.web_url}/sandbox") as page:
            await page.get_by_role("button", name=f"{JOHN} client").click()
            await expect(page.locator("#chat-title")).to_contain_text(JOHN)
            await send(page, "/events")
            # The list's own message, even once the bot has answered under it.
            listing = page.locator("#messages li.bot", has_text="Upcoming events").last
            await expect(listing).to_contain_text("Upcoming events")
            await expect(listing).to_contain_text(f"#{event.id} · {EVENT}")
            await listing.get_by_role("button", name=f"✅ Join: {EVENT}").click()
            # The list's button now leaves, and the bot says when it will remind him.
            await expect(listing.get_by_role("button", name=f"🚪 Leave: {EVENT}")).to_be_visible()
            await expect(newest_bot_message(page)).to_contain_text(
                f"You are going to event #{event.id} “{EVENT}”. We will remind you the day before."
            )
            # Asked again, the list says which events he goes to.
            await send(page, "/events")
            again = page.locator("#messages li.bot", has_text="Upcoming events").last
            await expect(again).to_contain_text("✅ You are going.")
            await expect(again.get_by_role("button", name=f"🚪 Leave: {EVENT}")).to_be_visible()
            await expect(
                page.locator("#messages li.bot", has_text="Upcoming events")
            ).to_have_count(2)
            await keep_screenshot(page, "sales-sandbox-events.png", full_page=True)

        async def going() -> EventParticipant | None:
            async with running.database.reader() as session:
                return await session.scalar(
                    select(EventParticipant).where(
                        EventParticipant.event_id == event.id,
                        EventParticipant.client_id == john.id,
                    )
                )

        joined = await eventually_async(going, what="John among the participants")
        assert joined.status is ParticipantStatus.GOING
