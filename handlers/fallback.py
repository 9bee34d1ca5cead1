"""Last in line: whatever no other handler took gets a useful answer, never silence."""

from aiogram import Router
from aiogram.types import CallbackQuery, Message

from crm.permissions import Actor, Stranger
from handlers import texts


async def unmatched_message(message: Message, actor: Actor) -> None:
    if isinstance(actor, Stranger):
        await message.answer(texts.stranger_hint())
    else:
        await message.answer(texts.not_understood())


async def unmatched_callback(query: CallbackQuery) -> None:
    # A stale or forged button: acknowledge it so the client stops spinning, change nothing.
    await query.answer()


def create_router() -> Router:
    router = Router(name=__name__)
    router.message.register(unmatched_message)
    router.callback_query.register(unmatched_callback)
    return router
