"""/help: the commands of the asker's role."""

from aiogram import Router
from aiogram.filters import Command
from aiogram.types import Message

from crm.permissions import Actor, audience_of
from handlers import texts


async def show_help(message: Message, actor: Actor) -> None:
    await message.answer(texts.help_text(audience_of(actor)))


def create_router() -> Router:
    router = Router(name=__name__)
    router.message.register(show_help, Command("help"))
    return router
