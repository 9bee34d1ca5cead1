"""The in-process session (tests/support/in_process.py) sends the fake Bot API exactly what
aiogram's HTTP session sends it, and raises what it raises: the same calls made through both,
each to a fake of its own, leave the same record and give the same answers.

The session copies one thing aiogram does not promise: how ``AiohttpSession.build_form_data``
writes a method into a form (``prepare_value`` per field, empty fields left out, files as
``attach://`` parts). pyproject.toml holds aiogram to the minor version checked here; a release
that writes its forms otherwise fails this test rather than letting the two layers drift.
"""

from __future__ import annotations

import inspect
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest
from aiogram import Bot
from aiogram.client.session.base import BaseSession
from aiogram.exceptions import TelegramAPIError
from aiogram.methods import (
    AnswerCallbackQuery,
    DeleteMessage,
    EditMessageText,
    GetFile,
    GetMe,
    GetUpdates,
    SendDocument,
    SendMessage,
    SendPhoto,
    SetMyCommands,
    TelegramMethod,
)
from aiogram.types import (
    BotCommand,
    BotCommandScopeChat,
    BufferedInputFile,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
    ReplyParameters,
)
from aiohttp import ClientResponseError

from bot.factory import bot_on_session, create_bot
from bot.sandbox.chat import Fault, SandboxUser, Upload
from bot.sandbox.telegram import FakeTelegram
from tests.conftest import BOT_TOKEN, fake_bot_api
from tests.support.in_process import FakeAPISession

CHAT = 7001
SCAN = b"%PDF-1.4\n" + bytes(range(256)) * 8


def fake_with_a_chat() -> FakeTelegram:
    fake = FakeTelegram(BOT_TOKEN)
    fake.add_user(SandboxUser(id=CHAT, first_name="Maria", language_code="en"))
    fake.send_text(CHAT, "Hello")
    fake.send_document(CHAT, "scan.pdf", content=SCAN)
    return fake


@pytest.fixture
async def bots() -> AsyncIterator[tuple[tuple[Bot, FakeTelegram], tuple[Bot, FakeTelegram]]]:
    """The product's bot over HTTP and in process, each with a fake of its own, alike."""
    async with fake_bot_api(fake=fake_with_a_chat()) as (over_http, url):
        in_process = fake_with_a_chat()
        http_bot = create_bot(BOT_TOKEN, url)
        process_bot = bot_on_session(BOT_TOKEN, FakeAPISession(in_process))
        yield (http_bot, over_http), (process_bot, in_process)
        await http_bot.session.close()
        await process_bot.session.close()


def calls() -> list[TelegramMethod[Any]]:
    """Calls that together use every kind of field: text, numbers, booleans, defaults, enums,
    nested objects and lists, markup, and a file uploaded with the request."""
    inline = InlineKeyboardMarkup(
        inline_keyboard=[[InlineKeyboardButton(text="Open [1]", callback_data="tk:view:1")]]
    )
    reply = ReplyKeyboardMarkup(
        keyboard=[[KeyboardButton(text="📱 Share", request_contact=True)]],
        resize_keyboard=True,
        one_time_keyboard=True,
    )
    return [
        GetMe(),
        SendMessage(chat_id=CHAT, text="<b>Ticket</b> #1 &amp; more", reply_markup=inline),
        SendMessage(chat_id=CHAT, text="[not json] {either}", reply_markup=reply),
        SendMessage(
            chat_id=str(CHAT),
            text="plain",
            parse_mode=None,
            disable_notification=False,
            reply_parameters=ReplyParameters(message_id=1),
        ),
        EditMessageText(chat_id=CHAT, message_id=3, text="edited", reply_markup=inline),
        AnswerCallbackQuery(callback_query_id="1", text="Done", show_alert=False),
        AnswerCallbackQuery(callback_query_id="2", text=""),  # an empty field is left out
        SetMyCommands(
            commands=[BotCommand(command="new", description="New request")],
            scope=BotCommandScopeChat(chat_id=CHAT),
            language_code="fr",
        ),
        SendPhoto(chat_id=CHAT, photo="photo-known", caption="A <i>photo</i>"),
        SendDocument(
            chat_id=CHAT, document=BufferedInputFile(SCAN, filename="export.csv"), caption="CSV"
        ),
        GetUpdates(offset=2, timeout=0, allowed_updates=["message", "callback_query"]),
        DeleteMessage(chat_id=CHAT, message_id=4),
    ]


def without_dates(value: Any) -> Any:
    """An answer without its timestamps (each fake stamps its own second)."""
    if isinstance(value, dict):
        return {k: without_dates(v) for k, v in value.items() if k not in {"date", "edit_date"}}
    if isinstance(value, list):
        return [without_dates(item) for item in value]
    return value


def record(fake: FakeTelegram) -> list[tuple[str, Any]]:
    """What the fake was asked; an upload's part, named at random by aiogram, is called
    ``upload`` (its file name, type and size are compared)."""
    recorded = []
    for method, params in fake.calls:
        named: dict[str, Any] = {}
        for key, value in params.items():
            if isinstance(value, Upload):
                named["upload"] = value
            elif isinstance(value, str) and value.startswith("attach://"):
                named[key] = "attach://upload"
            else:
                named[key] = value
        recorded.append((method, without_dates(named)))
    return recorded


