"""Coaching reports and a programme's board in headless Chromium on a phone, on the running
product with the demo business and some coaching beside it: a coach reads his clients' reports
(and not another coach's own report), then moves a client to the next stage with a note and
finds the move in the history; nothing is wider than the phone."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import pytest_asyncio
from playwright.async_api import Browser, expect
from sqlalchemy import select

from bot.sandbox.page import register_people
from bot.sandbox.telegram import FakeTelegram
from crm.coaching.programs import create_program, enrol
from crm.demo.seed import seed_demo
from db.base import utcnow
from db.engine import Database
from db.enums import SessionStatus
from db.models import (
    Client,
    ClientReport,
    CoachingSession,
    CoachReport,
    Employee,
    MeetingReport,
    Track,
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


@dataclass
class Coaching:
    web_url: str
    program_id: int
    client: str  # Ivan's client, enrolled at the first stage


async def add_coaching(database: Database) -> tuple[int, str]:
    """Ivan coaches two demo clients, Tom one: sessions held with their reports, a track with
    a progress report, each coach's report on himself, and a programme Ivan's clients are in."""
    now = utcnow()
    async with database.writer() as session, session.begin():

        async def person(login: str) -> Employee:
            found = await session.scalar(select(Employee).where(Employee.web_login == login))
            assert found
            return found

        ivan, tom, olga = await person("ivan"), await person("tom"), await person("olga")
        clients = list(await session.scalars(select(Client).order_by(Client.id).limit(3)))
        for client, coach in zip(clients, (ivan, ivan, tom), strict=True):
            client.coach_id = coach.id
        for days, client, coach, said in [
            (6, clients[0], ivan, "Talked about what the promotion would change"),
            (4, clients[1], ivan, "First meeting: goals for the quarter, and what gets in the way"),
            (2, clients[2], tom, "Tom's client: a plan for the exams"),
        ]:
            held = CoachingSession(
                client_id=client.id,
                coach_id=coach.id,
                starts_at=now - timedelta(days=days),
                minutes=60,
                status=SessionStatus.DONE,
            )
            session.add(held)
            await session.flush()
            session.add(
                MeetingReport(
                    session_id=held.id,
                    author_id=coach.id,
                    what_happened=said,
                    homework="Write down three wins a day",
                    created_at=now - timedelta(days=days - 1),
                )
            )
        track = Track(client_id=clients[0].id, coach_id=ivan.id, goal="Lead the new team")
        session.add(track)
        await session.flush()
        session.add(
            ClientReport(
                track_id=track.id,
                author_client_id=clients[0].id,
                progress="Held my first one-to-ones with everyone in the team",
                created_at=now - timedelta(days=1),
            )
        )
        session.add_all(
            [
                CoachReport(
                    coach_id=ivan.id,
                    period_start=date(2026, 11, 1),
                    period_end=date(2026, 11, 30),
                    results="Two clients reached their first goal",
                    created_at=now - timedelta(hours=5),
                ),
                CoachReport(
                    coach_id=tom.id,
                    period_start=date(2026, 11, 1),
                    period_end=date(2026, 11, 30),
                    self_reflection="Tom's own doubts, for the supervisor only",
                    created_at=now - timedelta(hours=4),
                ),
            ]
        )
        program = await create_program(
            session,
            actor=olga,
            name="Leadership in 90 days",
            stages=["Diagnosis", "Goals", "Practice", "Review"],
            description="From a first diagnosis to a review with the manager.",
        )
        for client in clients[:2]:
            await enrol(session, actor=ivan, client_id=client.id, program_id=program.id, now=now)
        return program.id, clients[0].full_name


@pytest_asyncio.fixture(loop_scope="session")
async def coaching(
    fake: FakeTelegram, sqlite_url: str, in_tmp_dir: Path
) -> AsyncIterator[Coaching]:
    async with product_for_the_browser(fake, sqlite_url) as running:
        async with running.database.writer() as session, session.begin():
            await seed_demo(session, now=utcnow())
        program_id, client = await add_coaching(running.database)
        await register_people(fake, running.database)
        yield Coaching(running.web_url, program_id, client)


async def test_a_coach_reads_his_reports_and_moves_a_client_on_a_phone(
    chromium: Browser,
    coaching: Coaching,
) -> None:
    web_url = coaching.web_url
    async with browser_page(chromium, f"{web_url}/sign-in", viewport=PHONE) as page:
        await sign_in(page, "ivan")
        wider = {}
        await page.get_by_text("Menu", exact=True).click()  # a phone's menu is folded
        await page.get_by_role("link", name="Written reports").click()
        await expect(page.get_by_role("heading", name="Written reports")).to_be_visible()
        table = page.locator("#reports")
        # His two meeting reports, his client's progress report and his own coach report.
        await expect(table.locator("tbody tr")).to_have_count(4)
        await expect(table).to_contain_text("Held my first one-to-ones")
        await expect(table).to_contain_text("Two clients reached their first goal")
        await expect(table).not_to_contain_text("Tom's own doubts")
        await expect(table).not_to_contain_text("a plan for the exams")
        if (width := await wider_than_the_screen(page)) > 0:
            wider["/reports"] = width
        await keep_screenshot(page, "coaching-reports.png", full_page=True)
        await page.get_by_role("link", name="meeting report").first.click()
        await expect(page.get_by_role("heading", name="What happened")).to_be_visible()
        await expect(page.get_by_role("link", name="Edit")).to_be_visible()

        await page.get_by_text("Menu", exact=True).click()
        await page.get_by_role("link", name="Programmes").click()
        await page.get_by_role("link", name="Leadership in 90 days").click()
        await expect(page.locator("main h1")).to_have_text("Leadership in 90 days")
        card = page.locator(".place", has_text=coaching.client)
        await card.get_by_label("The client's state").fill("Confident, wants harder goals")
        await card.get_by_role("button", name="Move").click()
        await expect(page.locator(".flash")).to_have_text(f"{coaching.client} is moved to Goals.")
        goals = page.locator(".stage", has=page.get_by_role("heading", name="Goals"))
        moved = goals.locator(".place", has_text=coaching.client)
        await expect(moved).to_contain_text("here for 0 days")
        await moved.get_by_text("History of moves").click()
        history = moved.locator("ol.moves li")
        await expect(history).to_have_count(2)
        await expect(history.nth(0)).to_contain_text("enrolled at Diagnosis")
        await expect(history.nth(1)).to_contain_text("Diagnosis → Goals")
        await expect(history.nth(1)).to_contain_text("Confident, wants harder goals")
        await expect(history.nth(1)).to_contain_text("Ivan Kuznetsov")
        if (width := await wider_than_the_screen(page)) > 0:
            wider["/programs/..."] = width
        await keep_screenshot(page, "coaching-program.png", full_page=True)
        assert wider == {}, f"pages wider than a 390-px phone (pixels too wide): {wider}"
