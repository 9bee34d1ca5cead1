"""A message written outside any dialog that the bot must ask about (a client's text, a file,
a contact card): what it held is kept in the dialog storage while the person chooses where it
goes, and each area that is on may offer its own choice beside the others (``BotArea.
loose_offers``: the service desk files it on a ticket, the workspace keeps a file in *my
documents*)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from aiogram.fsm.state import State, StatesGroup
from aiogram.types import InlineKeyboardButton, Message

# Where the message waits in the dialog data, as ``pending_of`` makes it.
PENDING_KEY = "pending"


class LooseMessage(StatesGroup):
    choose = State()


def attachment_of(message: Message) -> dict[str, Any] | None:
    """The photo (largest size) or document of ``message``: its kind (``photo``,
    ``document``), file ids, name, MIME type and size."""
    if message.photo:
        photo = message.photo[-1]
        return {
            "kind": "photo",
            "file_id": photo.file_id,
            "file_unique_id": photo.file_unique_id,
            "file_name": None,
            "mime_type": "image/jpeg",
            "file_size": photo.file_size,
        }
    if message.document:
        document = message.document
        return {
            "kind": "document",
            "file_id": document.file_id,
            "file_unique_id": document.file_unique_id,
            "file_name": document.file_name,
            "mime_type": document.mime_type,
            "file_size": document.file_size,
        }
    return None


def pending_of(message: Message) -> dict[str, Any]:
    """What a loose message holds: its text (or caption) and its file, if any."""
    return {"text": message.text or message.caption or "", "attachment": attachment_of(message)}


# An area's extra choices for a pending loose message (none when it has nothing to offer).
LooseOffer = Callable[[dict[str, Any]], list[InlineKeyboardButton]]


def offers_for(
    offers: Sequence[LooseOffer], pending: dict[str, Any]
) -> list[list[InlineKeyboardButton]]:
    """The rows of buttons every area offers for ``pending``."""
    return [[button] for offer in offers for button in offer(pending)]
