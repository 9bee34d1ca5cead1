"""Keyboards and callback data. Pure functions; every callback is checked again on arrival."""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData
from aiogram.types import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
)
from aiogram.utils.i18n import gettext as _

from crm.coaching.notices import RATING_PREFIX
from crm.coaching.track_reports import TRACK_CALLBACK_PREFIX
from crm.i18n import LANGUAGE_NAMES
from crm.permissions import Audience
from crm.school.notices import CONTRACT_CALLBACK_PREFIX, contract_button_data
from crm.tickets.notices import TICKET_CALLBACK_PREFIX, ticket_button_data
from handlers import texts
from handlers.commands import Commands


class LanguageChoice(CallbackData, prefix="lang"):
    code: str


class TicketAction(CallbackData, prefix=TICKET_CALLBACK_PREFIX):
    """A button on a ticket: "view", "take", "files", or a status to move to.

    Its data is built by ``crm.tickets.notices.ticket_button_data``, for the bot's keyboards and
    the notifications alike; this class reads it.
    """

    action: str
    ticket_id: int


class ContractAction(CallbackData, prefix=CONTRACT_CALLBACK_PREFIX):
    """A button on a contract: "view" (its card), "teacher" (choose one), "lesson" (one given).

    Its data is built by ``crm.school.notices.contract_button_data``, for the bot's keyboards
    and the notifications alike; this class reads it.
    """

    action: str
    contract_id: int


class PaymentConfirm(CallbackData, prefix="pay"):
    """A payment confirmed with the method it was made by: ``amount`` and ``paid`` (what the
    contract had been paid when asked) in cents, so a second or stale press records nothing."""

    contract_id: int
    method: str
    amount: int
    paid: int


def payment_methods(
    contract_id: int, amount: int, paid: int, methods: list[tuple[str, str]]
) -> InlineKeyboardMarkup:
    """A button per payment method (value, label): pressing one records the payment."""
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [
                InlineKeyboardButton(
                    text=label,
                    callback_data=PaymentConfirm(
                        contract_id=contract_id, method=method, amount=amount, paid=paid
                    ).pack(),
                )
                for method, label in methods
            ]
        ]
    )


class TeacherChoice(CallbackData, prefix="ctt"):
    """The teacher an administrator picked for a contract."""

    contract_id: int
    employee_id: int


class ContractStep(CallbackData, prefix="cs"):
    """A choice in the /contract dialog: "language" (an id), "lessons" (a count), "branch" (an
    id), "confirm" (1 to sign, 0 to drop it)."""

    step: str
    value: int


class SessionAction(CallbackData, prefix="ss"):
    """A button on a coaching session: "view" (its card), "done" / "noshow" / "cancel", or
    "report" / "coachreport" (start that dialog), "stage" (move the client's programme stage)."""

    action: str
    session_id: int


class TrackAction(CallbackData, prefix=TRACK_CALLBACK_PREFIX):
    """A button on a track: "report" (the client writes their progress report).

    Its data is built by ``crm.coaching.track_reports.track_button_data`` for the notification."""

    action: str
    track_id: int


class StageChoice(CallbackData, prefix="stg"):
    """The programme a session's client moves on in (from the session card's "Next stage")."""

    session_id: int
    enrolment_id: int


class RequestAnswer(CallbackData, prefix="rq"):
    """A coach's answer to a coaching request: "accept" or "refuse"."""

    action: str
    request_id: int


class DepartmentChoice(CallbackData, prefix="dep"):
    """Which department a new request is for; 0 means "don't know"."""

    department_id: int


class FileMessage(CallbackData, prefix="fm"):
    """Where a loose client message goes: a ticket id, 0 for a new request, -1 to drop it."""

    target: int


def share_phone() -> ReplyKeyboardMarkup:
    """One button that shares the user's own phone number."""
    return ReplyKeyboardMarkup(
        keyboard=[[KeyboardButton(text=texts.share_phone_button(), request_contact=True)]],
        resize_keyboard=True,
        one_time_keyboard=True,
    )


