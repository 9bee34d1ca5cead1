"""Showing contracts: /contracts (a client's own, or those a teacher teaches), the card, and the
buttons under it and under the notifications ("ct:view|teacher|lesson:<id>"). Every press is
authorised again by the service it calls."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from aiogram import Bot, Router
from aiogram.filters import Command, CommandObject, or_f
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from sqlalchemy.ext.asyncio import AsyncSession

from crm.errors import DomainError, InvalidInput
from crm.i18n import N_
from crm.ids import parse_id
from crm.notify import Notifier
from crm.people.staff_search import StaffRef
from crm.permissions import Actor, is_helper, is_manager
from crm.school.contracts import (
    assign_teacher,
    contract_for,
    contract_to_change,
    contracts_of,
    record_lesson,
)
from crm.school.languages import teachers
from crm.school.notices import client_wrote, contract_subject
from crm.school.rules import actions
from db.models import Client, Contract, Employee
from handlers.cards import answer_press, send_long
from handlers.filters import IsClient, IsStaff
from handlers.replies import ReplyContext, about
from handlers.school import keyboards as contract_keyboards
from handlers.school import texts as contract_texts
from handlers.written import Money, money_in

# The card's buttons in their order, and the action of ``crm.school.rules.actions`` each stands
# for: choose the teacher, a lesson given. The rest is done with commands (/paid, /terminate) or
# on the site.
BUTTONS = (("teacher", "assign"), ("lesson", "lesson"))


def card_markup(contract: Contract, actor: Actor) -> InlineKeyboardMarkup | None:
    """The buttons ``actor`` gets under the card: those of ``BUTTONS`` that
    ``crm.school.rules.actions`` allows them (the site's page reads the same)."""
    allowed = actions(actor, contract)
    return contract_keyboards.contract_actions(
        [
            (contract_texts.action_label(button), button)
            for button, action in BUTTONS
            if action in allowed
        ],
        contract.id,
    )


async def send_card(
    bot: Bot, chat_id: int, contract: Contract, actor: Actor, money: Money, zone: ZoneInfo
) -> None:
    """The card as new messages; a reply to it is about the contract."""
    text = contract_texts.card(contract, money, for_staff=isinstance(actor, Employee), zone=zone)
    with about(contract_subject(contract.id)):
        await send_long(bot, chat_id, text, card_markup(contract, actor))


async def list_contracts(
    message: Message,
    command: CommandObject,
    actor: Actor,
    session: AsyncSession,
    notifier: Notifier,
    bot: Bot,
    locale: str,
) -> None:
    """``/contracts``: a client's own contracts, or the ones a teacher teaches, a button each;
    ``/contracts 4``: that contract's card, for whoever may see it."""
    money = money_in(notifier, locale)
    typed = (command.args or "").strip()
    if typed:
        contract_id = parse_id(typed.lstrip("#"))
        if contract_id is None:
            raise InvalidInput(contract_texts.usage("contracts"))
        contract = await contract_for(session, actor=actor, contract_id=contract_id)
        await send_card(bot, message.chat.id, contract, actor, money, notifier.zone)
        return
    contracts = await contracts_of(session, actor=actor)
    if isinstance(actor, Client):
        text = contract_texts.client_contracts(contracts, money)
        labels = [(contract.id, contract_texts.label(contract)) for contract in contracts]
    elif is_manager(actor):
        text = contract_texts.all_contracts(contracts)
        labels = [(contract.id, contract_texts.staff_label(contract)) for contract in contracts]
    elif is_helper(actor):
        text = contract_texts.helped_contracts(contracts)
        labels = [(contract.id, contract_texts.staff_label(contract)) for contract in contracts]
    else:
        text = contract_texts.teacher_contracts(contracts)
        labels = [(contract.id, contract_texts.staff_label(contract)) for contract in contracts]
    await message.answer(text, reply_markup=contract_keyboards.contract_list(labels))


async def on_contract_button(
    query: CallbackQuery,
    callback_data: contract_keyboards.ContractAction,
    actor: Actor,
    session: AsyncSession,
    notifier: Notifier,
    bot: Bot,
    locale: str,
    now: datetime,
) -> None:
    """A button under a card, a listing or a notification."""
    action, contract_id = callback_data.action, callback_data.contract_id
    chat_id = query.message.chat.id if query.message else query.from_user.id
    money = money_in(notifier, locale)
    if action == "view":
        contract = await contract_for(session, actor=actor, contract_id=contract_id)
        await query.answer()
        await send_card(bot, chat_id, contract, actor, money, notifier.zone)
        return
    if action == "teacher":
        contract = await contract_to_change(session, actor=actor, contract_id=contract_id)
        candidates = await teachers(session, contract.language_id)
        await query.answer()
        if not candidates:
            await bot.send_message(chat_id, contract_texts.nobody_teaches(contract))
            return
        await bot.send_message(
            chat_id,
            contract_texts.choose_teacher(contract),
            reply_markup=contract_keyboards.teachers(
                contract.id, [(t.id, contract_texts.teacher_button(t)) for t in candidates]
            ),
        )
        return
    if action != "lesson":
        raise InvalidInput(N_("That button is not valid any more."))
    contract = await record_lesson(session, notifier, actor=actor, contract_id=contract_id, now=now)
    answer = contract_texts.lesson_recorded(contract)
    # The buttons under the card now match the contract (no "lesson" once it is completed).
    await answer_press(bot, query, chat_id, answer, card_markup(contract, actor))


async def on_teacher_chosen(
    query: CallbackQuery,
    callback_data: contract_keyboards.TeacherChoice,
    actor: Actor,
    session: AsyncSession,
    notifier: Notifier,
    bot: Bot,
    now: datetime,
) -> None:
    """An administrator picked the teacher; the service checks the right and the language."""
    contract = await assign_teacher(
        session,
        notifier,
        actor=actor,
        contract_id=callback_data.contract_id,
        teacher=StaffRef(employee_id=callback_data.employee_id),
        now=now,
    )
    answer = contract_texts.teacher_assigned(contract)
    await query.answer()
    if isinstance(query.message, Message):
        await query.message.edit_reply_markup(reply_markup=None)
    chat_id = query.message.chat.id if query.message else query.from_user.id
    await bot.send_message(chat_id, answer)


def create_router() -> Router:
    router = Router(name=__name__)
    router.message.register(list_contracts, Command("contracts"), or_f(IsClient(), IsStaff()))
    router.callback_query.register(on_contract_button, contract_keyboards.ContractAction.filter())
    router.callback_query.register(on_teacher_chosen, contract_keyboards.TeacherChoice.filter())
    return router


async def file_reply_on_contract(message: Message, contract_id: int, context: ReplyContext) -> bool:
    """A client's Telegram reply to a message about their contract goes to its teacher; with
    no teacher yet (or not theirs) they are asked like for any other message."""
    text = message.text or message.caption
    if not isinstance(context.actor, Client) or not text:
        return False
    try:
        contract = await contract_for(context.session, actor=context.actor, contract_id=contract_id)
    except DomainError:
        return False
    if not await client_wrote(context.session, context.notifier, contract, text, now=context.now):
        return False
    with about(contract_subject(contract.id)):
        await message.answer(contract_texts.sent_to_teacher(contract))
    return True
