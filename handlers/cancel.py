"""/cancel: leave any dialog. First in line, so it works whatever state a chat is in."""

from aiogram import Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.types import Message

from crm.permissions import Actor, audience_of
from handlers import keyboards, texts
from handlers.commands import Commands
from handlers.dialogs import end_dialog


async def cancel(message: Message, state: FSMContext, actor: Actor, commands: Commands) -> None:
    """Drop the dialog state (a stranger's chosen language is kept); back to the main menu."""
    menu = keyboards.main_menu(commands, audience_of(actor))
    if await state.get_state() is None:
        await message.answer(texts.nothing_to_cancel(), reply_markup=menu)
        return
    await end_dialog(state)
    await message.answer(texts.cancelled(), reply_markup=menu)


def create_router() -> Router:
    router = Router(name=__name__)
    router.message.register(cancel, Command("cancel"))
    return router