def main_menu(commands: Commands, audience: Audience) -> ReplyKeyboardMarkup | ReplyKeyboardRemove:
    """The main commands of ``audience`` as buttons, two per row (none for strangers)."""
    labels = [KeyboardButton(text=_(label)) for _command, label in commands.buttons(audience)]
    if not labels:
        return ReplyKeyboardRemove()
    return ReplyKeyboardMarkup(
        keyboard=[labels[i : i + 2] for i in range(0, len(labels), 2)],
        resize_keyboard=True,
        is_persistent=True,
    )


def languages() -> InlineKeyboardMarkup:
    """A button per shipped language, named in that language."""
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [
                InlineKeyboardButton(text=name, callback_data=LanguageChoice(code=code).pack())
                for code, name in LANGUAGE_NAMES.items()
            ]
        ]
    )


def ticket_button(text: str, action: str, ticket_id: int) -> InlineKeyboardButton:
    return InlineKeyboardButton(text=text, callback_data=ticket_button_data(action, ticket_id))


def ticket_list(tickets: list[tuple[int, str]]) -> InlineKeyboardMarkup:
    """A button per ticket (id, label) that opens its card."""
    return InlineKeyboardMarkup(
        inline_keyboard=[[ticket_button(label, "view", ticket_id)] for ticket_id, label in tickets]
    )


def departments(choices: list[tuple[int, str]], unknown: str) -> InlineKeyboardMarkup:
    """A button per department, and one for "don't know"."""
    rows = [
        [InlineKeyboardButton(text=name, callback_data=DepartmentChoice(department_id=dep).pack())]
        for dep, name in choices
    ]
    rows.append(
        [InlineKeyboardButton(text=unknown, callback_data=DepartmentChoice(department_id=0).pack())]
    )
    return InlineKeyboardMarkup(inline_keyboard=rows)


def file_message(choices: list[tuple[int, str]]) -> InlineKeyboardMarkup:
    """The "new request, or about #12?" picker: (target, label) pairs, one per row."""
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [InlineKeyboardButton(text=label, callback_data=FileMessage(target=target).pack())]
            for target, label in choices
        ]
    )


def ticket_actions(buttons: list[tuple[str, str]], ticket_id: int) -> InlineKeyboardMarkup | None:
    """Action buttons (label, action) under a ticket card, two per row."""
    if not buttons:
        return None
    row_buttons = [ticket_button(label, action, ticket_id) for label, action in buttons]
    return InlineKeyboardMarkup(
        inline_keyboard=[row_buttons[i : i + 2] for i in range(0, len(row_buttons), 2)]
    )


def contract_button(text: str, action: str, contract_id: int) -> InlineKeyboardButton:
    return InlineKeyboardButton(text=text, callback_data=contract_button_data(action, contract_id))


def contract_list(contracts: list[tuple[int, str]]) -> InlineKeyboardMarkup | None:
    """A button per contract (id, label) that opens its card."""
    if not contracts:
        return None
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [contract_button(label, "view", contract_id)] for contract_id, label in contracts
        ]
    )


def contract_actions(
    buttons: list[tuple[str, str]], contract_id: int
) -> InlineKeyboardMarkup | None:
    """Action buttons (label, action) under a contract card, one per row."""
    if not buttons:
        return None
    return InlineKeyboardMarkup(
        inline_keyboard=[[contract_button(label, action, contract_id)] for label, action in buttons]
    )


def contract_choices(
    step: str, choices: list[tuple[int, str]], per_row: int = 1
) -> InlineKeyboardMarkup:
    """A step of the /contract dialog: a button per (value, label)."""
    buttons = [
        InlineKeyboardButton(text=label, callback_data=ContractStep(step=step, value=value).pack())
        for value, label in choices
    ]
    return InlineKeyboardMarkup(
        inline_keyboard=[buttons[i : i + per_row] for i in range(0, len(buttons), per_row)]
    )


def teachers(contract_id: int, choices: list[tuple[int, str]]) -> InlineKeyboardMarkup:
    """A button per teacher (employee id, label) who may take the contract."""
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [
                InlineKeyboardButton(
                    text=label,
                    callback_data=TeacherChoice(
                        contract_id=contract_id, employee_id=employee_id
                    ).pack(),
                )
            ]
            for employee_id, label in choices
        ]
    )


