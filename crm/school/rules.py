"""The rules of a school contract's life: its statuses, its moves, who may do what, and what
it costs. The bot, the site and the demo go through these, so each rule is stated once.

A contract is ``unpaid`` when signed, ``active`` once paid in full, ``completed`` when every
lesson is given, and ``terminated`` when an administrator ends it early.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

from crm.errors import InvalidInput, PermissionDenied
from crm.i18n import N_
from crm.money import MAX_AMOUNT, cents
from crm.permissions import Actor, is_manager, is_staff
from db.enums import ContractStatus, PaymentMethod
from db.models import Client, Contract, DiscountTier, Employee, Language

C = ContractStatus

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


def managers(actor: Actor, contract: Contract) -> bool:
    """Owners and administrators, whatever the contract."""
    return is_manager(actor)


# Who may make a move: a question about the person and the contract.
Who = Callable[[Actor, Contract], bool]

# The moves of a contract's life and who may make each; the services, the bot's card and the
# site's page all read it. Paid in full, an unpaid contract becomes active; its last lesson
# given (or its lessons lowered to those given), an active one is completed; owners and
# administrators end a running one early. Nothing leads out of completed or terminated, and
# nothing back to unpaid, the status a contract is signed in.
MOVES: dict[ContractStatus, dict[ContractStatus, Who]] = {
    C.UNPAID: {C.ACTIVE: managers, C.TERMINATED: managers},
    C.ACTIVE: {C.COMPLETED: may_give_lessons, C.TERMINATED: managers},
    C.COMPLETED: {},
    C.TERMINATED: {},
}
# A contract still running (a move leads out of it): payments and lessons may be recorded, its
# teacher and lessons changed, and it may be ended early.
OPEN_STATUSES = frozenset(status for status, moves in MOVES.items() if moves)
# The actions that are moves, and where each leads: a lesson is given on the way to completion
# (the last one completes the contract), so only where that move is open.
MOVE_ACTIONS = {"lesson": C.COMPLETED, "terminate": C.TERMINATED}


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


def may_move(actor: Actor, contract: Contract, to: ContractStatus) -> bool:
    """Whether ``MOVES`` leads from the contract's status to ``to`` and lets ``actor`` take it."""
    who = MOVES[contract.status].get(to)
    return who is not None and who(actor, contract)


def check_move(actor: Actor, contract: Contract, to: ContractStatus) -> None:
    """Refuse a move ``MOVES`` does not hold, with the refusal people know: a contract over
    takes nothing more; an unpaid one no lesson (the last lesson is what completes one); any
    other, from where to where; and PermissionDenied for someone the move is not for."""
    require_open(contract)
    if to not in MOVES[contract.status]:
        if contract.status is C.UNPAID and to is C.COMPLETED:
            raise InvalidInput(
                N_("contract #{contract_id} is not paid yet: record the payment first"),
                contract_id=contract.id,
            )
        raise InvalidInput(
            N_("contract #{contract_id} cannot go from {old} to {new}"),
            contract_id=contract.id,
            old=STATUS_NAMES[contract.status],
            new=STATUS_NAMES[to],
        )
    require(may_move(actor, contract, to))


def progress(contract: Contract) -> ContractStatus:
    """Where its payments and lessons take ``contract`` now: paid in full, an unpaid contract
    is active; with every lesson given, an active one is completed; otherwise it stays."""
    if contract.status is C.UNPAID and contract.paid >= contract.total:
        return C.ACTIVE
    if contract.status is C.ACTIVE and contract.lessons_given >= contract.lessons:
        return C.COMPLETED
    return contract.status


def move(contract: Contract, to: ContractStatus, *, actor: Actor, now: datetime) -> None:
    """The one place a contract's status is written: a move ``MOVES`` holds for ``actor``
    (``check_move``), and the end of a contract that is over."""
    check_move(actor, contract, to)
    contract.status = to
    if to not in OPEN_STATUSES:
        contract.ended_at = now


def move_on(contract: Contract, *, actor: Actor, now: datetime) -> None:
    """The contract goes where its payments and lessons take it (``progress``): the one place
    it becomes active or completed, whether a payment, a lesson or a change of its lessons
    took it there."""
    while (to := progress(contract)) is not contract.status:
        move(contract, to, actor=actor, now=now)


def actions(actor: Actor, contract: Contract) -> frozenset[str]:
    """What ``actor`` may do with ``contract`` now, as the bot's card and the site's page both
    offer it. While it runs, owners and administrators ``pay``, ``assign`` the teacher and
    ``edit`` it; ``lesson`` and ``terminate`` where ``MOVES`` leads to completed and terminated
    for ``actor`` (a lesson: its teacher and managers, on an active contract); ``delete`` for
    owners and administrators whatever its status. Each is checked again by the service that
    does it."""
    found = {action for action, to in MOVE_ACTIONS.items() if may_move(actor, contract, to)}
    if is_manager(actor):
        found.add("delete")
        if contract.status in OPEN_STATUSES:
            found |= {"pay", "assign", "edit"}
    return frozenset(found)
