"""A file a client sends in Telegram opens from the ticket page: fetched through the bot's
``getFile``, for staff who may see the ticket, with its type and name."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from pathlib import Path
from urllib.parse import quote

import aiohttp
import pytest

from bot.sandbox.chat import Fault
from bot.sandbox.telegram import FakeTelegram
from crm.demo.seed import DEMO_PASSWORD
from db.engine import Database
from tests.support.desk import (  # noqa: F401  (fixtures)
    ANNA,
    MARIA,
    People,
    desk,
)
from tests.support.e2e import Product, bot_said, demo_in_sandbox, last_message_id
from tests.support.site import give_logins, sign_in

NAME = 'Счёт "март".pdf'  # quotes and Cyrillic: the header must carry both safely
SCAN = b"%PDF-1.4\n" + bytes(range(256)) * 64 + b"\n%%EOF\n"


async def send_in_a_request(fake: FakeTelegram, number: int, send: str) -> None:
    """Maria opens request #``number`` with a document (``send="document"``) or a photo."""
    mark = last_message_id(fake, MARIA)
    fake.send_text(MARIA, "/new")
    await bot_said(fake, MARIA, "Describe your request", after=mark)
    if send == "document":
        fake.send_document(MARIA, NAME, content=SCAN)
    else:
        fake.send_photo(MARIA, "Cracked screen")
    await bot_said(fake, MARIA, "Which department", after=mark)
    fake.press(MARIA, "I don't know")
    await bot_said(fake, MARIA, f"Request #{number} is open.", after=mark)


@pytest.fixture
async def site(desk: tuple[Product, Database, People]) -> AsyncIterator[aiohttp.ClientSession]:
    """A browser-like session on the running product's admin site."""
    product, database, people = desk
    await give_logins(database, people.anna, people.ivan, people.tom)
    assert product.running is not None
    jar = aiohttp.CookieJar(unsafe=True)  # cookies from an IP address (the loopback server)
    async with aiohttp.ClientSession(base_url=product.running.web_url, cookie_jar=jar) as http:
        yield http


async def file_links(http: aiohttp.ClientSession, ticket_id: int) -> list[str]:
    async with http.get(f"/tickets/{ticket_id}") as page:
        assert page.status == 200
        return re.findall(rf'href="(/tickets/{ticket_id}/files/\d+)"', await page.text())


async def test_staff_download_a_clients_document_from_the_ticket_page(
    desk: tuple[Product, Database, People], fake: FakeTelegram, site: aiohttp.ClientSession
) -> None:
    await send_in_a_request(fake, 1, "document")
    await send_in_a_request(fake, 2, "photo")
    assert (await sign_in(site, "anna")).status == 302
    [link] = await file_links(site, 1)
    async with site.get(link) as download:
        assert download.status == 200
        assert await download.read() == SCAN
        assert download.headers["Content-Type"] == "application/pdf"
        assert download.headers["Content-Security-Policy"].endswith("; sandbox")
        disposition = download.headers["Content-Disposition"]
    assert disposition == (
        f"attachment; filename=\"____ ______.pdf\"; filename*=UTF-8''{quote(NAME, safe='')}"
    )
    [photo] = await file_links(site, 2)
    async with site.get(photo) as download:
        assert download.status == 200
        assert download.headers["Content-Type"] == "image/jpeg"
        assert (await download.read())[:3] == b"\xff\xd8\xff"
        assert 'filename="ticket-2-file-2.jpg"' in download.headers["Content-Disposition"]


async def test_a_specialist_who_may_not_see_the_ticket_gets_no_file(
    desk: tuple[Product, Database, People], fake: FakeTelegram, site: aiohttp.ClientSession
) -> None:
    await send_in_a_request(fake, 1, "document")
    fake.send_text(MARIA, "/new Another one")  # #2 has no file: its links name no file of #1
    await bot_said(fake, MARIA, "Which department")
    fake.press(MARIA, "I don't know")
    await bot_said(fake, MARIA, "Request #2 is open.")
    mark = last_message_id(fake, ANNA)
    fake.send_text(ANNA, "/assign 1 @ivan")
    await bot_said(fake, ANNA, "is assigned to Ivan Kuznetsov", after=mark)
    await sign_in(site, "ivan")
    [link] = await file_links(site, 1)
    site.cookie_jar.clear()  # signed out
    await sign_in(site, "tom")  # the other specialist: #1 is Ivan's now
    async with site.get(link) as refused:
        assert refused.status == 404
        assert SCAN[:8] not in await refused.read()
    async with site.get(link.replace("/tickets/1/", "/tickets/2/")) as elsewhere:
        assert elsewhere.status == 404  # a file is only reached through its own ticket


async def test_a_file_telegram_no_longer_gives_is_a_clear_page_not_a_500(
    desk: tuple[Product, Database, People], fake: FakeTelegram, site: aiohttp.ClientSession
) -> None:
    await send_in_a_request(fake, 1, "document")
    await sign_in(site, "anna")
    [link] = await file_links(site, 1)
    fake.faults.append(Fault("getFile", 502, "Bad Gateway"))
    async with site.get(link) as away:
        assert away.status == 502
        assert "Telegram could not be reached for this file" in await away.text()
    [file_id] = list(fake.documents)
    fake.forget_file(file_id)
    async with site.get(link) as gone:
        assert gone.status == 404
        assert "Telegram no longer has this file." in await gone.text()


async def test_in_the_sandbox_a_file_sent_from_the_page_opens_from_the_ticket_page(
    sqlite_url: str, in_tmp_dir: Path
) -> None:
    async with demo_in_sandbox(sqlite_url) as running:
        fake = running.sandbox
        assert fake is not None
        john = next(user.id for user in fake.users.values() if user.full_name == "John Carter")
        jar = aiohttp.CookieJar(unsafe=True)
        async with aiohttp.ClientSession(base_url=running.web_url, cookie_jar=jar) as http:
            mark = last_message_id(fake, john)
            fake.send_text(john, "/new")
            await bot_said(fake, john, "Describe your request", after=mark)
            form = aiohttp.FormData()
            form.add_field("file", SCAN, filename="receipt.pdf", content_type="application/pdf")
            async with http.post(f"/sandbox/chats/{john}/files", data=form) as sent:
                assert sent.status == 200
            await bot_said(fake, john, "Which department", after=mark)
            fake.press(john, "I don't know")
            opened = await bot_said(fake, john, "is open.", after=mark)
            ticket_id = int(opened.text.split("#")[1].split(" ")[0])
            await sign_in(http, "anna", DEMO_PASSWORD)
            [link] = await file_links(http, ticket_id)
            async with http.get(link) as download:
                assert download.status == 200
                assert await download.read() == SCAN
                assert download.headers["Content-Type"] == "application/pdf"
