"""A deal's life across the site and the chat, on one database: opened on the site, moved through
the stages from the bot and the site, a task on it reminded once in Telegram, won; another lost
with its reason from the bot. The board's totals stay right and Maria's timeline tells both
stories."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.sandbox.telegram import FakeTelegram
from crm.notify import Notifier
from crm.sales.area import AREA
from crm.settings import Settings
from db.base import utcnow
from db.enums import DealStage
from notifications.scheduler import run_job
from tests.support.desk import ANNA, IVAN, People
from tests.support.e2e import bot_said, handled, last_message_id, notified
from tests.support.in_process import BotInProcess
from tests.support.sales import (  # noqa: F401  (fixtures)
    Sales,
    bot_sales,
    deal,
    kept_and_counted,
    stage_of,
)
from tests.support.site import Client as SiteClient
from tests.support.site import give_logins, post_form, sign_in
from web.app import create_app


@pytest.fixture
async def site(bot_sales: tuple[BotInProcess, Sales]) -> AsyncIterator[SiteClient]:
    bot, sales = bot_sales
    people: People = sales.people
    await give_logins(bot.database, people.anna, people.ivan)
    app = create_app(Settings(_env_file=None), bot.database, secret_key="journey-secret")
    async with TestClient(TestServer(app)) as client:
        yield client


async def _open_on_the_site(site: SiteClient, people: People, name: str) -> int:
    opened = await post_form(
        site,
        "/deals/new",
        {
            "name": name,
            "value": "5,400.00",
            "client": f"#{people.maria.id}",
            "owner_id": people.ivan.id,
            "expected_close": "2031-06-30",
        },
    )
    assert opened.status == 302, await opened.text()
    return int(opened.headers["Location"].rsplit("/", 1)[1])


async def test_a_deal_opened_on_the_site_is_moved_from_the_bot_and_the_site_and_won(
    bot_sales: tuple[BotInProcess, Sales], site: SiteClient, fake: FakeTelegram
) -> None:
    bot, sales = bot_sales
    database, people = bot.database, sales.people
    await sign_in(site, "anna")
    won_id = await _open_on_the_site(site, people, "Route planning")

    # Ivan, its owner, finds it in /deals and moves it on from the card.
    fake.send_text(IVAN, "/deals")
    listed = await bot_said(fake, IVAN, "You have 2 open deals")
    assert "€5,400.00" in listed.text
    mark = last_message_id(fake, IVAN)
    fake.press(IVAN, f"#{won_id} Route planning · €5,400.00")
    card = await bot_said(fake, IVAN, "Stage: new", after=mark)
    fake.press(IVAN, "→ qualified")
    await handled(fake)
    assert await stage_of(database, won_id) is DealStage.QUALIFIED

    # Ivan on the site: the board's card moves it to proposal.
    await sign_in(site, "ivan")
    board = await (await site.get("/deals")).text()
    assert f'id="deal-{won_id}"' in board
    moved = await post_form(
        site,
        f"/deals/{won_id}/move",
        {"stage": "proposal", "seen": "qualified", "back": "board"},
        page="/deals",
    )
    assert moved.status == 302
    # The card in the chat still shows qualified: its stale press is refused, nothing moves.
    fake.press(IVAN, "→ negotiation")
    await handled(fake)
    assert await stage_of(database, won_id) is DealStage.PROPOSAL
    # A fresh card moves it on, then the deal's page wins it.
    fake.send_text(IVAN, f"/deals {won_id}")
    fresh = await bot_said(fake, IVAN, "Stage: proposal", after=card.message_id)
    fake.press(IVAN, "→ negotiation")
    await handled(fake)
    assert await stage_of(database, won_id) is DealStage.NEGOTIATION
    assert fresh.message_id != card.message_id
    # A task on the deal's page, due five minutes ago: the reminder job, run at a moment the
    # test sets, reminds Ivan once in Telegram.
    zone = Settings(_env_file=None).zone
    due = (utcnow().astimezone(zone) - timedelta(minutes=5)).strftime("%Y-%m-%d %H:%M")
    tasked = await post_form(
        site, f"/deals/{won_id}/task", {"title": "Send the contract", "due_at": due}, page="/deals"
    )
    assert tasked.status == 302, await tasked.text()
    reminders = next(job for job in AREA.jobs if job.id == "task_reminders")
    notifier = Notifier("en", "EUR")
    assert await run_job(database, notifier, reminders, now=utcnow()) == 1
    assert await run_job(database, notifier, reminders, now=utcnow() + timedelta(minutes=1)) == 0
    reminded = await notified(fake, database, IVAN, "⏰ A task is due now:")
    assert "Send the contract" in reminded.text
    won = await post_form(
        site, f"/deals/{won_id}/move", {"stage": "won", "seen": "negotiation"}, page="/deals"
    )
    assert won.status == 302
    assert await stage_of(database, won_id) is DealStage.WON

    # Another deal, lost from the bot with its reason.
    await sign_in(site, "anna")
    lost_id = await _open_on_the_site(site, people, "Driver tablets")
    fake.send_text(ANNA, f"/deals {lost_id}")
    await bot_said(fake, ANNA, "Stage: new")
    fake.press(ANNA, "→ lost")
    await bot_said(fake, ANNA, "lost?")
    fake.send_text(ANNA, "Chose a cheaper supplier")
    await bot_said(fake, ANNA, f"Deal #{lost_id} is lost.")
    lost = await deal(database, lost_id)
    assert lost.stage is DealStage.LOST and lost.lost_reason == "Chose a cheaper supplier"

    history = await deal(database, won_id)
    assert [m.to_stage.value for m in history.moves] == [
        "new",
        "qualified",
        "proposal",
        "negotiation",
        "won",
    ]
    kept, counted = await kept_and_counted(database)
    assert kept == counted
    timeline = await (await site.get(f"/clients/{people.maria.id}")).text()
    assert f"Deal #{won_id} won" in timeline and f"Deal #{lost_id} lost" in timeline
    assert "Chose a cheaper supplier" in timeline
