"""What the bot says about the school: the catalog, the /contract dialog, contract cards and
the staff's commands. Pure functions; every piece of user text is escaped; amounts go through
the ``money`` function the handler passes (the business currency in the reader's locale)."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from zoneinfo import ZoneInfo

from aiogram import html
from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext

from crm.school.rules import MAX_LESSONS, PAYMENT_METHOD_NAMES, STATUS_NAMES, Quote
from db.enums import ContractStatus, PaymentMethod
from db.models import Contract, Department, DiscountTier, Employee, Language, Payment
from handlers import written
from handlers.written import Money


def status_name(status: ContractStatus) -> str:
    return _(STATUS_NAMES[status])


def lessons(count: int) -> str:
    """``16 lessons``."""
    return ngettext("{count} lesson", "{count} lessons", count).format(count=count)


def percent(value: Decimal) -> str:
    """``10 %`` (no trailing zeros)."""
    return f"{value.normalize():f} %"


def _branch(branch: Department) -> str:
    name = html.quote(branch.name)
    return f"{name} ({html.quote(branch.address)})" if branch.address else name


# The catalog ------------------------------------------------------------------------------


def catalog(languages: Sequence[Language], tiers: Sequence[DiscountTier], money: Money) -> str:
    """The languages with their price per lesson, and the discounts."""
    if not languages:
        return _("No language is taught at the moment.")
    lines = [html.bold(_("Languages and their price per lesson:"))]
    lines += [
        _("{language} — {price} per lesson").format(
            language=html.quote(language.name), price=money(language.price_per_lesson)
        )
        for language in languages
    ]
    if tiers:
        lines.append("")
        lines += [
            _("From {lessons}: {percent} off").format(
                lessons=lessons(tier.min_lessons), percent=percent(tier.percent)
            )
            for tier in tiers
        ]
    lines += ["", _("/contract signs a contract; /teachers shows who teaches.")]
    return "\n".join(lines)


def teacher_line(teacher: Employee) -> str:
    """``Ivan Kuznetsov — English, Spanish · 5 years of experience · Left bank``."""
    parts = [", ".join(html.quote(language.name) for language in teacher.languages)]
    if teacher.experience_years:
        parts.append(
            ngettext(
                "{count} year of experience",
                "{count} years of experience",
                teacher.experience_years,
            ).format(count=teacher.experience_years)
        )
    if teacher.department is not None:
        parts.append(html.quote(teacher.department.name))
    return f"{html.bold(html.quote(teacher.full_name))} — {' · '.join(parts)}"


def teacher_list(teachers: Sequence[Employee]) -> str:
    if not teachers:
        return _("No teacher is listed yet.")
    return "\n".join([html.bold(_("Our teachers:"))] + [teacher_line(t) for t in teachers])


# The /contract dialog ---------------------------------------------------------------------


def choose_language(languages: Sequence[Language]) -> str:
    if not languages:
        return _("No language is taught at the moment, so there is nothing to sign.")
    return _("Which language do you want to learn? The price is per lesson. /cancel to stop.")


def language_button(language: Language, money: Money) -> str:
    return f"{language.name} · {money(language.price_per_lesson)}"


def choose_lessons(language: Language) -> str:
    return _(
        "{language}: how many lessons? Press a number or type another one (1 to {most})."
    ).format(language=html.quote(language.name), most=MAX_LESSONS)


def not_a_number(typed: str) -> str:
    return _("“{typed}” is not a number of lessons: type a whole number from 1 to {most}.").format(
        typed=html.quote(typed[:40]), most=MAX_LESSONS
    )


def choose_branch() -> str:
    return _("Which branch will you study at?")


def branch_button(branch: Department) -> str:
    return f"{branch.name} · {branch.address}" if branch.address else branch.name


def summary(priced: Quote, branch: Department | None, money: Money) -> str:
    """What the client is about to sign: price per lesson, discount, total."""
    lines = [
        html.bold(_("Your contract")),
        _("Language: {language}").format(language=html.quote(priced.language.name)),
        _("Lessons: {count}").format(count=priced.lessons),
        _("Price per lesson: {price}").format(price=money(priced.price_per_lesson)),
    ]
    if priced.discount_percent:
        lines.append(
            _("Discount: {percent} (−{amount})").format(
                percent=percent(priced.discount_percent),
                amount=money(priced.full_price - priced.total),
            )
        )
    lines.append(html.bold(_("Total: {total}").format(total=money(priced.total))))
    if branch is not None:
        lines.append(_("Branch: {branch}").format(branch=_branch(branch)))
    lines += ["", _("Sign it?")]
    return "\n".join(lines)


def confirm_button() -> str:
    return _("✅ Sign")


def drop_button() -> str:
    return _("✖️ Cancel")


def signed(contract: Contract, money: Money) -> str:
    return _(
        "✅ Contract #{contract_id} is signed: {language}, {lessons}, {total}. It is unpaid: "
        "we will tell you here when your payment is recorded."
    ).format(
        contract_id=contract.id,
        language=html.quote(contract.language.name),
        lessons=lessons(contract.lessons),
        total=money(contract.total),
    )


def not_signed() -> str:
    return _("All right, nothing is signed.")


def nothing_pending() -> str:
    return _("That choice is no longer open. /contract starts again.")


# Listings and cards ------------------------------------------------------------------------


def label(contract: Contract) -> str:
    """A button label: ``#4 · English · active``."""
    number = written.number("contract", contract.id)
    return f"{number} · {contract.language.name} · {status_name(contract.status)}"


