"""The rough edges a newcomer met in the chat: a main menu, a button per listed ticket, a hint
for a mistyped username, files in the history, and the department echoed back."""

from __future__ import annotations

import aiohttp

from bot.sandbox.chat import SandboxUser
from bot.sandbox.telegram import FakeTelegram
from db.engine import Database
from tests.support.desk import (  # noqa: F401  (fixtures)
    ANNA,
    IVAN,
    MARIA,
    People,
    desk,
    fake,
    open_request,
)
from tests.support.e2e import Product, bot_said, last_message_id
from tests.support.site import give_logins, sign_in

NEWBIE = SandboxUser(id=7003, first_name="Nina", last_name="Novak", language_code="en")
CLIENT_MENU = [["🆕 New request", "📋 My requests"], ["📊 Status", "❓ Help"]]
STAFF_MENU = [["📥 Queue", "🗂 My tickets"], ["📰 Digest", "❓ Help"]]


def menu(fake: FakeTelegram, chat_id: int) -> list[list[str]]:
    """The reply keyboard the person sees, as rows of button texts."""
    keyboard = fake.reply_keyboard(chat_id) or {}
    return [[button["text"] for button in row] for row in keyboard.get("keyboard", [])]


async def press_and_read(fake: FakeTelegram, chat_id: int, button: str, fragment: str) -> str:
    mark = last_message_id(fake, chat_id)
    fake.press(chat_id, button)
    return (await bot_said(fake, chat_id, fragment, after=mark)).text


async def test_a_newly_registered_client_gets_a_main_menu_whose_buttons_do_the_commands(
    desk: tuple[Product, Database, People], fake: FakeTelegram
) -> None:
    fake.add_user(
        SandboxUser(id=NEWBIE.id, first_name="Nina", last_name="Novak", phone="+447700900777")
    )
    fake.send_text(NEWBIE.id, "/start")
    await bot_said(fake, NEWBIE.id, "share your phone number")
    fake.press(NEWBIE.id, "📱 Share my phone number")
    await bot_said(fake, NEWBIE.id, "Your client card is ready")
    assert menu(fake, NEWBIE.id) == CLIENT_MENU

    assert "You have no requests yet" in await press_and_read(
        fake, NEWBIE.id, "📋 My requests", "requests"
    )
    await press_and_read(fake, NEWBIE.id, "🆕 New request", "Describe your request")
    fake.send_text(NEWBIE.id, "/cancel")
    await bot_said(fake, NEWBIE.id, "Cancelled.")
    assert menu(fake, NEWBIE.id) == CLIENT_MENU  # leaving a dialog keeps the menu
    assert "/tickets" in await press_and_read(fake, NEWBIE.id, "❓ Help", "Commands for you")
    assert "You have no open requests" in await press_and_read(
        fake, NEWBIE.id, "📊 Status", "open requests"
    )


async def test_staff_get_their_main_menu_on_start_and_its_buttons_do_the_commands(
    desk: tuple[Product, Database, People], fake: FakeTelegram
) -> None:
    await open_request(fake, "Printer jams")
    fake.send_text(ANNA, "/start")
    await bot_said(fake, ANNA, "You are signed in as administrator")
    assert menu(fake, ANNA) == STAFF_MENU
    assert "Ticket #1 · new · Maria Lopez: Printer jams" in await press_and_read(
        fake, ANNA, "📥 Queue", "Waiting for someone (1):"
    )
    assert "You have no open tickets." in await press_and_read(
        fake, ANNA, "🗂 My tickets", "open tickets"
    )


async def test_a_client_menu_in_french_works_in_french(
    desk: tuple[Product, Database, People], fake: FakeTelegram
) -> None:
    fake.send_text(MARIA, "/language")
    await bot_said(fake, MARIA, "Choose the language")
    fake.press(MARIA, "Français")
    await bot_said(fake, MARIA, "Langue : Français.")
    french = [["🆕 Nouvelle demande", "📋 Mes demandes"], ["📊 État", "❓ Aide"]]
    assert menu(fake, MARIA) == french  # with the confirmation, not only after /help
    fake.send_text(MARIA, "/help")
    await bot_said(fake, MARIA, "Vos commandes")
    assert menu(fake, MARIA) == french
    await press_and_read(fake, MARIA, "📋 Mes demandes", "/new")


async def test_queue_and_my_tickets_have_a_button_per_ticket_that_opens_its_card(
    desk: tuple[Product, Database, People], fake: FakeTelegram
) -> None:
    await open_request(fake, "Printer jams")
    await open_request(fake, "Screen flickers")
    fake.send_text(ANNA, "/queue")
    queue = await bot_said(fake, ANNA, "Waiting for someone (2):")
    assert queue.buttons() == [
        "Ticket #1 · Maria Lopez · Printer jams",
        "Ticket #2 · Maria Lopez · Screen flickers",
    ]
    card = await press_and_read(fake, ANNA, "Ticket #2 · Maria Lopez · Screen flickers", "History")
    assert card.startswith("#2 · new")

    fake.send_text(ANNA, "/assign 1 @ivan")
    await bot_said(fake, ANNA, "#1 is assigned to Ivan Kuznetsov")
    mark = last_message_id(fake, IVAN)
    fake.send_text(IVAN, "/my")
    mine = await bot_said(fake, IVAN, "Your open tickets (1):", after=mark)
    assert mine.buttons() == ["Ticket #1 · Maria Lopez · Printer jams"]
    card = await press_and_read(fake, IVAN, "Ticket #1 · Maria Lopez · Printer jams", "History")
    assert card.startswith("#1 · assigned")


async def test_assigning_to_an_unknown_username_names_the_closest_staff(
    desk: tuple[Product, Database, People], fake: FakeTelegram
) -> None:
    await open_request(fake, "Printer jams")
    fake.send_text(ANNA, "/assign 1 @ivna")
    refusal = await bot_said(fake, ANNA, "No employee @ivna")
    assert "did you mean @ivan?" in refusal.text
    fake.send_text(ANNA, "/assign 1 9999")
    refusal = await bot_said(fake, ANNA, "No employee 9999")
    assert "did you mean @anna, @ivan, @tom?" in refusal.text


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


async def test_the_department_the_client_chose_is_named_in_the_confirmation(
    desk: tuple[Product, Database, People], fake: FakeTelegram
) -> None:
    await open_request(fake, "Printer jams", department="Repair workshop")
    opened = fake.bot_messages(MARIA)[-1]
    assert opened.text.startswith("✅ Request #1 is open.")
    assert "Department: Repair workshop" in opened.text
    await open_request(fake, "Screen flickers")
    assert "Department" not in fake.bot_messages(MARIA)[-1].text
