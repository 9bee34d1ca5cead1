"""/language: choose the bot's language with a button."""

from aiogram import Bot, Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import I18n
from sqlalchemy.ext.asyncio import AsyncSession

from crm.i18n import SHIPPED_LANGUAGES
from crm.people.identity import set_language
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
    audience = audience_of(actor)
    with i18n.use_locale(code):
        await query.answer(texts.language_set(code))
        if query.message is None:
            return
        chat_id = query.message.chat.id
        if isinstance(actor, Stranger):  # their only keyboard is the one that shares a phone
            await bot.edit_message_text(
                text=texts.language_set(code), chat_id=chat_id, message_id=query.message.message_id
            )
        else:
            # The main keyboard is a reply keyboard, which an edit cannot change: the choice
            # loses its buttons and the confirmation brings the keyboard in the new language.
            await bot.edit_message_reply_markup(
                chat_id=chat_id, message_id=query.message.message_id, reply_markup=None
            )
            await bot.send_message(
                chat_id, texts.language_set(code), reply_markup=keyboards.main_menu(audience)
            )
        await publish_chat_commands(bot, i18n, chat_id, audience, code)


def create_router() -> Router:
    router = Router(name=__name__)
    router.message.register(ask_language, Command("language"))
    router.callback_query.register(language_chosen, keyboards.LanguageChoice.filter())
    return router
