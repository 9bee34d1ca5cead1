"""/language: choose the bot's language with a button."""

from aiogram import Bot, Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import I18n
from sqlalchemy.ext.asyncio import AsyncSession

from crm.i18n import SHIPPED_LANGUAGES
from crm.people import set_language
from crm.permissions import Actor, Stranger, audience_of
from handlers import keyboards, texts
from handlers.commands import publish_chat_commands
from handlers.i18n import STRANGER_LANGUAGE_KEY


async def ask_language(message: Message) -> None:
    await message.answer(texts.choose_language(), reply_markup=keyboards.languages())


async def language_chosen(
    query: CallbackQuery,
    callback_data: keyboards.LanguageChoice,
    actor: Actor,
    session: AsyncSession,
    state: FSMContext,
    bot: Bot,
    i18n: I18n,
) -> None:
    """Keep the choice (on the card, or in the dialog data of a stranger) and answer in it."""
    code = callback_data.code
    if code not in SHIPPED_LANGUAGES:
        await query.answer()
        return
    if isinstance(actor, Stranger):
        await state.update_data({STRANGER_LANGUAGE_KEY: code})
    else:
        await set_language(session, actor, code)
    with i18n.use_locale(code):
        await query.answer(texts.language_set(code))
        if query.message is not None:
            await bot.edit_message_text(
                text=texts.language_set(code),
                chat_id=query.message.chat.id,
                message_id=query.message.message_id,
            )
            await publish_chat_commands(bot, i18n, query.message.chat.id, audience_of(actor), code)


def create_router() -> Router:
    router = Router(name=__name__)
    router.message.register(ask_language, Command("language"))
    router.callback_query.register(language_chosen, keyboards.LanguageChoice.filter())
    return router
