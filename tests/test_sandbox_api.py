"""The fake Bot API answers every method the bot calls with what aiogram's own types accept.

Each method is called through a real aiogram ``Bot`` over real HTTP, so aiogram reads the answer
as ``Response[<Method>.__returning__]`` and raises ``ClientDecodeError`` on a missing field, as
it would in the bot. The checks then look for the fields Telegram always sends that aiogram
leaves optional. A scan of the product's code finds every method it may call, so a new one
cannot be used without a check here.
"""

from __future__ import annotations

import ast
import asyncio
import inspect
import re
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import aiogram.methods
import aiohttp
import pytest
from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import TelegramBadRequest
from aiogram.methods import (
    AnswerCallbackQuery,
    Close,
    DeleteMessage,
    DeleteMyCommands,
    DeleteWebhook,
    EditMessageReplyMarkup,
    EditMessageText,
    GetFile,
    GetMe,
    GetMyCommands,
    GetUpdates,
    LogOut,
    SendChatAction,
    SendDocument,
    SendMessage,
    SendPhoto,
    SetMyCommands,
    SetWebhook,
    TelegramMethod,
)
from aiogram.types import (
    BotCommand,
    BotCommandScopeChat,
    BufferedInputFile,
    CallbackQuery,
    ErrorEvent,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    Message,
    ReplyKeyboardMarkup,
)
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from bot.factory import bot_on_session
from bot.sandbox.chat import BotAPIError, SandboxUser
from bot.sandbox.telegram import FakeTelegram
from crm.areas import areas_on
from crm.settings import Settings
from db.enums import RecordingKind, SessionStatus
from db.models import CoachingSession, Recording
from handlers import create_routers
from handlers.areas import bot_areas
from tests.conftest import BOT_TOKEN
from tests.support.e2e import Product, bot_said, demo_in_sandbox, eventually_async, last_message_id

ROOT = Path(__file__).resolve().parent.parent
# The bot's code: everything that runs in `crm run` but the fake Bot API itself.
PRODUCT_PACKAGES = ("bot", "handlers", "notifications", "crm", "web", "db")
SANDBOX = ROOT / "bot" / "sandbox"
# The updates the bot handles, and the aiogram type of each: their shortcut methods
# (``message.answer``, ``query.answer``) are calls of Bot API methods too.
EVENT_TYPES: dict[str, type[Any]] = {
    "message": Message,
    "edited_message": Message,
    "callback_query": CallbackQuery,
    "error": ErrorEvent,
}

MARIA = SandboxUser(
    id=7001, first_name="Maria", last_name="Lopez", username="mlopez", language_code="en"
)
BUTTONS = InlineKeyboardMarkup(
    inline_keyboard=[[InlineKeyboardButton(text="Open the card", callback_data="t:view:1")]]
)

Check = Callable[[Bot, FakeTelegram], Awaitable[None]]
CHECKS: dict[type[TelegramMethod[Any]], Check] = {}


def checks(method: type[TelegramMethod[Any]]) -> Callable[[Check], Check]:
    """Register the check of ``method``'s answer."""

    def register(check: Check) -> Check:
        CHECKS[method] = check
        return check

    return register


def assert_said_by_the_bot(message: Message, bot: Bot, chat_id: int) -> None:
    """What Telegram always says of a message the bot sent in a private chat."""
    assert message.message_id > 0 and message.date is not None
    assert message.chat.id == chat_id and message.chat.type == "private"
    assert message.chat.first_name == MARIA.first_name
    assert message.from_user is not None and message.from_user.id == bot.id
    assert message.from_user.is_bot


async def said(bot: Bot, text: str = "Hello") -> Message:
    return await bot(SendMessage(chat_id=MARIA.id, text=text, reply_markup=BUTTONS))


@checks(GetMe)
async def _get_me(bot: Bot, fake: FakeTelegram) -> None:
    me = await bot(GetMe())
    assert me.id == bot.id and me.is_bot and me.username == fake.bot_user["username"]
    assert me.can_join_groups is not None and me.supports_inline_queries is not None