def session_button(text: str, action: str, session_id: int) -> InlineKeyboardButton:
    return InlineKeyboardButton(
        text=text, callback_data=SessionAction(action=action, session_id=session_id).pack()
    )


def session_list(sessions: list[tuple[int, str]]) -> InlineKeyboardMarkup | None:
    """A button per session (id, label) that opens its card."""
    if not sessions:
        return None
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [session_button(label, "view", session_id)] for session_id, label in sessions
        ]
    )


def session_actions(buttons: list[tuple[str, str]], session_id: int) -> InlineKeyboardMarkup | None:
    """Action buttons (label, action) under a session card, in one row."""
    if not buttons:
        return None
    return InlineKeyboardMarkup(
        inline_keyboard=[[session_button(label, action, session_id) for label, action in buttons]]
    )


def session_action_rows(
    rows: list[list[tuple[str, str]]], session_id: int
) -> InlineKeyboardMarkup | None:
    """Action buttons (label, action) under a session card, a row per group; empty rows left out."""
    kept = [[session_button(label, action, session_id) for label, action in row] for row in rows]
    kept = [row for row in kept if row]
    return InlineKeyboardMarkup(inline_keyboard=kept) if kept else None


def stage_choices(session_id: int, choices: list[tuple[int, str]]) -> InlineKeyboardMarkup:
    """A button per programme (enrolment id, label) the session's client may move on in."""
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [
                InlineKeyboardButton(
                    text=label[:60],
                    callback_data=StageChoice(
                        session_id=session_id, enrolment_id=enrolment_id
                    ).pack(),
                )
            ]
            for enrolment_id, label in choices
        ]
    )


def request_answers(
    requests: list[tuple[int, list[tuple[str, str]]]],
) -> InlineKeyboardMarkup | None:
    """A row of answer buttons (label, action: "accept", "refuse") per request (its id)."""
    rows = [
        [
            InlineKeyboardButton(
                text=label,
                callback_data=RequestAnswer(action=action, request_id=request_id).pack(),
            )
            for label, action in buttons
        ]
        for request_id, buttons in requests
    ]
    rows = [row for row in rows if row]
    return InlineKeyboardMarkup(inline_keyboard=rows) if rows else None


class BookingStep(CallbackData, prefix="bk"):
    """A choice in the /book dialog: "domain" (an id) or "coach" (an employee id, 0 for any
    coach of the domain)."""

    step: str
    value: int


def booking_choices(step: str, choices: list[tuple[int, str]]) -> InlineKeyboardMarkup:
    """A step of the /book dialog: a button per (value, label), one per row."""
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [
                InlineKeyboardButton(
                    text=label, callback_data=BookingStep(step=step, value=value).pack()
                )
            ]
            for value, label in choices
        ]
    )


def booking_grid(
    step: str, choices: list[tuple[int, str]], per_row: int = 4
) -> InlineKeyboardMarkup:
    """Days or times of the /book dialog: ``per_row`` buttons a row."""
    buttons = [
        InlineKeyboardButton(text=label, callback_data=BookingStep(step=step, value=value).pack())
        for value, label in choices
    ]
    return InlineKeyboardMarkup(
        inline_keyboard=[
            buttons[start : start + per_row] for start in range(0, len(buttons), per_row)
        ]
    )


class SessionRating(CallbackData, prefix=RATING_PREFIX):
    """A client's rating (1-5) of a session held, under the question the outbox sent; its data
    is built by ``crm.coaching.notices.rating_buttons``."""

    rating: int
    session_id: int


class CalendarLink(CallbackData, prefix="cal"):
    """Under /sessions: "issue" a fresh private calendar URL (the old one stops working)."""

    action: str


def with_calendar_link(markup: InlineKeyboardMarkup | None, label: str) -> InlineKeyboardMarkup:
    """``markup`` (perhaps none) with a last row: the calendar link button."""
    rows = list(markup.inline_keyboard) if markup is not None else []
    button = InlineKeyboardButton(text=label, callback_data=CalendarLink(action="issue").pack())
    return InlineKeyboardMarkup(inline_keyboard=[*rows, [button]])
