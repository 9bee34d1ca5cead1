"""CRM_AREAS: a business that runs one area sees nothing of the others, in the bot and on the
site; every area is found and on by default; a name the build does not have is refused."""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import unescape

import aiohttp
import pytest
from sqlalchemy import select

from bot.sandbox.chat import SandboxUser
from bot.sandbox.telegram import FakeTelegram
from crm.areas import areas_on, known_area_names
from crm.demo.seed import DEMO_PASSWORD
from crm.notify import Notifier
from crm.settings import Settings
from db.engine import Database
from db.enums import Role
from db.models import Client, Employee
from notifications.scheduler import create_scheduler
from tests.support.e2e import bot_replies, demo_in_sandbox, handled
from tests.support.site import sign_in


@dataclass(frozen=True)
class Sign:
    """What shows an area: its commands in the bot, its pages on the site, and its words."""

    commands: frozenset[str]
    pages: tuple[str, ...]
    words: str


SIGNS = {
    "tickets": Sign(
        frozenset({"new", "tickets", "queue", "my", "ticket", "assign", "take", "reply", "note"}),
        (
            "/tickets",
            "/tickets/new",
            "/tickets.csv",
        ),
        r"tickets?|requests? (?:is|are) open|new request|my requests|queue",
    ),
    "school": Sign(
        frozenset({"contract", "contracts", "languages", "teachers", "paid", "teacher"}),
        (
            "/contracts",
            "/contracts/new",
            "/languages",
        ),
        r"contracts?|lessons?|teach\w*",
    ),
    "coaching": Sign(
        frozenset({"sessions", "book", "plan", "session", "requests", "report"}),
        (
            "/sessions",
            "/requests",
            "/programs",
            "/products",
            "/reports",
            "/domains",
        ),
        r"sessions?|coach\w*|programmes?|tracks?",
    ),
    "sales": Sign(
        frozenset({"deals", "tasks", "events"}),
        (
            "/deals",
            "/deals/new",
            "/deals.csv",
            "/companies",
            "/tasks",
            "/tasks.csv",
            "/events",
            "/reports/pipeline",
        ),
        r"deals?|pipeline|compan(?:y|ies)",
    ),
    "workspace": Sign(
        frozenset({"remind", "contacts", "documents", "write"}),
        ("/agenda", "/contacts", "/documents", "/conversations", "/notifications"),
        r"my agenda|my (?:own )?contacts|my (?:kept )?documents|conversations?|unseen",
    ),
}

# A client of each area's part of the demo, and the owner, who runs them all.
CLIENT_OF = {
    "tickets": "Dmitry Volkov",
    "school": "Maria Kozlova",
    "coaching": "Pierre Girard",
    "sales": "Sergei Popov",
    "workspace": "Antoine Moreau",
}


def test_every_area_is_found_and_on_by_default() -> None:
    assert known_area_names() == sorted(SIGNS)
    assert [area.name for area in areas_on(Settings(_env_file=None).area_names)] == [
        "tickets",
        "school",
        "coaching",
        "workspace",
        "sales",
    ]
    assert Settings(_env_file=None, areas=" School , tickets").area_names == ("school", "tickets")


def test_an_area_the_build_does_not_have_is_refused_by_name() -> None:
    refused = r"unknown area 'hotel': choose among coaching, sales, school, tickets, workspace"
    with pytest.raises(ValueError, match=refused):
        Settings(_env_file=None, areas="tickets,hotel")


@pytest.mark.parametrize("area", sorted(SIGNS))
def test_the_scheduler_runs_only_the_jobs_of_the_areas_on(area: str) -> None:
    settings = Settings(_env_file=None, areas=area)
    scheduler = create_scheduler(settings, Database("sqlite+aiosqlite://"), Notifier("en"))
    jobs = {job.id for job in scheduler.get_jobs()}
    expected = {"digest", "prune"} | {job.id for job in areas_on([area])[0].jobs}
    assert jobs == expected


def _others(area: str) -> list[str]:
    return [other for other in SIGNS if other != area]


def _visible_text(page: str) -> str:
    """What a reader sees of a page: no tags, scripts or styles."""
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    return unescape(re.sub(r"<[^>]+>", " ", page))


def _shown(text: str, area: str) -> list[str]:
    return sorted(
        {match.lower() for match in re.findall(rf"\b(?:{SIGNS[area].words})\b", text, re.I)}
    )