@checks(GetUpdates)
async def _get_updates(bot: Bot, fake: FakeTelegram) -> None:
    question = await said(bot, "Which department?")
    fake.send_text(MARIA.id, "/new My printer jams")
    fake.send_text(MARIA.id, "It beeps", reply_to=question.message_id)
    fake.send_photo(MARIA.id, "Cracked screen")
    fake.send_document(MARIA.id, "invoice.pdf", "The invoice")
    fake.share_contact(MARIA.id, "+34600123456")
    fake.press(MARIA.id, "Open the card")
    updates = await bot(GetUpdates(timeout=0))
    command, reply, photo, document, contact = (update.message for update in updates[:5])
    for message in (command, reply, photo, document, contact):
        assert message is not None and message.chat.type == "private"
        assert message.from_user is not None and message.from_user.id == MARIA.id
    assert command is not None and command.text == "/new My printer jams"
    assert command.entities is not None and command.entities[0].type == "bot_command"
    assert reply is not None and reply.reply_to_message is not None
    assert reply.reply_to_message.message_id == question.message_id
    assert photo is not None and photo.photo is not None and photo.caption == "Cracked screen"
    assert all(size.file_unique_id and size.width for size in photo.photo)
    assert document is not None and document.document is not None
    assert document.document.file_name == "invoice.pdf"
    assert contact is not None and contact.contact is not None
    query = updates[5].callback_query
    assert query is not None and query.data == "t:view:1" and query.message is not None
    assert isinstance(query.message, Message)
    assert_said_by_the_bot(query.message, bot, MARIA.id)


@checks(SendMessage)
async def _send_message(bot: Bot, fake: FakeTelegram) -> None:
    sent = await said(bot, "<b>Request #1</b> is open")
    assert_said_by_the_bot(sent, bot, MARIA.id)
    assert sent.text == "Request #1 is open" and sent.reply_markup is not None
    assert sent.reply_markup.model_dump() == BUTTONS.model_dump()
    keyboard = ReplyKeyboardMarkup(keyboard=[[KeyboardButton(text="Share", request_contact=True)]])
    asked = await bot(SendMessage(chat_id=MARIA.id, text="Your phone?", reply_markup=keyboard))
    assert_said_by_the_bot(asked, bot, MARIA.id)


@checks(SendPhoto)
async def _send_photo(bot: Bot, fake: FakeTelegram) -> None:
    largest = fake.send_photo(MARIA.id, "Cracked screen")["message"]["photo"][-1]
    sent = await bot(SendPhoto(chat_id=MARIA.id, photo=largest["file_id"], caption="#1"))
    assert_said_by_the_bot(sent, bot, MARIA.id)
    assert sent.caption == "#1" and sent.photo is not None
    assert sent.photo[-1].model_dump(exclude_none=True) == largest


@checks(SendDocument)
async def _send_document(bot: Bot, fake: FakeTelegram) -> None:
    document = fake.send_document(MARIA.id, "invoice.pdf")["message"]["document"]
    sent = await bot(SendDocument(chat_id=MARIA.id, document=document["file_id"], caption="#1"))
    assert_said_by_the_bot(sent, bot, MARIA.id)
    assert sent.caption == "#1" and sent.document is not None
    assert sent.document.model_dump(exclude_none=True) == document


@checks(EditMessageText)
async def _edit_message_text(bot: Bot, fake: FakeTelegram) -> None:
    sent = await said(bot)
    edited = await bot(
        EditMessageText(
            chat_id=MARIA.id,
            message_id=sent.message_id,
            text="Langue : français",
            reply_markup=None,
        )
    )
    assert isinstance(edited, Message)
    assert_said_by_the_bot(edited, bot, MARIA.id)
    assert edited.text == "Langue : français" and edited.edit_date is not None


@checks(EditMessageReplyMarkup)
async def _edit_message_reply_markup(bot: Bot, fake: FakeTelegram) -> None:
    sent = await said(bot)
    edited = await bot(EditMessageReplyMarkup(chat_id=MARIA.id, message_id=sent.message_id))
    assert isinstance(edited, Message)
    assert_said_by_the_bot(edited, bot, MARIA.id)
    assert edited.reply_markup is None and edited.edit_date is not None


@checks(AnswerCallbackQuery)
async def _answer_callback_query(bot: Bot, fake: FakeTelegram) -> None:
    await said(bot)
    query = fake.press(MARIA.id, "Open the card")["callback_query"]
    answer = AnswerCallbackQuery(callback_query_id=query["id"], text="Done", show_alert=True)
    assert await bot(answer) is True


@checks(SetMyCommands)
async def _set_my_commands(bot: Bot, fake: FakeTelegram) -> None:
    menu = [BotCommand(command="new", description="Open a request")]
    assert await bot(SetMyCommands(commands=menu)) is True
    assert fake.commands_for() == ["new"]


@checks(GetMyCommands)
async def _get_my_commands(bot: Bot, fake: FakeTelegram) -> None:
    scope = BotCommandScopeChat(chat_id=MARIA.id)
    menu = [BotCommand(command="queue", description="Open tickets")]
    await bot(SetMyCommands(commands=menu, scope=scope))
    [command] = await bot(GetMyCommands(scope=scope))
    assert (command.command, command.description) == ("queue", "Open tickets")


