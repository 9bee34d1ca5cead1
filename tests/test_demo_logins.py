"""The demo's logins, listed once (crm.demo.seed.demo_logins_of) and shown alike by the
banner of `crm run`, README and the demo itself; and the demo's people have chosen no language,
so the site speaks each browser's and the bot each Telegram app's."""

from __future__ import annotations

import re
from pathlib import Path
from types import SimpleNamespace
from typing import cast

import aiohttp
import pytest
from sqlalchemy import select

from bot.cli import _banner
from bot.runner import Running
from crm.areas import areas_on
from crm.demo.seed import DEMO_PASSWORD, demo_logins, demo_logins_of, seed_demo
from crm.settings import Settings
from db.base import utcnow
from db.engine import Database
from db.models import Client, Employee
from tests.support.e2e import bot_said, demo_in_sandbox
from tests.support.site import sign_in

README = Path(__file__).resolve().parent.parent / "README.md"

DEMO_LOGINS = demo_logins_of(areas_on(None))


def test_the_banner_lists_every_demo_login(capsys: pytest.CaptureFixture[str]) -> None:
    running = SimpleNamespace(web_url="http://127.0.0.1:8080", sandbox=object())
    _banner(cast(Running, running), settings=Settings())
    banner = capsys.readouterr().out
    assert len(DEMO_LOGINS) == 16
    for demo in DEMO_LOGINS:
        assert re.search(rf"\b{demo.login}\s+\(", banner), demo.login
    assert DEMO_PASSWORD in banner
    assert "pavel (helper, intern)" in banner


def test_readme_names_every_demo_login_and_the_three_businesses() -> None:
    readme = README.read_text(encoding="utf-8")
    for demo in DEMO_LOGINS:
        assert f"`{demo.login}`" in readme, demo.login
    for business in ("repair", "language school", "coaching practice"):
        assert business in readme
    assert "demo repair and support centre (" not in readme


async def test_the_demo_signs_in_with_the_listed_logins_and_chose_no_language(
    database: Database,
) -> None:
    async with database.writer() as session, session.begin():
        await seed_demo(session, now=utcnow())
    async with database.reader() as session:
        logins = [login for login, _name, _role in await demo_logins(session)]
        chosen = list(await session.scalars(select(Employee.language)))
        telegram = list(await session.scalars(select(Employee.telegram_language)))
        clients = await session.scalar(select(Client).where(Client.full_name == "John Carter"))
    assert logins == [demo.login for demo in DEMO_LOGINS]
    assert set(chosen) == {None} and set(telegram) == {None}
    assert clients is not None


async def test_the_owners_site_speaks_the_browsers_language_and_the_bot_her_telegrams(
    sqlite_url: str, in_tmp_dir: Path
) -> None:
    async with demo_in_sandbox(sqlite_url) as running:
        for language in ["en", "fr"]:
            jar = aiohttp.CookieJar(unsafe=True)
            headers = {"Accept-Language": f"{language},en;q=0.5"}
            async with aiohttp.ClientSession(
                base_url=running.web_url, cookie_jar=jar, headers=headers
            ) as http:
                signed = await sign_in(http, "olga", DEMO_PASSWORD)
                assert signed.status == 302
                async with http.get("/") as page:
                    assert page.status == 200
                    assert f'<html lang="{language}">' in await page.text()
        fake = running.sandbox
        assert fake is not None
        olga = next(user.id for user in fake.users.values() if user.full_name == "Olga Smirnova")
        fake.send_text(olga, "/help")
        await bot_said(fake, olga, "/queue")
        assert "Команды" in fake.bot_messages(olga)[-1].text