async def _chat(fake: FakeTelegram, chat_id: int, *commands: str) -> list[str]:
    fake.add_user(SandboxUser(id=chat_id, first_name="Demo", language_code="en"))
    seen = len(fake.bot_messages(chat_id))
    for command in commands:
        fake.send_text(chat_id, command)
        seen += 1
        await bot_replies(fake, chat_id, seen)
    await handled(fake)
    return [message.text for message in fake.bot_messages(chat_id)]


def _buttons(fake: FakeTelegram, chat_id: int) -> list[str]:
    keyboard = fake.reply_keyboard(chat_id) or {}
    return [button["text"] for row in keyboard.get("keyboard", []) for button in row]


@pytest.mark.parametrize("area", sorted(SIGNS))
async def test_a_business_running_one_area_shows_nothing_of_the_others(
    sqlite_url: str, area: str
) -> None:
    async with demo_in_sandbox(sqlite_url, areas=area) as running:
        assert running.sandbox is not None
        fake = running.sandbox
        async with running.database.reader() as session:
            owner = await session.scalar(select(Employee).where(Employee.role == Role.OWNER))
            client = await session.scalar(select(Client).where(Client.full_name == CLIENT_OF[area]))
            staff = list(await session.scalars(select(Employee.username)))
        assert owner is not None and owner.telegram_id is not None
        assert client is not None and client.telegram_id is not None

        # The bot: greetings, help, /status, the command menus and the main-menu buttons.
        said = await _chat(fake, owner.telegram_id, "/start", "/help", "/digest")
        said += await _chat(fake, client.telegram_id, "/start", "/help", "/status")
        menus = set(fake.commands_for(owner.telegram_id)) | set(
            fake.commands_for(client.telegram_id)
        )
        buttons = _buttons(fake, owner.telegram_id) + _buttons(fake, client.telegram_id)
        bot_text = "\n".join(said + buttons)
        assert SIGNS[area].commands & menus, "the area's own commands are offered"
        # The agenda is made of what the areas on have coming (sessions, events, tasks): a
        # repair shop or a school alone has nothing to put on it.
        assert ("agenda" in menus) is (area in {"coaching", "sales", "workspace"}), (area, menus)
        assert _shown(bot_text, area), "the area's own words are in the bot"
        for other in _others(area):
            offered = {command for command in SIGNS[other].commands if command in menus}
            offered -= SIGNS[area].commands  # a name both areas use (/sessions, /requests)
            assert offered == set(), (area, other)
            typed = re.findall(rf"/({'|'.join(SIGNS[other].commands)})\b", bot_text)
            assert set(typed) <= SIGNS[area].commands, (area, other, typed)
            assert _shown(bot_text, other) == [], (area, other, bot_text)

        # The demo has only this area's people (and the owner).
        everyone_else = {
            "tickets": {"ivan_repair", "tom_support"},
            "school": {"svetlana_teacher", "irina_admin"},
            "coaching": {"ekaterina_coach", "julien_coach"},
            "sales": {"nina_sales", "oleg_sales"},
            "workspace": {"camille_assist"},
        }
        for other in _others(area):
            assert not everyone_else[other] & set(staff), (area, other)

        # The site: the owner's pages show nothing of the other areas, whose pages are 404s.
        jar = aiohttp.CookieJar(unsafe=True)  # the site is at an IP address
        async with aiohttp.ClientSession(running.web_url, cookie_jar=jar) as site:
            await sign_in(site, "olga", DEMO_PASSWORD)
            pages = [
                "/",
                "/clients",
                f"/clients/{client.id}",
                f"/clients/{client.id}/edit",
                "/employees",
                f"/employees/{owner.id}",
                f"/employees/{owner.id}/edit",
                "/departments",
            ]
            text = ""
            for path in pages:
                async with site.get(path, headers={"Accept-Language": "en"}) as response:
                    assert response.status == 200, path
                    text += _visible_text(await response.text()) + "\n"
            assert _shown(text, area), "the area's own words are on the site"
            for other in _others(area):
                assert _shown(text, other) == [], (area, other)
                for path in SIGNS[other].pages:
                    async with site.get(path) as response:
                        assert response.status == 404, (area, path)
            for path in SIGNS[area].pages:
                async with site.get(path) as response:
                    assert response.status == 200, (area, path)