@checks(DeleteMyCommands)
async def _delete_my_commands(bot: Bot, fake: FakeTelegram) -> None:
    await bot(SetMyCommands(commands=[BotCommand(command="new", description="Open a request")]))
    assert await bot(DeleteMyCommands()) is True
    assert fake.commands_for() == []


@checks(SetWebhook)
async def _set_webhook(bot: Bot, fake: FakeTelegram) -> None:
    hook = SetWebhook(url="https://crm.example/telegram", secret_token="s3cret")
    assert await bot(hook) is True


@checks(DeleteWebhook)
async def _delete_webhook(bot: Bot, fake: FakeTelegram) -> None:
    assert await bot(DeleteWebhook(drop_pending_updates=False)) is True


@checks(DeleteMessage)
async def _delete_message(bot: Bot, fake: FakeTelegram) -> None:
    sent = await said(bot)
    assert await bot(DeleteMessage(chat_id=MARIA.id, message_id=sent.message_id)) is True
    assert fake.bot_messages(MARIA.id) == []


@checks(SendChatAction)
async def _send_chat_action(bot: Bot, fake: FakeTelegram) -> None:
    assert await bot(SendChatAction(chat_id=MARIA.id, action="typing")) is True


@checks(Close)
async def _close(bot: Bot, fake: FakeTelegram) -> None:
    assert await bot(Close()) is True


@checks(LogOut)
async def _log_out(bot: Bot, fake: FakeTelegram) -> None:
    assert await bot(LogOut()) is True


@checks(GetFile)
async def _get_file(bot: Bot, fake: FakeTelegram) -> None:
    scan = b"%PDF-1.4\n" + bytes(range(256)) * 40 + b"\n%%EOF\n"
    sent = fake.send_document(MARIA.id, "scan.pdf", content=scan)
    document = sent["message"]["document"]
    assert document["file_size"] == len(scan)
    found = await bot(GetFile(file_id=document["file_id"]))
    assert found.file_id == document["file_id"] and found.file_unique_id
    assert found.file_size == len(scan) and found.file_path
    downloaded = await bot.download_file(found.file_path)
    assert downloaded is not None and downloaded.read() == scan
    # A photo nobody gave bytes for is still a JPEG of the size Telegram reported.
    photo = fake.send_photo(MARIA.id)["message"]["photo"][-1]
    found = await bot(GetFile(file_id=photo["file_id"]))
    assert found.file_size == photo["file_size"] and found.file_path
    downloaded = await bot.download_file(found.file_path)
    assert downloaded is not None and downloaded.read()[:3] == b"\xff\xd8\xff"
    fake.forget_file(document["file_id"])
    with pytest.raises(TelegramBadRequest, match="wrong file_id"):
        await bot(GetFile(file_id=document["file_id"]))


@pytest.fixture
async def bot(fake_telegram: tuple[FakeTelegram, str]) -> AsyncIterator[Bot]:
    """The bot's own Bot, speaking to the fake through aiogram's own session, which reads every
    answer into its type (the product's skips what it does not read, bot/lean_session.py):
    these tests hold the fake's answers to what aiogram accepts. Maria is there to talk to."""
    fake, url = fake_telegram
    fake.add_user(MARIA)
    bot = bot_on_session(
        BOT_TOKEN, AiohttpSession(api=TelegramAPIServer.from_base(url.rstrip("/")))
    )
    yield bot
    await bot.session.close()


@pytest.mark.parametrize(
    "method",
    [pytest.param(method, id=method.__name__) for method in CHECKS],
)
async def test_the_fake_answers_each_method_with_what_aiogram_accepts(
    method: type[TelegramMethod[Any]], bot: Bot, fake_telegram: tuple[FakeTelegram, str]
) -> None:
    await CHECKS[method](bot, fake_telegram[0])


def _telegram_methods() -> dict[str, type[TelegramMethod[Any]]]:
    found = {name: getattr(aiogram.methods, name) for name in aiogram.methods.__all__}
    return {
        name: value
        for name, value in found.items()
        if isinstance(value, type)
        and issubclass(value, TelegramMethod)
        and isinstance(value.__api_method__, str)  # not the abstract base
    }


