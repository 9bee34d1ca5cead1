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


# The smallest baseline JPEG (one grey pixel): stand-in bytes for a photo nobody gave bytes for.
_TINY_JPEG = bytes.fromhex(
    "ffd8ffe000104a46494600010100000100010000ffdb004300080606070605080707070909080a0c140d0c0b0b"
    "0c1912130f141d1a1f1e1d1a1c1c20242e2720222c231c1c2837292c30313434341f27393d38323c2e333432"
    "ffc0000b080001000101011100ffc4001f0000010501010101010100000000000000000102030405060708090a"
    "0bffc400b5100002010303020403050504040000017d01020300041105122131410613516107227114328191"
    "a1082342b1c11552d1f02433627282090a161718191a25262728292a3435363738393a434445464748494a53"
    "5455565758595a636465666768696a737475767778797a838485868788898a92939495969798999aa2a3a4a5"
    "a6a7a8a9aab2b3b4b5b6b7b8b9bac2c3c4c5c6c7c8c9cad2d3d4d5d6d7d8d9dae1e2e3e4e5e6e7e8e9eaf1f2"
    "f3f4f5f6f7f8f9faffda0008010100003f00fbd3ffd9"
)
_JPEG_COMMENT_MAX = 65_533  # a COM segment's payload: its 2-byte length counts itself


def stand_in_bytes(size: int, mime_type: str | None) -> bytes:
    """Bytes of ``size`` (or a little more) that open as their type: a file the sandbox was
    told of by name and size only. JPEGs are padded with comment segments, PDFs with comment
    lines, anything else with spaces."""
    if mime_type == "image/jpeg":
        padding = b""
        left = max(size - len(_TINY_JPEG), 0)
        while left > 4:
            payload = min(left - 4, _JPEG_COMMENT_MAX)
            padding += b"\xff\xfe" + (payload + 2).to_bytes(2, "big") + b" " * payload
            left -= payload + 4
        return _TINY_JPEG[:2] + padding + _TINY_JPEG[2:]
    if mime_type == "application/pdf":
        head, tail = b"%PDF-1.4\n", b"\n%%EOF\n"
        return head + b"%" * max(size - len(head) - len(tail), 0) + tail
    return b"stand-in file\n".ljust(size, b" ")


def telegram_file(file_id: str, file_path: str, file_size: int) -> JSONDict:
    """The answer to ``getFile``: where the file can be downloaded, for an hour."""
    return {
        "file_id": file_id,
        "file_unique_id": unique_id(file_id),
        "file_size": file_size,
        "file_path": file_path,
    }
