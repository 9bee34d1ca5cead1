"""School contracts: signing one, its payments, its teacher, the lessons given, ending it.

Every use case takes the actor and checks their right itself (``crm.school.rules``), loads
the contract through the visibility rule (``crm.visibility.visible_contracts``), and tells the
people concerned through ``crm.school.notices`` in the same transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from crm.errors import Conflict, InvalidInput, NotFound
from crm.i18n import N_
from crm.money import MAX_AMOUNT, Money, cents
from crm.notify import Notifier
from crm.people.names import clean_text
from crm.people.staff_search import StaffRef, find_staff
from crm.permissions import Actor, require_manager
from crm.school import hooks as contract_hooks
from crm.school import notices as contract_notices
from crm.school.languages import active_languages, discount_tiers, get_language
from crm.school.rules import (
    OPEN_STATUSES,
    Quote,
    check_lessons,
    check_move,
    check_total,
    may_give_lessons,
    may_sign_for,
    move,
    move_on,
    quote,
    require,
    require_open,
    teaches,
)
from crm.subjects import forget_subject
from crm.visibility import load_visible, visible_contracts
from db.enums import ContractStatus, PaymentMethod
from db.models import Client, Contract, Department, Employee, Language, Lesson, Payment

# What a contract's card shows, loaded with it.
_CARD = (
    selectinload(Contract.client),
    selectinload(Contract.language),
    selectinload(Contract.teacher),
    selectinload(Contract.branch),
    selectinload(Contract.payments).selectinload(Payment.recorded_by),
    selectinload(Contract.lessons_log).selectinload(Lesson.recorded_by),
)


@dataclass(frozen=True)
class ContractDraft:
    """What a contract is signed for: a language, a number of lessons, a branch if chosen."""

    language_id: int
    lessons: int
    branch_id: int | None = None


async def branches(session: AsyncSession) -> list[Department]:
    """The school's branches (departments with an address), by name."""
    found = await session.scalars(
        select(Department)
        .where(Department.address.is_not(None), Department.address != "")
        .order_by(Department.name)
    )
    return list(found)


@dataclass(frozen=True)
class SigningChoices:
    """What a contract written down for a client is chosen from."""

    languages: list[Language]
    branches: list[Department]


async def signing_choices(session: AsyncSession, *, actor: Actor) -> SigningChoices:
    """The languages taught now and the branches, once it is sure ``actor`` may sign contracts
    for clients (owners and administrators)."""
    require_manager(actor)
    return SigningChoices(await active_languages(session), await branches(session))


async def price_of(session: AsyncSession, language_id: int, lessons: int) -> Quote:
    """What ``lessons`` lessons of the language cost today, discount included."""
    language = await get_language(session, language_id)
    return quote(language, check_lessons(lessons, "lessons"), await discount_tiers(session))


async def _branch(session: AsyncSession, branch_id: int | None) -> Department | None:
    """The chosen branch; with none chosen, the only branch if there is one."""
    known = await branches(session)
    if branch_id is None:
        if len(known) > 1:
            raise InvalidInput(N_("choose the branch"), field="branch_id")
        return known[0] if known else None
    for branch in known:
        if branch.id == branch_id:
            return branch
    raise NotFound(N_("that branch does not exist"), field="branch_id")


async def sign_contract(
    session: AsyncSession,
    notifier: Notifier,
    *,
    actor: Actor,
    client: Client,
    draft: ContractDraft,
    now: datetime,
) -> Contract:
    """A new ``unpaid`` contract at today's price: a client signs their own in the bot; owners
    and administrators write one down for a client. The administrators are told."""
    require(may_sign_for(actor, client))
    priced = await price_of(session, draft.language_id, draft.lessons)
    contract = Contract(
        client=client,
        language=priced.language,
        lessons=priced.lessons,
        price_per_lesson=priced.price_per_lesson,
        discount_percent=priced.discount_percent,
        total=priced.total,
        paid=Decimal(0),
        status=ContractStatus.UNPAID,
        signed_at=now,
        branch=await _branch(session, draft.branch_id),
        lessons_given=0,
        payments=[],
        lessons_log=[],
    )
    session.add(contract)
    await session.flush()
    await contract_notices.contract_signed(session, notifier, contract, signed_by=actor, now=now)
    await contract_hooks.contract_signed(session, contract, now=now)
    return contract


