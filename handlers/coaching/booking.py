"""/book: a client's coaching request in a short dialog — a domain, a coach of it (their bio,
rate and expertise shown; or any coach of the domain), a preferred date and time, a message
(or /skip). Nothing is kept until the last step; /cancel leaves, and a button of a dialog no
longer under way changes nothing. The request is sent by ``crm.coaching.requests``."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from aiogram import Bot, F, Router
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import get_i18n
from sqlalchemy.ext.asyncio import AsyncSession

from crm.coaching.catalog import bookable_domains, domain_coaches
from crm.coaching.coach_hours import coach_days, open_times
from crm.coaching.requests import request_for, send_request
from crm.coaching.rules import check_start
from crm.errors import InvalidInput, NotFound
from crm.i18n import N_
from crm.moments import button_day, example_moment, parse_moment, written_clock
from crm.notify import Notifier
from crm.settings import Settings
from db.models import Client
from handlers import texts
from handlers.cards import send_long
from handlers.coaching import booking_texts
from handlers.coaching import keyboards as coaching_keyboards
from handlers.coaching.sessions import shown_in
from handlers.dialogs import end_dialog
from handlers.filters import IsClient, IsStaff, Matches
from handlers.written import Money, money_in

DRAFT_KEY = "booking"


class BookCoaching(StatesGroup):
    domain = State()
    coach = State()
    moment = State()
    message = State()


async def _draft(state: FSMContext, step: State) -> dict[str, Any] | None:
    """The answers so far, if the chat is at ``step`` of the dialog."""
    if await state.get_state() != step.state:
        return None
    draft = await state.get_value(DRAFT_KEY)
    return draft if isinstance(draft, dict) else None


async def start_booking(message: Message, session: AsyncSession, state: FSMContext) -> None:
    """``/book``: a button per domain some coach works in."""
    domains = await bookable_domains(session)
    if not domains:
        await end_dialog(state)
        await message.answer(booking_texts.no_domains())
        return
    await state.set_state(BookCoaching.domain)
    await state.update_data({DRAFT_KEY: {}})
    await message.answer(
        booking_texts.ask_domain(),
        reply_markup=coaching_keyboards.booking_choices(
            "domain", [(domain.id, domain.name[:60]) for domain in domains]
        ),
    )


async def staff_book(message: Message) -> None:
    await message.answer(booking_texts.for_clients())


async def _domain_chosen(
    query: CallbackQuery,
    message: Message,
    bot: Bot,
    session: AsyncSession,
    state: FSMContext,
    domain_id: int,
    money: Money,
) -> None:
    domain, profiles = await domain_coaches(session, domain_id)
    await query.answer()
    await message.edit_reply_markup(reply_markup=None)
    if not profiles:
        await end_dialog(state)
        await message.answer(booking_texts.no_coaches(domain))
        return
    await state.set_state(BookCoaching.coach)
    await state.update_data({DRAFT_KEY: {"domain_id": domain.id}})
    choices = [(p.employee_id, p.employee.full_name[:60]) for p in profiles]
    choices.append((0, booking_texts.any_coach_button(domain)))
    await send_long(
        bot,
        message.chat.id,
        booking_texts.coaches(domain, profiles, money),
        coaching_keyboards.booking_choices("coach", choices),
    )


async def step_chosen(
    query: CallbackQuery,
    callback_data: coaching_keyboards.BookingStep,
    session: AsyncSession,
    state: FSMContext,
    notifier: Notifier,
    settings: Settings,
    bot: Bot,
    locale: str,
    now: datetime,
) -> None:
    """A domain, a coach, a day or a time pressed; a button of a dialog no longer under way
    changes nothing."""
    steps = {
        "domain": BookCoaching.domain,
        "coach": BookCoaching.coach,
        "day": BookCoaching.moment,
        "time": BookCoaching.moment,
    }
    draft = await _draft(state, steps[callback_data.step]) if callback_data.step in steps else None
    if draft is None or not isinstance(query.message, Message):
        await query.answer(booking_texts.stale_choice(), show_alert=True)
        return
    message = query.message
    if callback_data.step == "domain":
        await _domain_chosen(
            query, message, bot, session, state, callback_data.value, money_in(notifier, locale)
        )
        return
    if callback_data.step in ("day", "time"):
        await _moment_pressed(query, callback_data, message, state, settings, draft, now)
        return
    coach_id = callback_data.value or None
    availability = None
    if coach_id is not None:
        _domain, profiles = await domain_coaches(session, int(draft["domain_id"]))
        chosen = [profile for profile in profiles if profile.employee_id == coach_id]
        if not chosen:
            raise NotFound(N_("no such coach in that domain"), field="coach_id")
        availability = chosen[0].availability
    await query.answer()
    await message.edit_reply_markup(reply_markup=None)
    await state.set_state(BookCoaching.moment)
    await state.update_data(
        {DRAFT_KEY: {**draft, "coach_id": coach_id, "availability": availability}}
    )
    await message.answer(
        _ask_moment(settings, now, availability),
        reply_markup=_day_buttons(availability, settings, now),
    )


def _ask_moment(settings: Settings, now: datetime, availability: str | None) -> str:
    example = example_moment(now, settings.zone, get_i18n().current_locale)
    return booking_texts.ask_moment(settings.timezone, example, availability)


def _day_buttons(
    availability: str | None, settings: Settings, now: datetime
) -> InlineKeyboardMarkup:
    """The next days the coach works, a button each."""
    language = get_i18n().current_locale
    days = coach_days(availability, now, settings.zone)
    return coaching_keyboards.booking_grid(
        "day", [(day.toordinal(), button_day(day, language)) for day in days], per_row=3
    )


async def _moment_pressed(
    query: CallbackQuery,
    callback_data: coaching_keyboards.BookingStep,
    message: Message,
    state: FSMContext,
    settings: Settings,
    draft: dict[str, Any],
    now: datetime,
) -> None:
    """A day pressed shows its times; a time pressed is the preferred moment."""
    availability = draft.get("availability")
    offered = {day.toordinal(): day for day in coach_days(availability, now, settings.zone)}
    if callback_data.step == "day":
        # Only a day still offered: a forged or stale one is refused, never read.
        day = offered.get(callback_data.value, date.min)
        times = open_times(availability, day, now, settings.zone) if day in offered.values() else []
        if not times:
            await query.answer(booking_texts.stale_choice(), show_alert=True)
            return
        await query.answer()
        await state.update_data({DRAFT_KEY: {**draft, "day": day.toordinal()}})
        language = get_i18n().current_locale
        choices = [
            (start.hour * 60 + start.minute, written_clock(start, language)) for start in times
        ]
        await message.edit_text(
            booking_texts.ask_time(button_day(day, language)),
            reply_markup=coaching_keyboards.booking_grid("time", choices),
        )
        return
    day = offered.get(int(draft.get("day", 0)), date.min)
    times = open_times(availability, day, now, settings.zone) if day in offered.values() else []
    starts_at = {start.hour * 60 + start.minute: start for start in times}
    if callback_data.value not in starts_at:
        await query.answer(booking_texts.stale_choice(), show_alert=True)
        return
    start = starts_at[callback_data.value]
    starts = datetime.combine(day, start, tzinfo=settings.zone).astimezone(UTC)
    try:
        moment = check_start(starts, now)
    except InvalidInput as error:
        await query.answer(texts.refusal(error), show_alert=True)
        return
    await query.answer()
    await message.edit_reply_markup(reply_markup=None)
    await _moment_chosen(message, state, draft, moment)


async def _moment_chosen(
    message: Message, state: FSMContext, draft: dict[str, Any], moment: datetime
) -> None:
    await state.set_state(BookCoaching.message)
    await state.update_data({DRAFT_KEY: {**draft, "preferred_at": moment.isoformat()}})
    await message.answer(booking_texts.ask_message())


async def moment_typed(
    message: Message, state: FSMContext, settings: Settings, now: datetime
) -> None:
    """The preferred date and time typed (``15.12.2026 18:30``, ``tomorrow 18:30``); a bad one
    is refused and asked again, with the days' buttons."""
    draft = await _draft(state, BookCoaching.moment)
    assert draft is not None  # the state filter let only this step in
    try:
        moment = check_start(parse_moment(message.text or "", settings.zone, now), now)
    except InvalidInput as error:
        availability = draft.get("availability")
        await message.answer(
            texts.refusal(error) + "\n" + _ask_moment(settings, now, availability),
            reply_markup=_day_buttons(availability, settings, now),
        )
        return
    await _moment_chosen(message, state, draft, moment)


