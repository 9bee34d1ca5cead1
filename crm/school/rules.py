"""The rules of a school contract's life: its statuses, its moves, who may do what, and what
it costs. The bot, the site and the demo go through these, so each rule is stated once.

A contract is ``unpaid`` when signed, ``active`` once paid in full, ``completed`` when every
lesson is given, and ``terminated`` when an administrator ends it early.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from crm.errors import InvalidInput, PermissionDenied
from crm.i18n import N_
from crm.money import MAX_AMOUNT, cents
from crm.permissions import Actor, is_manager, is_staff
from db.enums import ContractStatus, PaymentMethod
from db.models import Client, Contract, DiscountTier, Employee, Language

C = ContractStatus

# A contract still running: payments and lessons may be recorded, it may be ended early.
OPEN_STATUSES = frozenset({C.UNPAID, C.ACTIVE})
# The most lessons one contract may hold (a year of daily lessons and some).
MAX_LESSONS = 500
# The numbers of lessons offered as buttons; any other number may be typed.
COMMON_LESSON_COUNTS = (8, 16, 32, 64)

STATUS_NAMES = {
    C.UNPAID: N_("unpaid"),
    C.ACTIVE: N_("active"),
    C.COMPLETED: N_("completed"),
    C.TERMINATED: N_("terminated"),
}

# How a payment was made, as people call it (translated where it is shown).
PAYMENT_METHOD_NAMES = {
    PaymentMethod.CASH: N_("cash"),
    PaymentMethod.CARD: N_("card"),
    PaymentMethod.TRANSFER: N_("bank transfer"),
}


@dataclass(frozen=True)
class Quote:
    """What a contract for ``lessons`` lessons of ``language`` costs today."""

    language: Language
    lessons: int
    price_per_lesson: Decimal
    discount_percent: Decimal

    @property
    def full_price(self) -> Decimal:
        return cents(self.price_per_lesson * self.lessons)

    @property
    def total(self) -> Decimal:
        return cents(self.full_price * (100 - self.discount_percent) / 100)


def check_total(priced: Quote) -> Quote:
    """``priced`` if a contract can hold its total: no more than the amount columns take
    (``MAX_AMOUNT``); otherwise InvalidInput on the lessons, which is what can be changed."""
    if priced.total > MAX_AMOUNT:
        raise InvalidInput(
            N_(
                "{lessons} lessons at {price} each come to more than one contract can hold "
                "({most} at most): choose fewer lessons"
            ),
            field="lessons",
            lessons=priced.lessons,
            price=priced.price_per_lesson,
            most=MAX_AMOUNT,
        )
    return priced


def percent_kept(percent: Decimal) -> Decimal:
    """A percent as the database keeps it, to the hundredth (one far out of range as it is)."""
    if not percent.is_finite() or abs(percent) >= 1000:
        return percent
    return percent.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def check_lessons(lessons: int, field: str | None = None) -> int:
    """A number of lessons a contract can hold: 1 to ``MAX_LESSONS``."""
    if not 1 <= lessons <= MAX_LESSONS:
        raise InvalidInput(
            N_("the number of lessons must be from 1 to {most}"), field=field, most=MAX_LESSONS
        )
    return lessons


def discount_for(lessons: int, tiers: Sequence[DiscountTier]) -> Decimal:
    """The percent off of the largest tier ``lessons`` reaches (0 below every tier)."""
    reached = [tier.percent for tier in tiers if tier.min_lessons <= lessons]
    return max(reached, default=Decimal(0))


def quote(language: Language, lessons: int, tiers: Sequence[DiscountTier]) -> Quote:
    """The price of ``lessons`` lessons of ``language``: its price per lesson times the lessons,
    less the discount of the tier reached. An inactive language is not sold."""
    if not language.active:
        raise InvalidInput(
            N_("{language} is not taught at the moment"),
            field="language_id",
            language=language.name,
        )
    check_lessons(lessons, "lessons")
    return check_total(
        Quote(language, lessons, language.price_per_lesson, discount_for(lessons, tiers))
    )


def teaches(teacher: Employee, language_id: int) -> bool:
    """Whether ``teacher`` is active staff who teaches the language."""
    return teacher.active and any(known.id == language_id for known in teacher.languages)


def may_sign_for(actor: Actor, client: Client) -> bool:
    """A client signs their own contracts; owners and administrators sign for anyone."""
    return is_manager(actor) or (isinstance(actor, Client) and actor.id == client.id)


def may_give_lessons(actor: Actor, contract: Contract) -> bool:
    """Record a lesson: the contract's teacher, owners and administrators."""
    return is_manager(actor) or (is_staff(actor) and contract.teacher_id == actor.id)


def require(allowed: bool) -> None:
    """PermissionDenied unless ``allowed``."""
    if not allowed:
        raise PermissionDenied(N_("You may not do this with that contract."))


def require_open(contract: Contract) -> None:
    """Refuse a change to a contract that is over."""
    if contract.status not in OPEN_STATUSES:
        raise InvalidInput(
            N_("contract #{contract_id} is {status}: nothing more can be recorded on it"),
            contract_id=contract.id,
            status=STATUS_NAMES[contract.status],
        )


def status_after_payment(contract: Contract) -> ContractStatus:
    """An unpaid contract paid in full is active; anything else keeps its status."""
    if contract.status is C.UNPAID and contract.paid >= contract.total:
        return C.ACTIVE
    return contract.status


def contract_actions(actor: Actor, contract: Contract) -> frozenset[str]:
    """What ``actor`` may do with ``contract`` now, as the card offers it: ``pay``, ``assign``,
    ``lesson``, ``terminate``, ``edit`` (while it runs) and ``delete``. Each is checked again
    by the service it calls."""
    manager = is_manager(actor)
    actions = {"delete"} if manager else set()
    if contract.status in OPEN_STATUSES:
        if manager:
            actions |= {"pay", "assign", "terminate", "edit"}
        if may_give_lessons(actor, contract) and contract.status is C.ACTIVE:
            actions.add("lesson")
    return frozenset(actions)


# The bot card's buttons and the action each stands for.
_BOT_BUTTONS = (("teacher", "assign"), ("lesson", "lesson"))


def next_actions(actor: Actor, contract: Contract) -> list[str]:
    """The buttons ``actor`` gets under the contract's card in the bot: "teacher" (choose one),
    "lesson" (one given), as ``contract_actions`` allows."""
    allowed = contract_actions(actor, contract)
    return [button for button, action in _BOT_BUTTONS if action in allowed]
