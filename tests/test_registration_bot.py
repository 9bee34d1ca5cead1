"""Registering and being greeted in the chat, with the bot in this process
(tests/support/in_process.py): someone else's contact refused, staff greeted with their role's
commands, a known client by name, /cancel, /language and a forged language button. The
registration itself, a redelivered update, a restart, a refused answer, the webhook and the
sandbox run over real HTTP in test_bot_e2e.py."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.sandbox.chat import SandboxUser
from bot.sandbox.telegram import FakeTelegram
from crm.people.staff import EmployeeDraft, add_from_command_line
from db.enums import Role
from tests.support.desk import desk_settings
from tests.support.e2e import bot_replies, eventually
from tests.support.in_process import FAKE_API_BASE, BotInProcess, bot_in_process
from tests.support.newcomer import NEWCOMER, SHARE, newcomer_cards


@pytest.fixture
async def bot(fake: FakeTelegram, database_url: str) -> AsyncIterator[BotInProcess]:
    """The bot alone, in this process, and the newcomer in Telegram."""
    fake.add_user(NEWCOMER)
    async with bot_in_process(desk_settings(FAKE_API_BASE, database_url), fake) as started:
        yield started


async def test_someone_elses_contact_is_refused(bot: BotInProcess, fake: FakeTelegram) -> None:
    friend = fake.add_user(SandboxUser(id=7002, first_name="Friend", phone="+34600999888"))
    fake.send_text(NEWCOMER.id, "/start")
    await bot_replies(fake, NEWCOMER.id, 1)
    fake.share_contact(NEWCOMER.id, owner=friend)
    replies = await bot_replies(fake, NEWCOMER.id, 2)
    assert "share your own phone number" in replies[1].text
    assert fake.reply_keyboard(NEWCOMER.id) is not None  # asked again, with the button
    assert await newcomer_cards(bot.database) == []


async def test_staff_are_greeted_with_the_commands_of_their_role(
    bot: BotInProcess, fake: FakeTelegram
) -> None:
    async with bot.database.writer() as session, session.begin():
        await add_from_command_line(
            session,
            EmployeeDraft(telegram_id=8001, full_name="Ivan <Kuznetsov>", role=Role.SPECIALIST),
        )
    fake.add_user(SandboxUser(id=8001, first_name="Ivan", language_code="ru"))
    fake.send_text(8001, "/start")
    [greeting] = await bot_replies(fake, 8001, 1)
    # Russian Telegram, Russian answer; the name, with its angle brackets, arrives as text.
    assert "Здравствуйте, Ivan <Kuznetsov>! Ваша роль: специалист." in greeting.text
    assert "/help" in greeting.text
    assert greeting.html is not None and "&lt;Kuznetsov&gt;" in greeting.html
    fake.send_text(8001, "/help")
    replies = await bot_replies(fake, 8001, 2)
    assert replies[1].text.startswith("Команды для вас (специалист):")
    assert fake.commands_for(8001) == [
        "start",
        "queue",
        "my",
        "ticket",
        "take",
        "status",
        "reply",
        "note",
        "contracts",
        "lesson",
        "languages",
        "teachers",
        "plan",
        "session",
        "sessions",
        "requests",
        "report",
        "coachreport",
        "remind",
        "contacts",
        "documents",
        "write",
        "deals",
        "tasks",
        "events",
        "agenda",
        "digest",
        "help",
        "language",
        "cancel",
    ]


async def test_a_known_client_is_greeted_by_name(bot: BotInProcess, fake: FakeTelegram) -> None:
    fake.send_text(NEWCOMER.id, "/start")
    await bot_replies(fake, NEWCOMER.id, 1)
    fake.press(NEWCOMER.id, SHARE)
    await bot_replies(fake, NEWCOMER.id, 2)
    fake.send_text(NEWCOMER.id, "/start")
    replies = await bot_replies(fake, NEWCOMER.id, 3)
    assert replies[2].text.startswith("Hello, Maria Lopez!")


async def test_cancel_leaves_the_dialog(bot: BotInProcess, fake: FakeTelegram) -> None:
    fake.send_text(NEWCOMER.id, "/start")
    await bot_replies(fake, NEWCOMER.id, 1)
    fake.send_text(NEWCOMER.id, "/cancel")
    replies = await bot_replies(fake, NEWCOMER.id, 2)
    assert replies[1].text == "Cancelled."
    assert fake.reply_keyboard(NEWCOMER.id) is None
    fake.send_text(NEWCOMER.id, "hello?")
    replies = await bot_replies(fake, NEWCOMER.id, 3)
    assert replies[2].text == "We have not met yet. Send /start to register."
    fake.send_text(NEWCOMER.id, "/cancel")
    replies = await bot_replies(fake, NEWCOMER.id, 4)
    assert replies[3].text == "There is nothing to cancel."


async def test_a_chosen_language_is_used_from_then_on(
    bot: BotInProcess, fake: FakeTelegram
) -> None:
    fake.send_text(NEWCOMER.id, "/language")
    [choice] = await bot_replies(fake, NEWCOMER.id, 1)
    assert choice.buttons() == ["English", "Русский", "Français"]
    fake.press(NEWCOMER.id, "Français")
    await eventually(lambda: fake.bot_messages(NEWCOMER.id)[0].edited, what="the edit")
    assert fake.bot_messages(NEWCOMER.id)[0].text == "Langue : Français."
    fake.send_text(NEWCOMER.id, "/start")
    replies = await bot_replies(fake, NEWCOMER.id, 2)
    assert replies[1].text.startswith("Bienvenue !")
    fake.press(NEWCOMER.id, "📱 Partager mon numéro de téléphone")
    replies = await bot_replies(fake, NEWCOMER.id, 3)
    assert replies[2].text.startswith("Merci, Maria Lopez !")
    [card] = await newcomer_cards(bot.database)
    assert card.language == "fr"


async def test_a_forged_language_callback_changes_nothing(
    bot: BotInProcess, fake: FakeTelegram
) -> None:
    fake.send_text(NEWCOMER.id, "/language")
    [choice] = await bot_replies(fake, NEWCOMER.id, 1)
    update = fake.press_callback(NEWCOMER.id, choice.message_id, "lang:xx")
    callback_id = update["callback_query"]["id"]
    await eventually(lambda: callback_id in fake.answered_callbacks, what="the callback answer")
    assert not fake.bot_messages(NEWCOMER.id)[0].edited
