"""What contract changes tell whom: the client hears of each step of their contract, the
teacher of the contracts they are given or that end, the administrators of new contracts.

Rendered in each recipient's language inside the business transaction and queued with the
contract as their subject; amounts in the business currency as the reader's locale writes it.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from crm.i18n import N_
from crm.notify import Button, Notifier, button_data
from crm.permissions import Actor, manager_rows
from crm.school.rules import STATUS_NAMES
from crm.subjects import Subject
from crm.telegram_html import escape
from db.enums import ContractStatus, SubjectKind
from db.models import Client, Contract, Employee, Payment

# Callback data of contract buttons: "ct:<action>:<contract id>", read by the bot's handlers.
# Actions: "view" (the card), "teacher" (choose a teacher), "lesson" (one lesson given).
CONTRACT_CALLBACK_PREFIX = "ct"


def contract_button_data(action: str, contract_id: int) -> str:
    """The callback data of a button acting on a contract, for the bot's keyboards and notices."""
    return button_data(CONTRACT_CALLBACK_PREFIX, action, contract_id)


def contract_button(text: str, action: str, contract_id: int) -> Button:
    return {"text": text, "callback_data": contract_button_data(action, contract_id)}


def contract_subject(contract_id: int) -> Subject:
    """A contract as what a message is about."""
    return Subject(SubjectKind.CONTRACT, contract_id)


def lessons(notifier: Notifier, language: str | None, count: int) -> str:
    """``16 lessons`` in ``language``, in the right plural."""
    return notifier.translator(language).ngettext("{count} lesson", "{count} lessons", count)


def status_name(notifier: Notifier, language: str | None, status: ContractStatus) -> str:
    return notifier.translate(language, STATUS_NAMES[status])


async def _tell(
    session: AsyncSession,
    notifier: Notifier,
    person: Client | Employee | None,
    contract: Contract,
    text: str,
    *,
    now: datetime,
    buttons: list[list[Button]] | None = None,
) -> None:
    if person is None or person.telegram_id is None:
        return
    if isinstance(person, Client) and person.unreachable:
        return  # nothing waits on a client we cannot reach
    await notifier.enqueue(
        session,
        person.telegram_id,
        text,
        now=now,
        buttons=buttons or [],
        subject=contract_subject(contract.id),
    )


def _open(notifier: Notifier, language: str, contract: Contract) -> list[list[Button]]:
    return [
        [
            contract_button(
                notifier.translate(language, N_("Open the contract")), "view", contract.id
            )
        ]
    ]


async def contract_signed(
    session: AsyncSession,
    notifier: Notifier,
    contract: Contract,
    *,
    signed_by: Actor,
    now: datetime,
) -> None:
    """The administrators learn of a new contract to collect; a client whose contract an
    administrator wrote down gets its summary."""
    client = contract.client
    managers = await session.scalars(
        select(Employee).where(
            manager_rows(),
            Employee.telegram_id.is_not(None),
        )
    )
    for manager in managers:
        if isinstance(signed_by, Employee) and manager.id == signed_by.id:
            continue
        lang = notifier.language_of(manager)
        _ = notifier.translator(lang).gettext
        text = _(
            "📝 New contract #{contract_id}: {client}, {language}, {lessons}, {total}.",
            contract_id=contract.id,
            client=escape(client.full_name),
            language=escape(contract.language.name),
            lessons=lessons(notifier, lang, contract.lessons),
            total=notifier.money(lang, contract.total),
        )
        await _tell(
            session,
            notifier,
            manager,
            contract,
            text,
            now=now,
            buttons=_open(notifier, lang, contract),
        )
    if not isinstance(signed_by, Client):
        lang = notifier.language_of(client)
        _ = notifier.translator(lang).gettext
        text = _(
            "📝 Your contract #{contract_id} is signed: {language}, {lessons}, {total} to pay.",
            contract_id=contract.id,
            language=escape(contract.language.name),
            lessons=lessons(notifier, lang, contract.lessons),
            total=notifier.money(lang, contract.total),
        )
        await _tell(session, notifier, client, contract, text, now=now)


