"""Staff and contracts: /paid, /teacher, /lesson, /terminate. Clients and strangers hear these
are for staff; the services decide which of the staff may do what."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from aiogram import Bot, Router
from aiogram.filters import Command, CommandObject
from aiogram.types import CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession

from crm.errors import InvalidInput
from crm.i18n import N_
from crm.money import parse_amount
from crm.notify import Notifier
from crm.permissions import Actor
from crm.school.contracts import (
    assign_teacher,
    payment_to_confirm,
    record_lesson,
    record_payment,
    terminate_contract,
)
from db.enums import PaymentMethod
from handlers.cards import answer_press
from handlers.command_args import id_and_rest, staff_ref
from handlers.filters import StaffOnly
from handlers.school import keyboards as contract_keyboards
from handlers.school import texts as contract_texts
from handlers.written import money_in


def _parse(command: CommandObject, name: str, *, rest: bool | None) -> tuple[int, str]:
    """``<contract id>`` and the words after it; InvalidInput shows the usage."""
    return id_and_rest(command, contract_texts.usage(name), rest=rest)


async def paid(
    message: Message,
    command: CommandObject,
    actor: Actor,
    session: AsyncSession,
    notifier: Notifier,
    locale: str,
    now: datetime,
) -> None:
    """``/paid <id> [amount]``: money received (with no amount, the whole balance), shown to be
    confirmed by pressing how it was paid; nothing is recorded until then."""
    contract_id, typed = _parse(command, "paid", rest=None)
    amount = (
        parse_amount(typed, "amount", language=locale, currency=notifier.currency)
        if typed
        else None
    )
    contract, amount = await payment_to_confirm(
        session, actor=actor, contract_id=contract_id, amount=amount, currency=notifier.currency
    )
    methods = [(method.value, contract_texts.method_button(method)) for method in PaymentMethod]
    await message.answer(
        contract_texts.confirm_payment(contract, amount, money_in(notifier, locale)),
        reply_markup=contract_keyboards.payment_methods(
            contract.id, _in_cents(amount), _in_cents(contract.paid), methods
        ),
    )


def _in_cents(amount: Decimal) -> int:
    return int(amount * 100)


async def payment_confirmed(
    query: CallbackQuery,
    callback_data: contract_keyboards.PaymentConfirm,
    actor: Actor,
    session: AsyncSession,
    notifier: Notifier,
    bot: Bot,
    locale: str,
    now: datetime,
) -> None:
    """A method pressed under ``/paid``'s question: the payment is recorded, once."""
    try:
        method = PaymentMethod(callback_data.method)
    except ValueError:
        raise InvalidInput(N_("That button is not valid any more.")) from None
    payment = await record_payment(
        session,
        notifier,
        actor=actor,
        contract_id=callback_data.contract_id,
        amount=Decimal(callback_data.amount) / 100,
        method=method,
        now=now,
        paid_before=Decimal(callback_data.paid) / 100,
    )
    chat_id = query.message.chat.id if query.message else query.from_user.id
    text = contract_texts.paid(payment.contract, payment, money_in(notifier, locale))
    await answer_press(bot, query, chat_id, text, None)


async def teacher(
    message: Message,
    command: CommandObject,
    actor: Actor,
    session: AsyncSession,
    notifier: Notifier,
    now: datetime,
) -> None:
    """``/teacher <id> <@username or employee id>``."""
    contract_id, who = _parse(command, "teacher", rest=True)
    contract = await assign_teacher(
        session, notifier, actor=actor, contract_id=contract_id, teacher=staff_ref(who), now=now
    )
    await message.answer(contract_texts.teacher_assigned(contract))


async def lesson(
    message: Message,
    command: CommandObject,
    actor: Actor,
    session: AsyncSession,
    notifier: Notifier,
    now: datetime,
) -> None:
    """``/lesson <id>``: one lesson given."""
    contract_id, _ = _parse(command, "lesson", rest=False)
    contract = await record_lesson(session, notifier, actor=actor, contract_id=contract_id, now=now)
    await message.answer(contract_texts.lesson_recorded(contract))


async def terminate(
    message: Message,
    command: CommandObject,
    actor: Actor,
    session: AsyncSession,
    notifier: Notifier,
    now: datetime,
) -> None:
    """``/terminate <id> <reason>``: the contract ends early."""
    contract_id, reason = _parse(command, "terminate", rest=True)
    contract = await terminate_contract(
        session, notifier, actor=actor, contract_id=contract_id, reason=reason, now=now
    )
    await message.answer(contract_texts.terminated(contract))


def create_router() -> Router:
    router = Router(name=__name__)
    router.message.middleware(StaffOnly())
    router.message.register(paid, Command("paid"))
    router.callback_query.register(payment_confirmed, contract_keyboards.PaymentConfirm.filter())
    router.message.register(teacher, Command("teacher"))
    router.message.register(lesson, Command("lesson"))
    router.message.register(terminate, Command("terminate"))
    return router
