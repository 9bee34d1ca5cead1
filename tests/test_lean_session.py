"""The product's Bot API session (bot/lean_session.py) leaves an accepted change's answer as its
JSON, unread, and reads everything else as aiogram does: questions into their types, refusals
into aiogram's errors. It builds on two things aiogram does not promise (the signature of
``check_response``, and ``make_request`` returning its ``result``); a release that changes
them fails here."""

from __future__ import annotations

import inspect

import pytest
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.session.base import BaseSession
from aiogram.exceptions import TelegramBadRequest, TelegramRetryAfter
from aiogram.methods import GetMe, SendMessage
from aiogram.types import Message, User

from bot.factory import create_bot
from bot.lean_session import LeanSession
from bot.sandbox.chat import Fault, SandboxUser
from bot.sandbox.telegram import FakeTelegram
from notifications.sent import sent_message_ids
from tests.conftest import BOT_TOKEN, fake_bot_api

CHAT = 7101


def test_aiogram_still_reads_answers_where_the_lean_session_steps_in() -> None:
    parameters = list(inspect.signature(BaseSession.check_response).parameters)
    assert parameters == ["self", "bot", "method", "status_code", "content"]
    assert "response.result" in inspect.getsource(AiohttpSession.make_request)
    assert "self.check_response(" in inspect.getsource(AiohttpSession.make_request)


async def test_a_sent_message_is_its_json_and_questions_and_refusals_read_as_before() -> None:
    fake = FakeTelegram(BOT_TOKEN)
    fake.add_user(SandboxUser(id=CHAT, first_name="Maria", language_code="en"))
    fake.send_text(CHAT, "Hello")
    async with fake_bot_api(fake=fake) as (_, url):
        bot = create_bot(BOT_TOKEN, url)
        try:
            assert isinstance(bot.session, LeanSession)
            sent = await bot(SendMessage(chat_id=CHAT, text="<b>hi</b>"))
            assert not isinstance(sent, Message) and isinstance(sent, dict)
            ids = sent_message_ids(sent)
            assert ids is not None and ids[0] == CHAT and ids[1] == sent["message_id"]
            assert isinstance(await bot(GetMe()), User)  # a question: read into its type
            fake.faults.append(Fault("sendMessage", 429, "Too Many Requests", retry_after=3))
            with pytest.raises(TelegramRetryAfter) as waited:
                await bot(SendMessage(chat_id=CHAT, text="again"))
            assert waited.value.retry_after == 3
            with pytest.raises(TelegramBadRequest):
                await bot(SendMessage(chat_id=CHAT, text="   "))
        finally:
            await bot.session.close()
