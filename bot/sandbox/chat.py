"""What the fake Bot API keeps and says: its users, their messages, its errors and faults."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

MAX_TEXT_LENGTH = 4096
MAX_CAPTION_LENGTH = 1024
MAX_CALLBACK_DATA_BYTES = 64
JSONDict = dict[str, Any]


class BotAPIError(Exception):
    """An error answer of the Bot API: HTTP status, description and optional parameters."""

    def __init__(self, status: int, description: str, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.retry_after = retry_after

    def payload(self) -> JSONDict:
        body: JSONDict = {"ok": False, "error_code": self.status, "description": self.description}
        if self.retry_after is not None:
            body["parameters"] = {"retry_after": self.retry_after}
        return body


@dataclass
class SandboxUser:
    """A Telegram account the sandbox can act as."""

    id: int
    first_name: str
    last_name: str | None = None
    username: str | None = None
    language_code: str | None = None
    phone: str | None = None

    def as_api(self) -> JSONDict:
        user: JSONDict = {"id": self.id, "is_bot": False, "first_name": self.first_name}
        for key in ("last_name", "username", "language_code"):
            if getattr(self, key):
                user[key] = getattr(self, key)
        return user

    @property
    def full_name(self) -> str:
        return " ".join(part for part in (self.first_name, self.last_name) if part)


@dataclass
class ChatMessage:
    """One message in a private chat, as Telegram keeps it."""

    message_id: int
    chat_id: int
    from_bot: bool
    text: str
    date: int
    html: str | None = None
    reply_markup: JSONDict | None = None
    contact: JSONDict | None = None
    reply_to: int | None = None
    edited: bool = False
    photo: str | None = None  # file_id of the largest size
    document: JSONDict | None = None

    def buttons(self) -> list[str]:
        """Texts of the inline buttons under this message, row by row."""
        rows = (self.reply_markup or {}).get("inline_keyboard", [])
        return [button["text"] for row in rows for button in row]


@dataclass
class Upload:
    """A file the bot uploaded with its request; the sandbox keeps its name, not its contents."""

    file_name: str
    mime_type: str
    file_size: int


@dataclass
class Fault:
    """A failure to answer instead of the real result."""

    method: str
    status: int
    description: str
    retry_after: int | None = None
    chat_id: int | None = None
    times: int | None = 1  # None: until cleared
