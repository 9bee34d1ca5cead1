"""The school's buttons: a contract's card and list, payment methods, the teacher picker, the
signing dialog's steps."""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData
from aiogram.types import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
)

from crm.school.notices import CONTRACT_CALLBACK_PREFIX, contract_button_data


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
