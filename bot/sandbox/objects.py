"""Telegram objects as the Bot API writes them: users, chats, photo sizes, documents, messages.

The one place the fake builds what it answers and what it delivers, so every method says the
same thing, with the fields real Telegram always sends: aiogram refuses an answer that lacks
one it requires (``ClientDecodeError``), and the bot may rely on the others.
"""

from __future__ import annotations

from bot.sandbox.chat import ChatMessage, JSONDict, SandboxUser


def unique_id(file_id: str) -> str:
    """The file's ``file_unique_id``: the same for every ``file_id`` of one file."""
    return f"u{file_id}"


def bot_user(bot_id: int, username: str) -> JSONDict:
    """The bot as the ``from`` of its messages."""
    return {"id": bot_id, "is_bot": True, "first_name": "Frontdoor", "username": username}


def me(bot: JSONDict) -> JSONDict:
    """The answer to ``getMe``: the bot, with the capabilities only ``getMe`` reports."""
    return {
        **bot,
        "can_join_groups": False,
        "can_read_all_group_messages": False,
        "supports_inline_queries": False,
        "can_connect_to_business": False,
        "has_main_web_app": False,
    }


def private_chat(person: SandboxUser) -> JSONDict:
    """The private chat with ``person``."""
    chat: JSONDict = {"id": person.id, "type": "private", "first_name": person.first_name}
    if person.last_name:
        chat["last_name"] = person.last_name
    if person.username:
        chat["username"] = person.username
    return chat


def photo_sizes(file_id: str) -> list[JSONDict]:
    """The sizes Telegram keeps of a photo whose largest size is ``file_id``, smallest first."""
    thumbnail = f"{file_id}-s"
    return [
        {
            "file_id": thumbnail,
            "file_unique_id": unique_id(thumbnail),
            "width": 90,
            "height": 68,
            "file_size": 1_400,
        },
        {
            "file_id": file_id,
            "file_unique_id": unique_id(file_id),
            "width": 1280,
            "height": 960,
            "file_size": 182_000,
        },
    ]


def document(
    file_id: str,
    *,
    file_name: str | None = None,
    mime_type: str | None = None,
    file_size: int | None = None,
) -> JSONDict:
    """A general file; Telegram always sends its ``file_id`` and ``file_unique_id``."""
    found: JSONDict = {"file_id": file_id, "file_unique_id": unique_id(file_id)}
    optional = {"file_name": file_name, "mime_type": mime_type, "file_size": file_size}
    return found | {key: value for key, value in optional.items() if value is not None}


def command_entities(text: str) -> list[JSONDict]:
    """The ``bot_command`` entity Telegram marks at the start of ``/command ...``."""
    if not text.startswith("/"):
        return []
    return [{"type": "bot_command", "offset": 0, "length": len(text.split(maxsplit=1)[0])}]


def message(
    said: ChatMessage,
    *,
    person: SandboxUser,
    bot: JSONDict,
    reply_to: ChatMessage | None = None,
    edit_date: int | None = None,
) -> JSONDict:
    """``said`` in the private chat with ``person``; ``reply_to`` is the message it answers.

    Telegram nests the replied-to message one level only: its own reply is left out.
    """
    payload: JSONDict = {
        "message_id": said.message_id,
        "date": said.date,
        "chat": private_chat(person),
        "from": bot if said.from_bot else person.as_api(),
    }
    if said.photo is not None or said.document is not None:
        if said.text:
            payload["caption"] = said.text
        if said.photo is not None:
            payload["photo"] = photo_sizes(said.photo)
        if said.document is not None:
            payload["document"] = said.document
    elif said.text:
        payload["text"] = said.text
        if not said.from_bot and command_entities(said.text):
            payload["entities"] = command_entities(said.text)
    if said.contact:
        payload["contact"] = said.contact
    if reply_to is not None:
        payload["reply_to_message"] = message(reply_to, person=person, bot=bot)
    if said.reply_markup and "inline_keyboard" in said.reply_markup:
        payload["reply_markup"] = said.reply_markup
    if edit_date is not None:
        payload["edit_date"] = edit_date
    return payload