async def payment_recorded(
    session: AsyncSession,
    notifier: Notifier,
    contract: Contract,
    payment: Payment,
    *,
    now: datetime,
) -> None:
    """The client hears what was received and what is left, or that the contract is active."""
    lang = notifier.language_of(contract.client)
    _ = notifier.translator(lang).gettext
    lines = [
        _(
            "💳 Payment of {amount} received for contract #{contract_id}.",
            amount=notifier.money(lang, payment.amount),
            contract_id=contract.id,
        )
    ]
    if contract.balance > 0:
        lines.append(_("Still to pay: {balance}.", balance=notifier.money(lang, contract.balance)))
    elif contract.status is ContractStatus.ACTIVE:
        lines.append(_("The contract is paid in full and active."))
    await _tell(session, notifier, contract.client, contract, "\n".join(lines), now=now)


async def teacher_assigned(
    session: AsyncSession, notifier: Notifier, contract: Contract, *, now: datetime
) -> None:
    """The teacher gets the contract and how to reach the client; the client hears who
    teaches them."""
    teacher, client = contract.teacher, contract.client
    assert teacher is not None
    lang = notifier.language_of(teacher)
    _ = notifier.translator(lang).gettext
    lines = [
        _(
            "📚 Contract #{contract_id} is yours to teach: {language}, {lessons}.",
            contract_id=contract.id,
            language=escape(contract.language.name),
            lessons=lessons(notifier, lang, contract.lessons),
        ),
        _("Client: {name}", name=escape(client.full_name)),
    ]
    if client.phone:
        lines.append(_("Phone: {phone}", phone=escape(client.phone)))
    if client.username:
        lines.append(f"@{escape(client.username)}")
    await _tell(
        session,
        notifier,
        teacher,
        contract,
        "\n".join(lines),
        now=now,
        buttons=_open(notifier, lang, contract),
    )
    lang = notifier.language_of(client)
    text = notifier.translator(lang).gettext(
        "👩‍🏫 {name} will teach you {language} (contract #{contract_id}).",
        name=escape(teacher.full_name),
        language=escape(contract.language.name),
        contract_id=contract.id,
    )
    await _tell(session, notifier, client, contract, text, now=now)


async def lesson_given(
    session: AsyncSession, notifier: Notifier, contract: Contract, *, now: datetime
) -> None:
    """The client hears how many lessons are left, or that the contract is completed."""
    lang = notifier.language_of(contract.client)
    tr = notifier.translator(lang)
    if contract.status is ContractStatus.COMPLETED:
        text = tr.gettext(
            "🎓 Contract #{contract_id} is completed: every lesson is given. Thank you!",
            contract_id=contract.id,
        )
    else:
        text = tr.ngettext(
            "✅ A lesson of contract #{contract_id} is given: {count} lesson left.",
            "✅ A lesson of contract #{contract_id} is given: {count} lessons left.",
            contract.lessons_left,
            contract_id=contract.id,
        )
    await _tell(session, notifier, contract.client, contract, text, now=now)


async def contract_terminated(
    session: AsyncSession, notifier: Notifier, contract: Contract, *, now: datetime
) -> None:
    """The client and the teacher hear that the contract ended, and why."""
    for person in (contract.client, contract.teacher):
        if person is None:
            continue
        lang = notifier.language_of(person)
        text = notifier.translator(lang).gettext(
            "⛔ Contract #{contract_id} is terminated: {reason}",
            contract_id=contract.id,
            reason=escape(contract.termination_reason or ""),
        )
        await _tell(session, notifier, person, contract, text, now=now)


async def client_wrote(
    session: AsyncSession, notifier: Notifier, contract: Contract, text: str, *, now: datetime
) -> bool:
    """A client's reply to a message about their contract goes to its teacher; False when it
    has no teacher to reach."""
    teacher = contract.teacher
    if teacher is None or not teacher.active or teacher.telegram_id is None:
        return False
    lang = notifier.language_of(teacher)
    header = notifier.translator(lang).gettext(
        "✉️ {name} wrote about contract #{contract_id}:",
        name=escape(contract.client.full_name),
        contract_id=contract.id,
    )
    await _tell(
        session,
        notifier,
        teacher,
        contract,
        f"{header}\n{escape(text)}",
        now=now,
        buttons=_open(notifier, lang, contract),
    )
    return True
