"""The coaching reports in headless Chromium on a phone-sized screen, on the running product with
the demo business and a small coaching practice beside it: from the reports' overview to the
per-coach and per-programme pages, whose charts and tables fit the phone; the screenshots go to
the documentation."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from playwright.async_api import Page, expect
from sqlalchemy import select

from bot.sandbox.page import register_people
from bot.sandbox.telegram import FakeTelegram
from crm.demo import seed_demo
from db.base import utcnow
from db.engine import Database
from db.enums import SessionStatus
from db.models import (
    Client,
    CoachingSession,
    CoachProfile,
    Employee,
    Enrolment,
    MeetingReport,
    Program,
    ProgramStage,
    StageMove,
)
from tests.browser import browser_page
from tests.desk import FAST_SENDER, desk_settings
from tests.e2e import Product
from tests.test_admin_browser import PHONE, SCREENSHOTS, sign_in

S = SessionStatus


async def add_coaching(database: Database) -> None:
    """Two coaches with sessions of the last days, some reported and rated, and a programme
    whose clients are at different stages."""
    now = utcnow()
    async with database.writer() as session, session.begin():
        coaches = list(
            await session.scalars(
                select(Employee)
                .where(Employee.web_login.in_(["ivan", "tom"]))
                .order_by(Employee.id)
            )
        )
        clients = list(await session.scalars(select(Client).order_by(Client.id).limit(6)))
        for profiled, rate in zip(coaches, (Decimal("80"), Decimal("60")), strict=True):
            session.add(CoachProfile(employee_id=profiled.id, hourly_rate=rate))
        plan = [
            (0, 0, S.DONE, 6, 5, True),
            (0, 1, S.DONE, 5, 4, True),
            (0, 2, S.DONE, 3, None, False),
            (0, 3, S.NO_SHOW, 2, None, False),
            (1, 4, S.DONE, 4, 5, True),
            (1, 5, S.CANCELLED, 1, None, False),
            (1, 0, S.DONE, 2, 3, False),
        ]
        for who, whom, status, days_ago, rating, reported in plan:
            meeting = CoachingSession(
                client_id=clients[whom].id,
                coach_id=coaches[who].id,
                status=status,
                starts_at=now - timedelta(days=days_ago),
                minutes=60,
                rating=rating,
            )
            session.add(meeting)
            await session.flush()
            if reported:
                session.add(
                    MeetingReport(
                        session_id=meeting.id, author_id=coaches[who].id, what_happened="Done"
                    )
                )
        program = Program(name="Leadership")
        program.stages = [
            ProgramStage(position=1, name="Discovery"),
            ProgramStage(position=2, name="Practice"),
            ProgramStage(position=3, name="Integration"),
        ]
        session.add(program)
        await session.flush()
        stages = program.stages
        for enrolled, reached in zip(clients, (1, 2, 2, 3, 1, 3), strict=True):
            enrolment = Enrolment(
                client_id=enrolled.id,
                program_id=program.id,
                stage_id=stages[reached - 1].id,
                started_at=now - timedelta(days=20),
            )
            for step in range(reached):
                enrolment.moves.append(
                    StageMove(
                        from_stage_id=stages[step - 1].id if step else None,
                        to_stage_id=stages[step].id,
                        at=now - timedelta(days=20 - 6 * step - enrolled.id % 3),
                    )
                )
            session.add(enrolment)


@pytest.fixture
async def coaching_site(
    fake_telegram: tuple[FakeTelegram, str], sqlite_url: str, in_tmp_dir: Path
) -> AsyncIterator[str]:
    fake, url = fake_telegram
    product = Product(desk_settings(url, sqlite_url), FAST_SENDER)
    running = await product.start()
    async with running.database.writer() as session, session.begin():
        await seed_demo(session, now=utcnow())
    await add_coaching(running.database)
    await register_people(fake, running.database)
    yield running.web_url
    await product.stop()


async def wider_than_the_screen(page: Page) -> int:
    return int(await page.evaluate("document.scrollingElement.scrollWidth - window.innerWidth"))


async def test_the_coach_and_programme_reports_fit_a_phone(coaching_site: str) -> None:
    async with browser_page(f"{coaching_site}/sign-in", viewport=PHONE) as page:
        await sign_in(page, "anna")
        await page.goto(f"{coaching_site}/reports/overview")
        await page.get_by_role("link", name="Per coach").click()
        await expect(page.get_by_role("heading", name="Coaches", exact=True)).to_be_visible()
        await expect(page.locator("#coaches tbody tr")).to_have_count(2)
        # The last two weeks: the practice's sessions of the last days, whatever the month.
        today = utcnow().date()
        await page.get_by_label("From").fill((today - timedelta(days=14)).isoformat())
        await page.get_by_label("To").fill(today.isoformat())
        await page.get_by_role("button", name="Show").click()
        await expect(page.locator("#coaches tbody tr").first.locator(".held")).to_have_text("3")
        chart = page.get_by_role("img", name="Sessions per coach")
        await expect(chart).to_be_visible()
        box = await chart.bounding_box()
        assert box is not None and box["width"] <= PHONE["width"]
        assert await wider_than_the_screen(page) <= 0
        await page.screenshot(path=SCREENSHOTS / "coaching-report-coaches.png", full_page=True)

        await page.get_by_role("link", name="All reports").click()
        await page.get_by_role("link", name="Per programme").click()
        await expect(page.get_by_role("heading", name="Leadership")).to_be_visible()
        await expect(page.get_by_role("img", name="Clients per stage")).to_be_visible()
        await expect(page.locator(".program tbody tr")).to_have_count(3)
        assert await wider_than_the_screen(page) <= 0
        await page.screenshot(path=SCREENSHOTS / "coaching-report-programs.png", full_page=True)


async def test_a_coach_sees_their_own_row_only(coaching_site: str) -> None:
    async with browser_page(f"{coaching_site}/sign-in", viewport=PHONE) as page:
        await sign_in(page, "tom")
        await page.goto(f"{coaching_site}/reports/coaches")
        await expect(page.locator("#coaches tbody tr")).to_have_count(1)
        await expect(page.locator("#coaches")).to_contain_text("Tom Baker")
        await expect(page.locator("#coaches")).not_to_contain_text("Ivan Kuznetsov")