def staff_label(contract: Contract) -> str:
    """A teacher's button label: ``#4 · Maria Lopez · English``."""
    number = written.number("contract", contract.id)
    return f"{number} · {contract.client.full_name} · {contract.language.name}"[:60]


def balance_line(contract: Contract, money: Money) -> str:
    """``#4 · English · active · 14 lessons left · to pay: €188.00``."""
    parts = [
        written.number("contract", contract.id),
        html.quote(contract.language.name),
        status_name(contract.status),
        ngettext("{count} lesson left", "{count} lessons left", contract.lessons_left).format(
            count=contract.lessons_left
        ),
    ]
    if contract.balance > 0:
        parts.append(_("to pay: {amount}").format(amount=money(contract.balance)))
    return " · ".join(parts)


def client_contracts(contracts: Sequence[Contract], money: Money) -> str:
    if not contracts:
        return _("You have no contracts yet. /languages shows the prices; /contract signs one.")
    lines = [_("Your contracts (press one to see it):")]
    lines += [balance_line(contract, money) for contract in contracts]
    return "\n".join(lines)


def _staff_line(contract: Contract) -> str:
    """A contract in a staff listing: number, client, language, status."""
    return (
        f"{written.number('contract', contract.id)} · {html.quote(contract.client.full_name)} · "
        f"{html.quote(contract.language.name)} · {status_name(contract.status)}"
    )


def all_contracts(contracts: Sequence[Contract]) -> str:
    """For owners and administrators: the latest contracts, open ones first."""
    if not contracts:
        return _("There are no contracts yet.")
    lines = [_("Contracts, open ones first ({count}):").format(count=len(contracts))]
    lines += [_staff_line(contract) for contract in contracts]
    return "\n".join(lines)


def helped_contracts(contracts: Sequence[Contract]) -> str:
    """For a helper: the contracts of the clients they help."""
    if not contracts:
        return _("The clients you help have no contracts.")
    lines = [_("The contracts of the clients you help ({count}):").format(count=len(contracts))]
    lines += [_staff_line(contract) for contract in contracts]
    return "\n".join(lines)


def teacher_contracts(contracts: Sequence[Contract]) -> str:
    if not contracts:
        return _("You teach no contracts.")
    lines = [_("The contracts you teach ({count}):").format(count=len(contracts))]
    lines += [_staff_line(contract) for contract in contracts]
    return "\n".join(lines)


def status_contracts(contracts: Sequence[Contract], money: Money) -> str:
    """The contracts part of a client's /status (empty when they have none running)."""
    if not contracts:
        return ""
    lines = [_("Contracts:")]
    lines += [balance_line(contract, money) for contract in contracts]
    return "\n".join(lines)


def _payment_line(payment: Payment, money: Money, zone: ZoneInfo) -> str:
    return f"{written.day(payment.paid_at, zone)} · {money(payment.amount)}"


