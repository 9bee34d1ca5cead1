"""Filters on who is writing and what. Rights are still checked again in the services.

Every filter here is a coroutine: aiogram runs a plain function filter, a bare magic filter
(``F...``) or a dialog ``State`` in a worker thread on each check, a hand-off per router
an update passes through (dialog states are matched with ``StateFilter``).
"""

from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.enums import ChatType
from aiogram.filters import BaseFilter
from aiogram.types import Message, TelegramObject
from aiogram.utils.magic_filter import MagicFilter

from crm.permissions import Actor, require_staff
from db.models import Client, Employee

# What an aiogram middleware is handed to call on.
Handler = Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]]


class IsClient(BaseFilter):
    async def __call__(self, event: TelegramObject, actor: Actor) -> bool:
        return isinstance(actor, Client)


class IsStaff(BaseFilter):
    async def __call__(self, event: TelegramObject, actor: Actor) -> bool:
        return isinstance(actor, Employee)


class StaffOnly(BaseMiddleware):
    """On a router of staff commands: once a command matched, anyone but staff is refused
    before its words are read (a client typing ``/assign`` hears it is for staff, not how to
    spell it). ``crm.permissions`` says who is staff; the services check their own rights."""

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        require_staff(data["actor"])
        return await handler(event, data)


class InPrivateChat(BaseFilter):
    """The bot serves people in private chats; group chats get no answer."""

    async def __call__(self, message: Message) -> bool:
        return message.chat.type == ChatType.PRIVATE


class Matches(BaseFilter):
    """A magic filter (``F.photo``, ``~F.text.startswith("/")``) checked on the event loop."""

    def __init__(self, magic: MagicFilter) -> None:
        self.magic = magic

    async def __call__(self, event: TelegramObject) -> bool:
        return bool(self.magic.resolve(event))