def _shortcuts(methods: dict[str, type[TelegramMethod[Any]]]) -> dict[str, set[type[Any]]]:
    """Attribute name -> the methods a call of it may make: ``bot.send_message(...)`` and the
    shortcuts of the event types (``message.answer(...)``, ``query.answer(...)``)."""
    calls: dict[str, set[type[Any]]] = {}
    for method in methods.values():
        bot_name = re.sub(r"(?<!^)(?=[A-Z])", "_", method.__api_method__).lower()
        assert hasattr(Bot, bot_name), bot_name
        calls.setdefault(bot_name, set()).add(method)
    for event_type in set(EVENT_TYPES.values()):
        for name, function in vars(event_type).items():
            if name.startswith("_") or not inspect.isfunction(function):
                continue
            returns = str(inspect.signature(function).return_annotation)
            for word in re.findall(r"\w+", returns):
                if word in methods:
                    calls.setdefault(name, set()).add(methods[word])
    return calls


def methods_the_bot_may_call() -> dict[type[Any], set[str]]:
    """Each aiogram method the product's code names or calls, with where.

    Calls are matched by their name alone, so the scan may list a method the code does not
    call (``session.delete`` reads as ``message.delete``); it never misses one it does.
    """
    methods = _telegram_methods()
    shortcuts = _shortcuts(methods)
    used: dict[type[Any], set[str]] = {}
    for package in PRODUCT_PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if path.is_relative_to(SANDBOX):
                continue
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                found: set[type[Any]] = set()
                if isinstance(node, ast.Name) and node.id in methods:
                    found = {methods[node.id]}
                elif isinstance(node, ast.alias) and node.name in methods:
                    found = {methods[node.name]}
                elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
                    found = shortcuts.get(node.func.attr, set())
                where = f"{path.relative_to(ROOT)}:{getattr(node, 'lineno', '?')}"
                for method in found:
                    used.setdefault(method, set()).add(where)
    return used


def test_every_method_the_bot_may_call_has_its_check() -> None:
    used = methods_the_bot_may_call()
    unchecked = {method.__name__: sorted(used[method]) for method in set(used) - set(CHECKS)}
    assert unchecked == {}
    # The scan itself finds what the bot is known to call.
    assert {SendMessage, SendDocument, SendPhoto, GetUpdates, AnswerCallbackQuery} <= set(used)


def test_the_bot_handles_only_updates_whose_shortcuts_are_scanned() -> None:
    handled = {
        name
        for router in create_routers(bot_areas(areas_on(None)))
        for name, observer in router.observers.items()
        if observer.handlers
    }
    assert handled <= set(EVENT_TYPES)


def test_every_method_the_fake_answers_has_its_check() -> None:
    fake = FakeTelegram(BOT_TOKEN)
    checked = {method.__api_method__.lower() for method in CHECKS}
    assert fake.methods() == checked


async def test_an_uploaded_document_is_kept_by_name_and_can_be_sent_again(bot: Bot) -> None:
    upload = BufferedInputFile(b"id;name\n1;Maria\n", filename="clients.csv")
    sent = await bot(SendDocument(chat_id=MARIA.id, document=upload, caption="Export"))
    assert_said_by_the_bot(sent, bot, MARIA.id)
    assert sent.document is not None
    assert (sent.document.file_name, sent.document.file_size) == ("clients.csv", 16)
    again = await bot(SendDocument(chat_id=MARIA.id, document=sent.document.file_id))
    assert again.document is not None
    assert again.document.model_dump() == sent.document.model_dump()


async def test_an_uploaded_photo_comes_back_in_its_sizes(bot: Bot) -> None:
    upload = BufferedInputFile(b"\x89PNG\r\n", filename="screen.png")
    sent = await bot(SendPhoto(chat_id=MARIA.id, photo=upload))
    assert sent.photo is not None and len({size.file_id for size in sent.photo}) == 2
    # A file_id of its own, not the form field aiogram attached the file as.
    assert not any(size.file_id.startswith("attach://") for size in sent.photo)


async def test_a_document_from_before_a_restart_still_comes_back_valid(bot: Bot) -> None:
    # The database outlives the sandbox, which forgets its files: the id is still answered.
    sent = await bot(SendDocument(chat_id=MARIA.id, document="doc-7001-12"))
    assert sent.document is not None
    assert sent.document.file_id == "doc-7001-12" and sent.document.file_unique_id


def test_a_reply_to_a_message_that_is_not_there_is_refused_and_not_kept() -> None:
    fake = FakeTelegram(BOT_TOKEN)
    fake.add_user(MARIA)
    with pytest.raises(BotAPIError, match="message to be replied not found"):
        fake.send_text(MARIA.id, "About that", reply_to=99)
    assert fake.messages(MARIA.id) == []
    assert fake.pending_updates() == 0


