"""Staff and contracts: /paid, /teacher, /lesson, /terminate. Clients and strangers hear these
are for staff; the services decide which of the staff may do what."""

from __future__ import annotations

from datetime import datetime

from aiogram import Router
from aiogram.filters import Command, CommandObject
from aiogram.types import Message
from sqlalchemy.ext.asyncio import AsyncSession

from crm.contracts import assign_teacher, record_lesson, record_payment, terminate_contract
from crm.money import parse_amount
from crm.notify import Notifier
from crm.permissions import Actor
from handlers import contract_texts
from handlers.command_args import id_and_rest
from handlers.contract_cards import money_in
from handlers.filters import StaffOnly
from handlers.staff_tickets import staff_ref


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
    """``/paid <id> [amount]``: money received; with no amount, the whole balance."""
    contract_id, typed = _parse(command, "paid", rest=None)
    amount = parse_amount(typed, "amount") if typed else None
    payment = await record_payment(
        session, notifier, actor=actor, contract_id=contract_id, amount=amount, now=now
    )
    await message.answer(contract_texts.paid(payment.contract, payment, money_in(notifier, locale)))


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
    router.message.register(teacher, Command("teacher"))
    router.message.register(lesson, Command("lesson"))
    router.message.register(terminate, Command("terminate"))
    return router
