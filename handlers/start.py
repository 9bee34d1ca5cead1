"""/start and registration: a stranger shares their phone number and becomes a client."""

from aiogram import Bot, F, Router
from aiogram.dispatcher.event.bases import SkipHandler
from aiogram.filters import CommandStart, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import Message
from aiogram.utils.i18n import I18n
from sqlalchemy.ext.asyncio import AsyncSession

from crm.errors import DomainError
from crm.people.telegram_clients import TelegramContact, register_client
from crm.permissions import Actor, Audience, Stranger, audience_of
from db.models import Client, Employee
from handlers import keyboards, texts
from handlers.commands import Commands
from handlers.dialogs import end_dialog
from handlers.filters import Matches
from handlers.i18n import STRANGER_LANGUAGE_KEY


class Registration(StatesGroup):
    phone = State()


async def start(
    message: Message, actor: Actor, state: FSMContext, bot: Bot, i18n: I18n, commands: Commands
) -> None:
    """Strangers are asked for their phone; clients and staff are greeted by name."""
    if isinstance(actor, Stranger):
        await state.set_state(Registration.phone)
        await message.answer(texts.ask_phone(), reply_markup=keyboards.share_phone())
        return
    await end_dialog(state)
    audience = audience_of(actor)
    if isinstance(actor, Employee):
        greeting = texts.greet_employee(actor, audience, commands.of(audience))
    else:
        greeting = texts.greet_client(actor, commands.of(audience))
    await message.answer(greeting, reply_markup=keyboards.main_menu(commands, audience))
    await commands.publish_chat(bot, i18n, message.chat.id, audience, i18n.current_locale)


async def contact_shared(
    message: Message,
    actor: Actor,
    session: AsyncSession,
    state: FSMContext,
    bot: Bot,
    i18n: I18n,
    commands: Commands,
) -> None:
    """A shared contact: the sender's own number creates (or links) their client card.
    Someone else's card from a client or staff goes on down the routers (the workspace offers
    to save it)."""
    assert message.contact is not None and message.from_user is not None
    if isinstance(actor, Employee | Client) and message.contact.user_id != message.from_user.id:
        raise SkipHandler  # someone else's card, or one of a person not on Telegram
    if isinstance(actor, Employee):
        await message.answer(
            texts.staff_need_no_card(),
            reply_markup=keyboards.main_menu(commands, audience_of(actor)),
        )
        return
    if isinstance(actor, Client):
        await message.answer(
            texts.already_registered(),
            reply_markup=keyboards.main_menu(commands, Audience.CLIENT),
        )
        return
    assert message.contact is not None and message.from_user is not None
    sender = message.from_user
    chosen_language = await state.get_value(STRANGER_LANGUAGE_KEY)
    contact = TelegramContact(
        sender_id=sender.id,
        contact_user_id=message.contact.user_id,
        phone=message.contact.phone_number,
        full_name=sender.full_name,
        username=sender.username,
        language=chosen_language or i18n.current_locale,
    )
    try:
        client, created = await register_client(session, contact)
    except DomainError as error:
        await state.set_state(Registration.phone)
        await message.answer(texts.refusal(error), reply_markup=keyboards.share_phone())
        return
    await state.clear()
    await message.answer(
        texts.registered(client, created, commands.of(Audience.CLIENT)),
        reply_markup=keyboards.main_menu(commands, Audience.CLIENT),
    )
    await commands.publish_chat(
        bot, i18n, message.chat.id, Audience.CLIENT, client.language or i18n.current_locale
    )


async def remind_phone(message: Message) -> None:
    """Anything but a contact while registering: show the button again."""
    await message.answer(texts.remind_phone(), reply_markup=keyboards.share_phone())


def create_router() -> Router:
    router = Router(name=__name__)
    router.message.register(start, CommandStart())
    router.message.register(contact_shared, Matches(F.contact))
    router.message.register(remind_phone, StateFilter(Registration.phone))
    return router