def test_a_document_without_a_file_is_a_bad_request() -> None:
    fake = FakeTelegram(BOT_TOKEN)
    fake.add_user(MARIA)
    with pytest.raises(BotAPIError, match="there is no document in the request") as refused:
        fake.call("sendDocument", {"chat_id": MARIA.id, "caption": "#1"})
    assert refused.value.status == 400
    assert fake.messages(MARIA.id) == []


async def _send_file_from_the_page(
    http: aiohttp.ClientSession, user_id: int, name: str, mime: str, reply_to: int
) -> None:
    form = aiohttp.FormData()
    form.add_field("text", "")
    form.add_field("reply_to", str(reply_to))
    form.add_field("file", b"ID3\x03 a stand-in recording", filename=name, content_type=mime)
    async with http.post(f"/sandbox/chats/{user_id}/files", data=form) as sent:
        assert sent.status == 200, await sent.text()


async def test_a_file_sent_from_the_page_as_a_reply_goes_where_the_reply_goes(
    sqlite_url: str, in_tmp_dir: Path
) -> None:
    async with demo_in_sandbox(sqlite_url) as running:
        fake = running.sandbox
        assert fake is not None
        people = {user.full_name: user.id for user in fake.users.values()}
        john = people["John Carter"]
        async with running.database.reader() as session:
            meeting = await session.scalar(
                select(CoachingSession)
                .where(CoachingSession.status == SessionStatus.DONE)
                .options(selectinload(CoachingSession.coach))
                .order_by(CoachingSession.id)
                .limit(1)
            )
        assert meeting is not None and meeting.coach is not None
        coach = people[meeting.coach.full_name]
        async with aiohttp.ClientSession(base_url=running.web_url) as http:
            mark = last_message_id(fake, john)
            fake.send_text(john, "/new The printer jams")
            await bot_said(fake, john, "Which department", after=mark)
            fake.press(john, "I don't know")
            opened = await bot_said(fake, john, "is open.", after=mark)
            ticket_id = int(opened.text.split("#")[1].split(" ")[0])
            await _send_file_from_the_page(
                http, john, "receipt.pdf", "application/pdf", opened.message_id
            )
            await bot_said(fake, john, f"Added to request #{ticket_id}.", after=opened.message_id)

            mark = last_message_id(fake, coach)
            fake.send_text(coach, f"/session {meeting.id}")
            card = await bot_said(fake, coach, f"#{meeting.id}", after=mark)
            await _send_file_from_the_page(http, coach, "talk.mp3", "audio/mpeg", card.message_id)

            async def kept() -> Recording | None:
                async with running.database.reader() as session:
                    return await session.scalar(
                        select(Recording).where(
                            Recording.session_id == meeting.id,
                            Recording.kind == RecordingKind.AUDIO,
                            Recording.telegram_file_id.startswith(f"doc-{coach}-"),
                        )
                    )

            await eventually_async(kept, what="the recording kept on the session")


async def test_after_a_restart_on_the_same_database_the_sandbox_is_still_answered(
    sqlite_url: str, in_tmp_dir: Path
) -> None:
    product = Product(Settings(_env_file=None, database_url=sqlite_url, web_port=0))
    running = await product.start()
    try:
        assert running.sandbox is not None
        owner = next(u.id for u in running.sandbox.users.values() if u.full_name == "Olga Smirnova")
        running.sandbox.send_text(owner, "/help")
        await bot_said(running.sandbox, owner, "/queue")
        running = await product.restart()
        fake = running.sandbox
        assert fake is not None
        fake.send_text(owner, "/help")
        await bot_said(fake, owner, "/queue")
    finally:
        await product.stop()


@pytest.mark.parametrize("wait", ["long poll", "a change"])
async def test_a_wait_cancelled_as_a_change_lands_ends_at_once(wait: str) -> None:
    """A long poll (or a wait for a change) whose client goes away just as something changes
    ends then, not when its timeout runs out: the wait must not swallow the cancellation (as
    asyncio.wait_for does before Python 3.12, when its inner wait finishes first), or a bot in
    the test's process takes the whole getUpdates timeout to stop."""
    fake = FakeTelegram(BOT_TOKEN)
    waiting = asyncio.create_task(
        fake.get_updates({"timeout": 30}) if wait == "long poll" else fake.wait_changed(30)
    )
    await asyncio.sleep(0.05)  # it waits now
    fake.call("answerCallbackQuery", {"callback_query_id": "1"})  # a change: the waiters wake
    await asyncio.sleep(0)  # the wake-up has notified them, and they have not run yet
    waiting.cancel()
    with pytest.raises(asyncio.CancelledError):
        await asyncio.wait_for(waiting, 2)