async def _send(
    message: Message,
    actor: Client,
    session: AsyncSession,
    notifier: Notifier,
    state: FSMContext,
    settings: Settings,
    now: datetime,
    text: str,
) -> None:
    draft = await _draft(state, BookCoaching.message)
    assert draft is not None  # the state filter let only this step in
    request = await send_request(
        session,
        notifier,
        actor=actor,
        coach_id=draft.get("coach_id"),
        domain_id=int(draft["domain_id"]),
        preferred_at=datetime.fromisoformat(draft["preferred_at"]),
        message=text,
        now=now,
    )
    await end_dialog(state)
    request = await request_for(session, actor=actor, request_id=request.id)
    await message.answer(booking_texts.sent(request, shown_in(settings.zone)))


async def message_typed(
    message: Message,
    actor: Client,
    session: AsyncSession,
    notifier: Notifier,
    state: FSMContext,
    settings: Settings,
    now: datetime,
) -> None:
    await _send(message, actor, session, notifier, state, settings, now, message.text or "")


async def message_skipped(
    message: Message,
    actor: Client,
    session: AsyncSession,
    notifier: Notifier,
    state: FSMContext,
    settings: Settings,
    now: datetime,
) -> None:
    await _send(message, actor, session, notifier, state, settings, now, "")


def create_router() -> Router:
    router = Router(name=__name__)
    typed = Matches(F.text & ~F.text.startswith("/"))
    router.message.register(start_booking, Command("book"), IsClient())
    router.message.register(staff_book, Command("book"), IsStaff())
    router.message.register(
        message_skipped, Command("skip"), StateFilter(BookCoaching.message), IsClient()
    )
    router.message.register(moment_typed, StateFilter(BookCoaching.moment), IsClient(), typed)
    router.message.register(message_typed, StateFilter(BookCoaching.message), IsClient(), typed)
    router.callback_query.register(step_chosen, coaching_keyboards.BookingStep.filter(), IsClient())
    return router
