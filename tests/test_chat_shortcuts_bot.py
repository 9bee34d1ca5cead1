"""The rough edges a newcomer met in the chat, with the bot in this process
(tests/support/in_process.py): a main menu whose buttons do the commands, in French too, a
button per listed ticket, a hint for a mistyped username, and the department echoed back. A
file's name in the history, seen on the site too, runs over real HTTP in
test_chat_shortcuts_e2e.py."""

from __future__ import annotations

from bot.sandbox.chat import SandboxUser
from bot.sandbox.telegram import FakeTelegram
from db.engine import Database
from tests.support.desk import ANNA, IVAN, MARIA, People, bot_desk, open_request  # noqa: F401
from tests.support.e2e import bot_said, last_message_id, press_and_read
from tests.support.in_process import BotInProcess

NEWBIE = SandboxUser(id=7003, first_name="Nina", last_name="Novak", language_code="en")


CLIENT_MENU = [["🆕 New request", "📋 My requests"], ["📊 Status", "❓ Help"]]


STAFF_MENU = [["📥 Queue", "🗂 My tickets"], ["📰 Digest", "❓ Help"]]


def menu(fake: FakeTelegram, chat_id: int) -> list[list[str]]:
    """The reply keyboard the person sees, as rows of button texts."""
    keyboard = fake.reply_keyboard(chat_id) or {}
    return [[button["text"] for button in row] for row in keyboard.get("keyboard", [])]


async def test_a_newly_registered_client_gets_a_main_menu_whose_buttons_do_the_commands(
    bot_desk: tuple[BotInProcess, Database, People], fake: FakeTelegram
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
    bot_desk: tuple[BotInProcess, Database, People], fake: FakeTelegram
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
    bot_desk: tuple[BotInProcess, Database, People], fake: FakeTelegram
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
    bot_desk: tuple[BotInProcess, Database, People], fake: FakeTelegram
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
    bot_desk: tuple[BotInProcess, Database, People], fake: FakeTelegram
) -> None:
    await open_request(fake, "Printer jams")
    fake.send_text(ANNA, "/assign 1 @ivna")
    refusal = await bot_said(fake, ANNA, "No employee @ivna")
    assert "did you mean @ivan?" in refusal.text
    fake.send_text(ANNA, "/assign 1 9999")
    refusal = await bot_said(fake, ANNA, "No employee 9999")
    assert "did you mean @anna, @ivan, @tom?" in refusal.text


async def test_the_department_the_client_chose_is_named_in_the_confirmation(
    bot_desk: tuple[BotInProcess, Database, People], fake: FakeTelegram
) -> None:
    await open_request(fake, "Printer jams", department="Repair workshop")
    opened = fake.bot_messages(MARIA)[-1]
    assert opened.text.startswith("✅ Request #1 is open.")
    assert "Department: Repair workshop" in opened.text
    await open_request(fake, "Screen flickers")
    assert "Department" not in fake.bot_messages(MARIA)[-1].text
