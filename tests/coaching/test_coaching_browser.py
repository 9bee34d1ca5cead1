"""Coaching in headless Chromium on a phone, on the running product with the demo business and a
few sessions of Ivan's: the session listing and a session's card fit a 390-px screen, and the
card's button marks a planned session done."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest_asyncio
from playwright.async_api import Browser, expect
from sqlalchemy import select

from bot.sandbox.page import register_people
from bot.sandbox.telegram import FakeTelegram
from crm.demo.seed import seed_demo
from db.base import utcnow
from db.engine import Database
from db.enums import RecordingKind, SessionFormat, SessionStatus
from db.models import (
    Client,
    CoachingSession,
    Employee,
    MeetingReport,
    Recording,
    SessionParticipant,
)
from tests.school.test_school_browser import wider_than_the_screen
from tests.support.browser import (  # noqa: F401  (fixture)
    IN_CHROMIUMS_LOOP,
    browser_page,
    chromium,
    keep_screenshot,
    product_for_the_browser,
)
from tests.test_admin_browser import PHONE, sign_in

pytestmark = IN_CHROMIUMS_LOOP


async def add_ivans_sessions(database: Database) -> dict[str, int]:
    """Ivan's sessions with the demo's first clients: one held (rated, recorded, reported), one
    planned for tomorrow, one cancelled. Returns their ids by name."""
    now = utcnow().replace(second=0, microsecond=0)
    async with database.writer() as session, session.begin():
        ivan = await session.scalar(select(Employee).where(Employee.web_login == "ivan"))
        clients = list(await session.scalars(select(Client).order_by(Client.id).limit(3)))
        assert ivan is not None and len(clients) == 3
        held = CoachingSession(
            client=clients[0],
            coach=ivan,
            starts_at=now - timedelta(days=2, hours=3),
            minutes=60,
            format=SessionFormat.ONLINE,
            video_link="https://meet.jit.si/frontdoor-demo-room",
            status=SessionStatus.DONE,
            rating=5,
            comment="Clear next steps, thank you",
            participants=[
                SessionParticipant(client=clients[1], rating=4, comment="Helpful for me too")
            ],
            recordings=[
                Recording(kind=RecordingKind.VOICE, telegram_file_id="AwACAgIAAxkBAAIDemo"),
                Recording(kind=RecordingKind.LINK, url="https://video.example/recordings/42"),
            ],
        )
        planned = CoachingSession(
            client=clients[2],
            coach=ivan,
            starts_at=now + timedelta(days=1),
            minutes=90,
            format=SessionFormat.IN_PERSON,
            status=SessionStatus.PLANNED,
            participants=[],
            recordings=[],
        )
        cancelled = CoachingSession(
            client=clients[1],
            coach=ivan,
            starts_at=now - timedelta(days=5),
            minutes=45,
            format=SessionFormat.IN_PERSON,
            status=SessionStatus.CANCELLED,
            participants=[],
            recordings=[],
        )
        session.add_all([held, planned, cancelled])
        await session.flush()
        session.add(
            MeetingReport(
                session_id=held.id,
                author_id=ivan.id,
                what_happened="Looked at the last quarter and what blocked the promotion",
                client_state="Calmer, more focused",
                agreements="Two talks with the manager this month",
                homework="Write down three wins a week",
                next_steps="Prepare the talk about the new role",
            )
        )
        return {"held": held.id, "planned": planned.id, "cancelled": cancelled.id}


@pytest_asyncio.fixture(loop_scope="session")
async def coaching_site(
    fake: FakeTelegram, sqlite_url: str, in_tmp_dir: Path
) -> AsyncIterator[tuple[str, dict[str, int], Database]]:
    async with product_for_the_browser(fake, sqlite_url) as running:
        async with running.database.writer() as session, session.begin():
            await seed_demo(session, now=utcnow())
        sessions = await add_ivans_sessions(running.database)
        await register_people(fake, running.database)
        yield running.web_url, sessions, running.database


async def test_the_session_pages_on_a_phone(
    chromium: Browser,
    coaching_site: tuple[str, dict[str, int], Database],
) -> None:
    web_url, sessions, database = coaching_site
    async with browser_page(chromium, f"{web_url}/sign-in", viewport=PHONE) as page:
        await sign_in(page, "ivan")
        await page.get_by_text("Menu", exact=True).click()  # a phone's menu is folded
        await page.get_by_role("link", name="Sessions", exact=True).click()
        await expect(page.locator("main h1")).to_have_text("Sessions")
        rows = page.locator("#sessions tbody tr")
        await expect(rows).to_have_count(3)
        wider = {"/sessions": await wider_than_the_screen(page)}
        await keep_screenshot(page, "coaching-sessions-phone.png", full_page=True)
        # Only what is still planned.
        await page.get_by_label("planned").check()
        await page.get_by_role("button", name="Filter").click()
        await expect(rows).to_have_count(1)
        await expect(rows).to_contain_text("not filed")
        await keep_screenshot(page, "coaching-sessions-planned.png", full_page=True)
        # The session held: its clients' ratings, its recordings and its report.
        await page.goto(f"{web_url}/sessions/{sessions['held']}")
        await expect(page.locator("main h1")).to_have_text(f"Session #{sessions['held']} · done")
        await expect(page.locator("#ratings tbody tr")).to_have_count(2)
        await expect(page.locator("#recordings li")).to_have_count(2)
        await expect(page.get_by_role("link", name="join the video room")).to_be_visible()
        await expect(page.locator("#report")).to_contain_text("Write down three wins a week")
        wider[f"/sessions/{sessions['held']}"] = await wider_than_the_screen(page)
        await keep_screenshot(page, "coaching-session-card.png", full_page=True)
        # The planned one: cancelled only until it starts; then marked done with its button, once.
        await page.goto(f"{web_url}/sessions/{sessions['planned']}")
        wider[f"/sessions/{sessions['planned']}"] = await wider_than_the_screen(page)
        await expect(page.get_by_role("button", name="Cancel the session")).to_be_visible()
        await expect(page.get_by_role("button", name="It took place")).to_have_count(0)
        async with database.writer() as session, session.begin():
            planned = await session.get(CoachingSession, sessions["planned"])
            assert planned is not None
            planned.starts_at = utcnow() - timedelta(minutes=5)  # its hour has come
        await page.reload()
        await page.get_by_role("button", name="It took place").click()
        await expect(page.get_by_role("status")).to_have_text("Session marked done.")
        await expect(page.locator("main h1")).to_have_text(f"Session #{sessions['planned']} · done")
        await expect(page.get_by_role("button", name="It took place")).to_have_count(0)
        await expect(page.get_by_role("link", name="File the report")).to_be_visible()
        for path in ("/sessions/new", "/requests", "/my-calendar"):
            await page.goto(f"{web_url}{path}")
            await expect(page.locator("main h1")).to_be_visible()
            wider[path] = await wider_than_the_screen(page)
        too_wide = {path: width for path, width in wider.items() if width > 0}
        assert too_wide == {}, f"pages wider than a 390-px phone (pixels too wide): {too_wide}"
