"""/help: the commands of the asker's role."""

from aiogram import Router
from aiogram.filters import Command
from aiogram.types import Message

from crm.permissions import Actor, Stranger, audience_of
from handlers import keyboards, texts
from handlers.commands import Commands


async def show_help(message: Message, actor: Actor, commands: Commands) -> None:
    """The commands of the asker's role, and their main-menu keyboard (strangers keep theirs)."""
    audience = audience_of(actor)
    text = texts.help_text(audience, commands.of(audience))
    if isinstance(actor, Stranger):
        await message.answer(text)
        return
    await message.answer(text, reply_markup=keyboards.main_menu(commands, audience))


def create_router() -> Router:
    router = Router(name=__name__)
    router.message.register(show_help, Command("help"))
    return router