def card(contract: Contract, money: Money, *, for_staff: bool, zone: ZoneInfo) -> str:
    """The contract's card; staff (its teacher, the administrators) also see the client."""
    lines = [html.bold(f"#{contract.id} · {status_name(contract.status)}")]
    if for_staff:
        client = html.quote(contract.client.full_name)
        phone = f" ({html.quote(contract.client.phone)})" if contract.client.phone else ""
        lines.append(_("Client: {name}").format(name=client) + phone)
    lines += [
        _("Language: {language}").format(language=html.quote(contract.language.name)),
        _("Lessons: {given} given, {left} left, of {count}").format(
            given=contract.lessons_given, left=contract.lessons_left, count=contract.lessons
        ),
        _("Price per lesson: {price}").format(price=money(contract.price_per_lesson)),
    ]
    if contract.discount_percent:
        lines.append(_("Discount: {percent}").format(percent=percent(contract.discount_percent)))
    lines += [
        _("Total: {total}").format(total=money(contract.total)),
        _("Paid: {amount}").format(amount=money(contract.paid)),
        _("Balance: {amount}").format(amount=money(contract.balance)),
    ]
    teacher = html.quote(contract.teacher.full_name) if contract.teacher else _("nobody yet")
    lines.append(_("Teacher: {name}").format(name=teacher))
    if contract.branch is not None:
        lines.append(_("Branch: {branch}").format(branch=_branch(contract.branch)))
    lines.append(_("Signed: {date}").format(date=written.day(contract.signed_at, zone)))
    if contract.termination_reason:
        lines.append(
            _("Ended early: {reason}").format(reason=html.quote(contract.termination_reason))
        )
    if for_staff and contract.payments:
        lines += ["", html.bold(_("Payments"))]
        lines += [_payment_line(payment, money, zone) for payment in contract.payments]
    return "\n".join(lines)


def action_label(action: str) -> str:
    if action == "teacher":
        return _("👩‍🏫 Assign a teacher")
    return _("✅ Lesson given")


# Staff answers -----------------------------------------------------------------------------


def choose_teacher(contract: Contract) -> str:
    return _("Who will teach contract #{contract_id} ({language})?").format(
        contract_id=contract.id, language=html.quote(contract.language.name)
    )


def nobody_teaches(contract: Contract) -> str:
    return _("Nobody teaches {language} yet: give a teacher that language on the site.").format(
        language=html.quote(contract.language.name)
    )


def teacher_button(teacher: Employee) -> str:
    return teacher.full_name


def confirm_payment(contract: Contract, amount: Decimal, money: Money) -> str:
    return _(
        "Record a payment of {amount} on contract #{contract_id}? Press how it was paid:"
    ).format(amount=money(amount), contract_id=contract.id)


def method_button(method: PaymentMethod) -> str:
    return "💶 " + _(PAYMENT_METHOD_NAMES[method])


def paid(contract: Contract, payment: Payment, money: Money) -> str:
    recorded = _("Payment of {amount} recorded on #{contract_id}.").format(
        amount=money(payment.amount), contract_id=contract.id
    )
    if contract.balance > 0:
        rest = _("Still to pay: {amount}.").format(amount=money(contract.balance))
    else:
        rest = _("It is paid in full and {status}.").format(status=status_name(contract.status))
    return f"{recorded} {rest} " + _("The client is told.")


def teacher_assigned(contract: Contract) -> str:
    name = html.quote(contract.teacher.full_name) if contract.teacher else ""
    return _("{name} teaches contract #{contract_id} now; they and the client are told.").format(
        name=name, contract_id=contract.id
    )


def lesson_recorded(contract: Contract) -> str:
    if contract.status is ContractStatus.COMPLETED:
        return _("Lesson recorded: contract #{contract_id} is completed.").format(
            contract_id=contract.id
        )
    return ngettext(
        "Lesson recorded on #{contract_id}: {count} lesson left.",
        "Lesson recorded on #{contract_id}: {count} lessons left.",
        contract.lessons_left,
    ).format(contract_id=contract.id, count=contract.lessons_left)


def terminated(contract: Contract) -> str:
    return _("Contract #{contract_id} is terminated; the client is told.").format(
        contract_id=contract.id
    )


def usage(command: str) -> str:
    forms = {
        "paid": _("/paid <contract id> [amount]"),
        "teacher": _("/teacher <contract id> <@username or employee id>"),
        "lesson": _("/lesson <contract id>"),
        "terminate": _("/terminate <contract id> <reason>"),
        "contracts": _("/contracts [contract id]"),
    }
    return _("Usage: {form}").format(form=html.quote(forms[command]))


def sent_to_teacher(contract: Contract) -> str:
    name = html.quote(contract.teacher.full_name) if contract.teacher else ""
    return _("Sent to {name}, your teacher on contract #{contract_id}.").format(
        name=name, contract_id=contract.id
    )
