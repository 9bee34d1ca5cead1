"""The fake Bot API checks HTML the way Telegram does, so escaping bugs fail tests."""

from __future__ import annotations

import pytest

from bot.sandbox.chat import BotAPIError, SandboxUser
from bot.sandbox.markup import EntityParseError, html_to_plain, utf16_length
from bot.sandbox.telegram import FakeTelegram


def test_tags_are_stripped_and_entities_decoded() -> None:
    assert html_to_plain("<b>Ticket</b> &lt;#12&gt; &amp; <i>more</i>") == "Ticket <#12> & more"
    assert html_to_plain('<a href="https://example.com">link</a>') == "link"


@pytest.mark.parametrize(
    "text",
    ["<script>alert(1)</script>", "a < b", "Tom & Jerry", "<b>open", "<b>x</i>", "</b>"],
)
def test_what_telegram_refuses_is_refused(text: str) -> None:
    with pytest.raises(EntityParseError, match="can't parse entities"):
        html_to_plain(text)


def test_length_counts_utf16_units() -> None:
    assert utf16_length("abc") == 3
    assert utf16_length("😀") == 2


def test_a_message_too_long_or_empty_is_refused() -> None:
    fake = FakeTelegram("1:token")
    fake.add_user(SandboxUser(id=5, first_name="A"))
    with pytest.raises(BotAPIError, match="too long"):
        fake.call("sendMessage", {"chat_id": 5, "text": "x" * 4097})
    with pytest.raises(BotAPIError, match="empty"):
        fake.call("sendMessage", {"chat_id": 5, "text": "<b></b>", "parse_mode": "HTML"})
    sent = fake.call("sendMessage", {"chat_id": 5, "text": "x" * 4096})
    assert sent["text"] == "x" * 4096


def test_unknown_chats_and_oversized_buttons_are_refused() -> None:
    fake = FakeTelegram("1:token")
    with pytest.raises(BotAPIError, match="chat not found"):
        fake.call("sendMessage", {"chat_id": 404, "text": "hi"})
    fake.add_user(SandboxUser(id=5, first_name="A"))
    markup = {"inline_keyboard": [[{"text": "x", "callback_data": "d" * 65}]]}
    with pytest.raises(BotAPIError, match="BUTTON_DATA_INVALID"):
        fake.call("sendMessage", {"chat_id": 5, "text": "hi", "reply_markup": markup})


def test_a_blocked_chat_answers_403() -> None:
    fake = FakeTelegram("1:token")
    fake.add_user(SandboxUser(id=5, first_name="A"))
    fake.blocked_chats.add(5)
    with pytest.raises(BotAPIError) as raised:
        fake.call("sendMessage", {"chat_id": 5, "text": "hi"})
    assert raised.value.status == 403
