"""Clients and the school: the catalog (/languages, /teachers) and signing a contract
(/contract: a language, a number of lessons, a branch when there are several, the price,
confirm). Strangers never get here: they are asked to register first."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from aiogram import F, Router
from aiogram.filters import Command, StateFilter, or_f
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession

from crm.errors import InvalidInput
from crm.notify import Notifier
from crm.school.contracts import ContractDraft, branches, price_of, sign_contract
from crm.school.languages import active_languages, discount_tiers, get_language, teachers
from crm.school.notices import contract_subject
from crm.school.rules import COMMON_LESSON_COUNTS, MAX_LESSONS
from db.models import Client
from handlers import texts
from handlers.dialogs import end_dialog
from handlers.filters import IsClient, IsStaff, Matches
from handlers.replies import about
from handlers.school import keyboards as contract_keyboards
from handlers.school import texts as contract_texts
from handlers.written import Money, money_in

DRAFT_KEY = "contract"
# A whole number as people type it (ASCII digits: int() would also read "٣").
_NUMBER = re.compile(r"[+-]?\d+")
_DIGITS = len(str(MAX_LESSONS)) + 1


class SignContract(StatesGroup):
    language = State()
    lessons = State()
    branch = State()
    confirm = State()


async def show_languages(
    message: Message, session: AsyncSession, notifier: Notifier, locale: str
) -> None:
    """``/languages``: what the school teaches, at what price, and the discounts."""
    await message.answer(
        contract_texts.catalog(
            await active_languages(session),
            await discount_tiers(session),
            money_in(notifier, locale),
        )
    )


async def show_teachers(message: Message, session: AsyncSession) -> None:
    """``/teachers``: who teaches what, their experience and branch."""
    await message.answer(contract_texts.teacher_list(await teachers(session)))


async def start_contract(
    message: Message, session: AsyncSession, state: FSMContext, notifier: Notifier, locale: str
) -> None:
    """``/contract``: the first question, a button per language with its price per lesson."""
    languages = await active_languages(session)
    await state.update_data({DRAFT_KEY: {}})
    if not languages:
        await end_dialog(state)
        await message.answer(contract_texts.choose_language(languages))
        return
    money = money_in(notifier, locale)
    await state.set_state(SignContract.language)
    await message.answer(
        contract_texts.choose_language(languages),
        reply_markup=contract_keyboards.contract_choices(
            "language",
            [(lang.id, contract_texts.language_button(lang, money)) for lang in languages],
        ),
    )


async def _draft(state: FSMContext, step: State) -> dict[str, Any] | None:
    """The dialog's answers so far, if the chat is at ``step`` of it."""
    if await state.get_state() != step.state:
        return None
    draft = await state.get_value(DRAFT_KEY)
    return draft if isinstance(draft, dict) else None


async def _ask_lessons(message: Message, session: AsyncSession, language_id: int) -> None:
    language = await get_language(session, language_id)
    await message.answer(
        contract_texts.choose_lessons(language),
        reply_markup=contract_keyboards.contract_choices(
            "lessons", [(count, str(count)) for count in COMMON_LESSON_COUNTS], per_row=4
        ),
    )


async def _lessons_given(
    message: Message,
    session: AsyncSession,
    state: FSMContext,
    draft: dict[str, Any],
    lessons: int,
    money: Money,
) -> None:
    """A number of lessons: refused with the question again, or on to the branch or summary."""
    try:
        await price_of(session, draft["language_id"], lessons)
    except InvalidInput as error:
        await message.answer(texts.refusal(error))
        await _ask_lessons(message, session, draft["language_id"])
        return
    draft = {**draft, "lessons": lessons, "branch_id": None}
    known = await branches(session)
    if len(known) > 1:
        await state.update_data({DRAFT_KEY: draft})
        await state.set_state(SignContract.branch)
        await message.answer(
            contract_texts.choose_branch(),
            reply_markup=contract_keyboards.contract_choices(
                "branch", [(b.id, contract_texts.branch_button(b)) for b in known]
            ),
        )
        return
    if known:
        draft["branch_id"] = known[0].id
    await _summarise(message, session, state, draft, money)


