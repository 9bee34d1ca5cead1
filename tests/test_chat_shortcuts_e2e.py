"""A file sent without a caption shows in the ticket's history by its name, in the chat and on
the site, through the real product over HTTP. The main menus, the buttons per ticket and the
other rough edges a newcomer met run with the bot in this process, in
test_chat_shortcuts_bot.py."""

from __future__ import annotations

import aiohttp

from bot.sandbox.telegram import FakeTelegram
from db.engine import Database
from tests.support.desk import (  # noqa: F401  (fixtures)
    ANNA,
    MARIA,
    People,
    desk,
    open_request,
)
from tests.support.e2e import Product, bot_said, last_message_id, press_and_read
from tests.support.site import give_logins, sign_in


async def test_a_file_sent_without_a_caption_shows_in_the_history_by_its_name(
    desk: tuple[Product, Database, People], fake: FakeTelegram
) -> None:
    product, database, people = desk
    ticket_id = await open_request(fake, "Printer jams")
    opened = fake.bot_messages(MARIA)[-1]
    fake.send_photo(MARIA, reply_to=opened.message_id)
    await bot_said(fake, MARIA, f"Added to request #{ticket_id}.")
    mark = last_message_id(fake, MARIA)
    fake.send_document(MARIA, "invoice <2024>.pdf")
    picker = await bot_said(fake, MARIA, "Is this a new request", after=mark)
    await press_and_read(fake, MARIA, picker.buttons()[1], f"Added to request #{ticket_id}.")

    fake.send_text(MARIA, "/tickets")
    listing = await bot_said(fake, MARIA, "Your requests")
    card = await press_and_read(fake, MARIA, listing.buttons()[0], "History")
    assert "Maria Lopez: sent a photo" in card
    assert "Maria Lopez: sent a file: invoice <2024>.pdf" in card
    assert "wrote: \n" not in card + "\n"

    fake.send_text(ANNA, f"/ticket {ticket_id}")
    staff_card = await bot_said(fake, ANNA, "History")
    assert "Maria Lopez: sent a file: invoice <2024>.pdf" in staff_card.text

    await give_logins(database, people.anna)
    assert product.running is not None
    jar = aiohttp.CookieJar(unsafe=True)
    async with aiohttp.ClientSession(base_url=product.running.web_url, cookie_jar=jar) as http:
        await sign_in(http, "anna")
        page = await (await http.get(f"/tickets/{ticket_id}")).text()
    assert "sent a file: invoice &lt;2024&gt;.pdf" in page
    assert "sent a photo" in page