async def load_contract(
    session: AsyncSession, contract_id: int, *, visible_to: Actor | None = None
) -> Contract:
    """The contract with everything its card shows, or NotFound; with ``visible_to``, NotFound
    also when that person may not see it (the rule is in the query's WHERE)."""
    contract = await load_visible(
        session, Contract, contract_id, visible_to=visible_to, options=_CARD
    )
    if contract is None:
        raise NotFound(N_("contract #{contract_id} does not exist"), contract_id=contract_id)
    return contract


async def contract_for(session: AsyncSession, *, actor: Actor, contract_id: int) -> Contract:
    """The contract if ``actor`` may see it; otherwise it does not exist, as far as they know."""
    return await load_contract(session, contract_id, visible_to=actor)


async def contract_to_change(session: AsyncSession, *, actor: Actor, contract_id: int) -> Contract:
    """The contract to change or delete, once it is sure ``actor`` may."""
    require_manager(actor)
    return await contract_for(session, actor=actor, contract_id=contract_id)


async def contracts_of(
    session: AsyncSession, *, actor: Actor, open_only: bool = False, limit: int = 50
) -> list[Contract]:
    """The contracts ``actor`` may see, open ones first, newest first: a client's own, those a
    teacher teaches, every one for owners and administrators. What ``/contracts`` and
    ``/status`` show."""
    if not isinstance(actor, Client | Employee):
        return []
    query = select(Contract).where(visible_contracts(actor))
    if open_only:
        query = query.where(Contract.status.in_(OPEN_STATUSES))
    found = await session.scalars(
        query.options(selectinload(Contract.language), selectinload(Contract.client))
        .order_by(Contract.status.in_(OPEN_STATUSES).desc(), Contract.signed_at.desc())
        .limit(limit)
    )
    return list(found)


async def record_payment(
    session: AsyncSession,
    notifier: Notifier,
    *,
    actor: Actor,
    contract_id: int,
    amount: Decimal | None,
    now: datetime,
    method: PaymentMethod = PaymentMethod.CASH,
    note: str = "",
    paid_before: Decimal | None = None,
) -> Payment:
    """Money received (owners and administrators); with no amount, the balance. Paid in full,
    an unpaid contract becomes active. A negative amount corrects a mistake and needs a note.
    With ``paid_before`` (what was paid when the person confirmed), a contract paid since
    records nothing: a second or stale press of a confirmation. The client is told."""
    manager = require_manager(actor)
    contract = await contract_for(session, actor=manager, contract_id=contract_id)
    require_open(contract)
    if paid_before is not None and contract.paid != paid_before:
        raise Conflict(
            N_("contract #{contract_id} has been paid since: nothing is recorded"),
            contract_id=contract.id,
        )
    note = clean_text(note, required=False, field="note")
    amount = _payment_amount(contract, amount, note, notifier.currency)
    payment = Payment(
        contract=contract,
        amount=amount,
        paid_at=now,
        method=method,
        note=note or None,
        recorded_by=manager,
    )
    session.add(payment)
    contract.paid = cents(contract.paid + amount)
    move_on(contract, actor=manager, now=now)
    await session.flush()
    await contract_notices.payment_recorded(session, notifier, contract, payment, now=now)
    await contract_hooks.contract_paid(session, contract, payment, now=now)
    return payment


async def payment_to_confirm(
    session: AsyncSession, *, actor: Actor, contract_id: int, amount: Decimal | None, currency: str
) -> tuple[Contract, Decimal]:
    """The contract and the amount ``record_payment`` would record (the balance when none is
    given), checked as it checks them, nothing recorded: what the bot asks to confirm."""
    manager = require_manager(actor)
    contract = await contract_for(session, actor=manager, contract_id=contract_id)
    require_open(contract)
    return contract, _payment_amount(contract, amount, "", currency)


def _payment_amount(
    contract: Contract, amount: Decimal | None, note: str, currency: str
) -> Decimal:
    """The amount to record on ``contract``, or the refusal of it."""
    if amount is None:
        amount = contract.balance
        if amount <= 0:
            raise InvalidInput(
                N_("contract #{contract_id} is paid in full"), contract_id=contract.id
            )
    amount = cents(amount)
    if amount == 0 or abs(amount) > MAX_AMOUNT:
        raise InvalidInput(N_("the amount must be more than zero"), field="amount")
    if amount < 0 and not note:
        raise InvalidInput(N_("say in a note why a payment is taken back"), field="note")
    if amount < 0 and -amount > contract.paid:
        raise InvalidInput(N_("more is taken back than was paid"), field="amount")
    if amount > contract.balance:
        raise InvalidInput(
            N_("that is more than the balance of contract #{contract_id}: {balance}"),
            field="amount",
            contract_id=contract.id,
            balance=Money(contract.balance, currency),
        )
    return amount