async def _summarise(
    message: Message,
    session: AsyncSession,
    state: FSMContext,
    draft: dict[str, Any],
    money: Money,
) -> None:
    priced = await price_of(session, draft["language_id"], draft["lessons"])
    branch = next((b for b in await branches(session) if b.id == draft["branch_id"]), None)
    await state.update_data({DRAFT_KEY: draft})
    await state.set_state(SignContract.confirm)
    await message.answer(
        contract_texts.summary(priced, branch, money),
        reply_markup=contract_keyboards.contract_choices(
            "confirm",
            [(1, contract_texts.confirm_button()), (0, contract_texts.drop_button())],
            per_row=2,
        ),
    )


async def lessons_typed(
    message: Message,
    session: AsyncSession,
    state: FSMContext,
    notifier: Notifier,
    locale: str,
) -> None:
    """A number of lessons typed instead of pressed."""
    draft = await _draft(state, SignContract.lessons)
    assert draft is not None  # the state filter let only this step in
    typed = (message.text or "").strip()
    if not (typed.isascii() and _NUMBER.fullmatch(typed)):
        await message.answer(contract_texts.not_a_number(typed))
        await _ask_lessons(message, session, draft["language_id"])
        return
    # More digits than any contract holds is simply too many (int() of them is not needed).
    lessons = int(typed) if len(typed.lstrip("+-")) <= _DIGITS else MAX_LESSONS + 1
    await _lessons_given(message, session, state, draft, lessons, money_in(notifier, locale))


async def step_chosen(
    query: CallbackQuery,
    callback_data: contract_keyboards.ContractStep,
    actor: Client,
    session: AsyncSession,
    state: FSMContext,
    notifier: Notifier,
    locale: str,
    now: datetime,
) -> None:
    """A button of the dialog; one pressed out of turn (an old message) changes nothing."""
    await query.answer()
    if not isinstance(query.message, Message):
        return
    message, step, value = query.message, callback_data.step, callback_data.value
    money = money_in(notifier, locale)
    steps = {
        "language": SignContract.language,
        "lessons": SignContract.lessons,
        "branch": SignContract.branch,
        "confirm": SignContract.confirm,
    }
    draft = await _draft(state, steps[step]) if step in steps else None
    if draft is None:
        await message.answer(contract_texts.nothing_pending())
        return
    await message.edit_reply_markup(reply_markup=None)
    if step == "language":
        await price_of(session, value, 1)  # refuses a language not taught (or not there)
        await state.update_data({DRAFT_KEY: {"language_id": value}})
        await state.set_state(SignContract.lessons)
        await _ask_lessons(message, session, value)
    elif step == "lessons":
        await _lessons_given(message, session, state, draft, value, money)
    elif step == "branch":
        await _summarise(message, session, state, {**draft, "branch_id": value}, money)
    elif not value:
        await end_dialog(state)
        await message.answer(contract_texts.not_signed())
    else:
        contract = await sign_contract(
            session,
            notifier,
            actor=actor,
            client=actor,
            draft=ContractDraft(draft["language_id"], draft["lessons"], draft["branch_id"]),
            now=now,
        )
        await end_dialog(state)
        with about(contract_subject(contract.id)):
            await message.answer(contract_texts.signed(contract, money))


def create_router() -> Router:
    router = Router(name=__name__)
    known = or_f(IsClient(), IsStaff())
    router.message.register(show_languages, Command("languages"), known)
    router.message.register(show_teachers, Command("teachers"), known)
    router.message.register(start_contract, Command("contract"), IsClient())
    router.message.register(
        lessons_typed,
        StateFilter(SignContract.lessons),
        IsClient(),
        Matches(F.text & ~F.text.startswith("/")),
    )
    router.callback_query.register(
        step_chosen, contract_keyboards.ContractStep.filter(), IsClient()
    )
    return router
