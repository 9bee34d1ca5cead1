"""What a send or an edit made, as its readers need it, whichever way the answer was read."""

from __future__ import annotations

from typing import Any

from aiogram.types import Message


def sent_message_ids(result: Any) -> tuple[int, int] | None:
    """(chat id, message id) of what a send or an edit made: from a ``Message`` (the full
    reading, the tests' in-process session) or from its JSON (``LeanSession``)."""
    if isinstance(result, Message):
        return result.chat.id, result.message_id
    if isinstance(result, dict):
        chat = result.get("chat")
        message_id = result.get("message_id")
        if (
            isinstance(chat, dict)
            and isinstance(chat.get("id"), int)
            and isinstance(message_id, int)
        ):
            return chat["id"], message_id
    return None