async def assign_teacher(
    session: AsyncSession,
    notifier: Notifier,
    *,
    actor: Actor,
    contract_id: int,
    teacher: StaffRef,
    now: datetime,
) -> Contract:
    """Give the contract a teacher who teaches its language (owners and administrators); the
    teacher and the client are told."""
    manager = require_manager(actor)
    contract = await contract_for(session, actor=manager, contract_id=contract_id)
    require_open(contract)
    chosen = await find_staff(session, teacher)
    await session.refresh(chosen, ["languages"])
    if not teaches(chosen, contract.language_id):
        raise InvalidInput(
            N_("{name} does not teach {language}"),
            field="teacher_id",
            name=chosen.full_name,
            language=contract.language.name,
        )
    if contract.teacher_id == chosen.id:
        raise InvalidInput(
            N_("{name} already teaches contract #{contract_id}"),
            name=chosen.full_name,
            contract_id=contract.id,
        )
    contract.teacher = chosen
    await session.flush()
    await contract_notices.teacher_assigned(session, notifier, contract, now=now)
    return contract


async def record_lesson(
    session: AsyncSession, notifier: Notifier, *, actor: Actor, contract_id: int, now: datetime
) -> Contract:
    """One lesson given (the contract's teacher, owners, administrators) on a paid contract; the
    last one completes it. The client is told."""
    contract = await contract_for(session, actor=actor, contract_id=contract_id)
    require(may_give_lessons(actor, contract))
    # A lesson leads towards completion: given only where that move is open (a paid contract).
    check_move(actor, contract, ContractStatus.COMPLETED)
    contract.lessons_log.append(
        Lesson(given_at=now, recorded_by=actor if isinstance(actor, Employee) else None)
    )
    contract.lessons_given += 1
    move_on(contract, actor=actor, now=now)
    await session.flush()
    await contract_notices.lesson_given(session, notifier, contract, now=now)
    return contract


async def terminate_contract(
    session: AsyncSession,
    notifier: Notifier,
    *,
    actor: Actor,
    contract_id: int,
    reason: str,
    now: datetime,
) -> Contract:
    """End a running contract early, with the reason (owners and administrators); the client
    and the teacher are told."""
    manager = require_manager(actor)
    contract = await contract_for(session, actor=manager, contract_id=contract_id)
    check_move(manager, contract, ContractStatus.TERMINATED)
    if not reason.strip():
        raise InvalidInput(N_("say why the contract ends"), field="reason")
    reason = clean_text(reason, required=True, field="reason")
    move(contract, ContractStatus.TERMINATED, actor=manager, now=now)
    contract.termination_reason = reason
    await session.flush()
    await contract_notices.contract_terminated(session, notifier, contract, now=now)
    return contract


async def edit_contract(
    session: AsyncSession,
    *,
    actor: Actor,
    contract_id: int,
    lessons: int,
    branch_id: int | None,
    now: datetime,
) -> Contract:
    """Change a running contract's number of lessons (not below those given) or its branch
    (owners and administrators). The price per lesson and the discount stay as signed."""
    contract = await contract_to_change(session, actor=actor, contract_id=contract_id)
    require_open(contract)
    check_lessons(lessons, "lessons")
    if lessons < contract.lessons_given:
        raise InvalidInput(
            N_("{given} lessons are already given"), field="lessons", given=contract.lessons_given
        )
    contract.total = check_total(
        Quote(contract.language, lessons, contract.price_per_lesson, contract.discount_percent)
    ).total
    contract.lessons = lessons
    if contract.paid > contract.total:
        raise InvalidInput(
            N_("more has been paid than the new total: take a payment back first"),
            field="lessons",
        )
    contract.branch = await _branch(session, branch_id)
    move_on(contract, actor=actor, now=now)
    await session.flush()
    return contract


async def delete_contract(session: AsyncSession, *, actor: Actor, contract_id: int) -> None:
    """Delete a contract with its payments and lessons (owners and administrators)."""
    contract = await contract_to_change(session, actor=actor, contract_id=contract_id)
    await forget_subject(session, contract_notices.contract_subject(contract.id))
    await session.delete(contract)
    await session.flush()
