"""Filters on who is writing. Rights are still checked again in the services."""

from aiogram.filters import BaseFilter
from aiogram.types import TelegramObject

from crm.permissions import Actor
from db.models import Client, Employee


class IsClient(BaseFilter):
    async def __call__(self, event: TelegramObject, actor: Actor) -> bool:
        return isinstance(actor, Client)


class IsStaff(BaseFilter):
    async def __call__(self, event: TelegramObject, actor: Actor) -> bool:
        return isinstance(actor, Employee)