async def test_both_sessions_send_the_same_calls_and_get_the_same_answers(
    bots: tuple[tuple[Bot, FakeTelegram], tuple[Bot, FakeTelegram]],
) -> None:
    (http_bot, over_http), (process_bot, in_process) = bots
    for call in calls():
        over_http_answer = await http_bot(call.model_copy())
        in_process_answer = await process_bot(call.model_copy())
        dump = getattr(over_http_answer, "model_dump", None)
        if dump is not None:
            assert without_dates(in_process_answer.model_dump()) == without_dates(dump()), call
        else:  # an accepted change's answer, unread (bot/lean_session.py)
            assert without_dates(in_process_answer) == without_dates(over_http_answer), call
    assert record(in_process) == record(over_http)
    assert len(in_process.calls) == len(calls())
    sent = in_process.calls[2][1]
    assert sent["text"] == "[not json] {either}"  # read back as text, as the server reads it
    assert sent["reply_markup"]["keyboard"][0][0]["request_contact"] is True  # an object again
    assert type(sent["parse_mode"]) is str and sent["parse_mode"] == "HTML"  # the default
    [(_, document)] = [call for call in record(in_process) if call[0] == "sendDocument"]
    assert document["upload"] == Upload("export.csv", "application/octet-stream", len(SCAN))


@pytest.mark.parametrize(
    ("fault", "call"),
    [
        (Fault("sendMessage", 429, "Too Many Requests: retry after 3", retry_after=3), None),
        (Fault("sendMessage", 502, "Bad Gateway"), None),
        (Fault("sendMessage", 403, "Forbidden: bot was blocked by the user"), None),
        (None, SendMessage(chat_id=CHAT, text="   ")),  # empty once rendered: a 400
        (None, SendMessage(chat_id=4242, text="hi")),  # nobody: chat not found
        (None, GetFile(file_id="nothing-of-the-kind")),
    ],
)
async def test_both_sessions_raise_the_same_telegram_errors(
    bots: tuple[tuple[Bot, FakeTelegram], tuple[Bot, FakeTelegram]],
    fault: Fault | None,
    call: TelegramMethod[Any] | None,
) -> None:
    raised = []
    for bot, fake in bots:
        if fault is not None:
            fake.faults.append(Fault(**vars(fault)))
        with pytest.raises(TelegramAPIError) as error:
            await bot(call or SendMessage(chat_id=CHAT, text="hi"))
        raised.append(
            (type(error.value), error.value.message, vars(error.value).get("retry_after"))
        )
    assert raised[0] == raised[1]


async def test_a_wrong_token_is_refused_alike(
    bots: tuple[tuple[Bot, FakeTelegram], tuple[Bot, FakeTelegram]],
) -> None:
    (http_bot, _), (_, in_process) = bots
    outsiders = [
        create_bot("1:wrong", str(http_bot.session.api.base).split("/bot")[0]),
        bot_on_session("1:wrong", FakeAPISession(in_process)),
    ]
    raised = []
    for outsider in outsiders:
        with pytest.raises(TelegramAPIError) as error:
            await outsider(GetMe())
        raised.append((type(error.value), error.value.message))
        await outsider.session.close()
    assert raised[0] == raised[1]


async def download(bot: Bot, fake: FakeTelegram, file_id: str | None = None) -> bytes:
    found = await bot.get_file(file_id or next(iter(fake.documents)))
    assert found.file_path is not None
    downloaded = await bot.download_file(found.file_path)
    assert downloaded is not None
    return downloaded.read()


async def test_both_sessions_download_the_same_file_and_miss_it_alike(
    bots: tuple[tuple[Bot, FakeTelegram], tuple[Bot, FakeTelegram]],
) -> None:
    contents = [await download(bot, fake) for bot, fake in bots]
    assert contents == [SCAN, SCAN]
    statuses = []
    for bot, _fake in bots:
        with pytest.raises(ClientResponseError) as error:
            await bot.download_file("documents/file_404.pdf")
        statuses.append(error.value.status)
    assert statuses == [404, 404]


def test_the_session_meets_the_contract_of_the_aiogram_it_was_written_for() -> None:
    """What FakeAPISession implements or calls of BaseSession is as it was in aiogram 3.31."""
    abstract = set(getattr(BaseSession, "__abstractmethods__", ()))
    assert abstract == {"close", "make_request", "stream_content"}
    expected: dict[Callable[..., Awaitable[Any] | Any], list[str]] = {
        BaseSession.make_request: ["self", "bot", "method", "timeout"],
        BaseSession.stream_content: [
            "self",
            "url",
            "headers",
            "timeout",
            "chunk_size",
            "raise_for_status",
        ],
        BaseSession.prepare_value: ["self", "value", "bot", "files", "_dumps_json"],
        BaseSession.check_response: ["self", "bot", "method", "status_code", "content"],
    }
    for function, parameters in expected.items():
        assert list(inspect.signature(function).parameters) == parameters, function
    assert SendMessage.__api_method__ == "sendMessage"
