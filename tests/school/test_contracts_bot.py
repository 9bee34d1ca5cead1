"""The language school in the chat, with the bot in this process (tests/support/in_process.py):
who may do what with a contract, the arguments and the dialog's answers refused, an early end,
each role's help, prices in French. A contract's whole life runs over real HTTP in
test_contracts_e2e.py."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select

from bot.sandbox.chat import SandboxUser
from bot.sandbox.telegram import FakeTelegram
from crm.notify import Notifier
from crm.people.staff_search import StaffRef
from crm.school.contracts import ContractDraft, assign_teacher, record_payment, sign_contract
from db.base import utcnow
from db.enums import ContractStatus
from db.models import Client, Contract, Employee, Language
from tests.support.desk import (  # noqa: F401  (fixtures)
    ANNA,
    BOB,
    IVAN,
    MARIA,
    PAVEL,
    TOM,
    bot_desk,
)
from tests.support.e2e import (
    STAFF_ONLY,
    bot_said,
    eventually,
    eventually_async,
    handled,
    last_message_id,
    outbox_drained,
    press,
)
from tests.support.school import (  # noqa: F401  (fixtures)
    LEFT_BANK,
    OLGA,
    Schooled,
    bot_schooled,
    contract,
    contracts,
    paid_in_full,
    sign_in_bot,
)

MANAGERS_ONLY = "Only owners and administrators may do this."
NOT_YOURS = "You may not do this with that contract."


async def test_a_contract_terminated_early(bot_schooled: Schooled, fake: FakeTelegram) -> None:
    database = bot_schooled.database
    signed = await sign_in_bot(fake, "Spanish · €25.50", "16")
    assert "16 lessons, €367.20" in signed.text  # 408.00 less 10 %
    await paid_in_full(fake, 1)
    await bot_said(fake, MARIA, "The contract is paid in full and active.")
    fake.send_text(ANNA, "/teacher 1 tom")
    await bot_said(fake, TOM, "📚 Contract #1 is yours to teach")
    fake.send_text(ANNA, "/terminate 1")
    await bot_said(fake, ANNA, "Usage: /terminate <contract id> <reason>")
    fake.send_text(ANNA, "/terminate 1 Moved <abroad> & away")
    await bot_said(fake, ANNA, "Contract #1 is terminated; the client is told.")
    told = await bot_said(fake, MARIA, "⛔ Contract #1 is terminated: Moved <abroad> & away")
    assert told.html is not None and "&lt;abroad&gt;" in told.html
    await bot_said(fake, TOM, "⛔ Contract #1 is terminated")
    fake.send_text(ANNA, "/paid 1 5")
    await bot_said(fake, ANNA, "Contract #1 is terminated: nothing more can be recorded on it")
    ended = await contract(database, 1)
    assert ended.status is ContractStatus.TERMINATED
    assert ended.termination_reason == "Moved <abroad> & away"


@pytest.mark.parametrize(
    ("command", "usage"),
    [
        ("/paid", "/paid <contract id> [amount]"),
        ("/paid x", "/paid <contract id> [amount]"),
        ("/paid 1 lots", "lots is not an amount of money"),
        ("/paid 1 1,200.50", "That is more than the balance of contract #1: €160.00"),
        ("/paid 1 €1,200", "That is more than the balance of contract #1: €160.00"),
        ("/teacher 1", "/teacher <contract id> <@username or employee id>"),
        ("/lesson", "/lesson <contract id>"),
        ("/lesson 1 2", "/lesson <contract id>"),
        ("/lesson ٣", "/lesson <contract id>"),
        ("/lesson 99999999999999999999", "/lesson <contract id>"),
        ("/lesson 99", "Contract #99 does not exist"),
        ("/teacher 1 @nobody", "No employee @nobody"),
    ],
)
async def test_staff_commands_explain_bad_arguments(
    bot_schooled: Schooled, fake: FakeTelegram, command: str, usage: str
) -> None:
    await sign_in_bot(fake, "English · €20.00", "8")
    before = await contracts(bot_schooled.database)
    fake.send_text(ANNA, command)
    await bot_said(fake, ANNA, usage)
    assert await contracts(bot_schooled.database) == before


async def test_nonsense_in_the_dialog_gets_the_question_again(
    bot_schooled: Schooled, fake: FakeTelegram
) -> None:
    database = bot_schooled.database
    fake.send_text(MARIA, "/contract")
    question = await bot_said(fake, MARIA, "Which language")
    # A forged button for the language no longer taught is refused; the question stands.
    latin = fake.press_callback(
        MARIA, question.message_id, f"cs:language:{bot_schooled.school.latin.id}"
    )
    await eventually(lambda: latin["callback_query"]["id"] in fake.answered_callbacks)
    await handled(fake)
    assert fake.answered_callbacks[latin["callback_query"]["id"]]["text"] == (
        "Latin is not taught at the moment"
    )
    fake.press(MARIA, "English · €20.00")
    await bot_said(fake, MARIA, "how many lessons?")
    for typed, answer in [
        ("0", "The number of lessons must be from 1 to 500"),
        ("-3", "The number of lessons must be from 1 to 500"),
        ("1000000000", "The number of lessons must be from 1 to 500"),
        ("9" * 5000, "The number of lessons must be from 1 to 500"),
        ("501", "The number of lessons must be from 1 to 500"),
        ("abc", "“abc” is not a number of lessons"),
        ("10^9", "“10^9” is not a number of lessons"),
        ("١٢", "“١٢” is not a number of lessons"),
        ("<b>", "“<b>” is not a number of lessons"),
    ]:
        mark = last_message_id(fake, MARIA)
        fake.send_text(MARIA, typed)
        await bot_said(fake, MARIA, answer, after=mark)
        again = await bot_said(fake, MARIA, "how many lessons?", after=mark)
        assert again.buttons() == ["8", "16", "32", "64"]
    fake.send_text(MARIA, "32")
    await bot_said(fake, MARIA, "Which branch")
    fake.press(MARIA, LEFT_BANK)
    summary = await bot_said(fake, MARIA, "Your contract")
    assert "Discount: 15 % (−€96.00)" in summary.text
    assert "Total: €544.00" in summary.text

    fake.send_text(MARIA, "/cancel")
    await bot_said(fake, MARIA, "Cancelled.")
    fake.press(MARIA, "✅ Sign")  # the summary's button, pressed after /cancel
    await bot_said(fake, MARIA, "That choice is no longer open. /contract starts again.")
    # The first question's button, sent again by the client after /cancel.
    await press(fake, MARIA, question.message_id, f"cs:language:{bot_schooled.school.english.id}")
    assert fake.bot_messages(MARIA)[-1].text.startswith("That choice is no longer open.")

    mark = last_message_id(fake, MARIA)
    await sign_in_bot(fake, "English · €20.00", "8")
    fake.send_text(MARIA, "/contract")
    await bot_said(fake, MARIA, "Which language", after=mark)
    fake.press(MARIA, "English · €20.00")
    await bot_said(fake, MARIA, "how many lessons?", after=mark)
    fake.press(MARIA, "16")
    await bot_said(fake, MARIA, "Which branch", after=mark)
    fake.press(MARIA, LEFT_BANK)
    await bot_said(fake, MARIA, "Sign it?", after=mark)
    fake.press(MARIA, "✖️ Cancel")
    await bot_said(fake, MARIA, "All right, nothing is signed.")
    async with database.reader() as session:
        signed = list(await session.scalars(select(Contract)))
    assert [(c.id, c.lessons) for c in signed] == [(1, 8)]

    # A stranger is asked to register first, the way /new does.
    fake.add_user(SandboxUser(id=9999, first_name="Sam", language_code="en"))
    fake.send_text(9999, "/contract")
    await bot_said(fake, 9999, "We have not met yet. Send /start to register.")


async def test_a_client_never_sees_another_clients_contract(
    bot_schooled: Schooled, fake: FakeTelegram
) -> None:
    await sign_in_bot(fake, "English · €20.00", "8")
    fake.send_text(ANNA, "/paid 1 10")
    await bot_said(fake, ANNA, "Record a payment")
    fake.press(ANNA, "💶 cash")
    await bot_said(fake, ANNA, "recorded on #1")
    before = await contracts(bot_schooled.database)
    fake.send_text(BOB, "/contracts")
    bobs = await bot_said(fake, BOB, "You have no contracts yet.")
    fake.send_text(BOB, "/contracts 1")
    await bot_said(fake, BOB, "Contract #1 does not exist")
    forged = [
        fake.press_callback(BOB, bobs.message_id, data)
        for data in [
            "ct:view:1",
            "ct:lesson:1",
            "ct:teacher:1",
            f"ctt:1:{bot_schooled.people.ivan.id}",
        ]
    ]
    ids = [update["callback_query"]["id"] for update in forged]
    await eventually(lambda: set(ids) <= fake.answered_callbacks.keys())
    await handled(fake)
    assert [fake.answered_callbacks[i]["text"] for i in ids] == [
        "Contract #1 does not exist",
        "Contract #1 does not exist",
        MANAGERS_ONLY,
        MANAGERS_ONLY,
    ]
    assert not [m for m in fake.bot_messages(BOB) if "Maria" in m.text or "€" in m.text]
    fake.send_text(BOB, "/status")
    status = await bot_said(fake, BOB, "You have no open requests.")
    assert "Contracts" not in status.text
    assert await contracts(bot_schooled.database) == before


async def _school_of_contracts(schooled: Schooled) -> None:
    """Seven contracts of Maria's, one per action of the role matrix: #1 unpaid, #2 and #7
    paid with no teacher, the others paid and taught by Ivan."""
    notifier = Notifier("en", "EUR")
    async with schooled.database.writer() as session, session.begin():
        anna = await session.get(Employee, schooled.people.anna.id)
        maria = await session.get(Client, schooled.people.maria.id)
        assert anna is not None and maria is not None
        for number in range(1, 8):
            now = utcnow()
            signed = await sign_contract(
                session,
                notifier,
                actor=anna,
                client=maria,
                draft=ContractDraft(schooled.school.english.id, 8, schooled.school.left_bank.id),
                now=now,
            )
            if number != 1:
                await record_payment(
                    session, notifier, actor=anna, contract_id=signed.id, amount=None, now=now
                )
            if number not in {2, 7}:
                await assign_teacher(
                    session,
                    notifier,
                    actor=anna,
                    contract_id=signed.id,
                    teacher=StaffRef(username="ivan"),
                    now=now,
                )


ROLES = {
    "client": MARIA,
    "other client": BOB,
    "teacher": IVAN,
    "other specialist": TOM,
    "administrator": ANNA,
    "owner": OLGA,
    "helper": PAVEL,
}


MANAGERS = {"administrator", "owner"}


ACTIONS: list[tuple[str, str, set[str]]] = [
    ("/paid 1 10", "Record a payment of €10.00 on contract #1?", MANAGERS),
    ("pay:1:cash:1000:0", "Payment of €10.00 recorded on #1.", MANAGERS),
    ("/teacher 2 @ivan", "Ivan Kuznetsov teaches contract #2 now", MANAGERS),
    ("/lesson 3", "Lesson recorded on #3", MANAGERS | {"teacher"}),
    ("/terminate 4 Moving away", "Contract #4 is terminated", MANAGERS),
    ("/contracts 5", "Lessons: 0 given, 8 left", MANAGERS | {"client", "teacher", "helper"}),
    ("ct:view:5", "Lessons: 0 given, 8 left", MANAGERS | {"client", "teacher", "helper"}),
    ("ct:teacher:2", "Who will teach contract #2", MANAGERS),
    ("ct:lesson:6", "Lesson recorded on #6", MANAGERS | {"teacher"}),
    ("ctt:7:{ivan}", "Ivan Kuznetsov teaches contract #7 now", MANAGERS),
]


REFUSALS = {
    STAFF_ONLY,
    MANAGERS_ONLY,
    NOT_YOURS,
    "Contract #3 does not exist",
    "Contract #5 does not exist",
    "Contract #6 does not exist",
}


@pytest.mark.parametrize("role", list(ROLES))
async def test_who_may_do_what_with_a_contract(
    bot_schooled: Schooled, fake: FakeTelegram, role: str
) -> None:
    database, user = bot_schooled.database, ROLES[role]
    await _school_of_contracts(bot_schooled)
    await eventually_async(lambda: outbox_drained(database), what="the setup's notices sent")
    fake.send_text(user, "/help")
    anchor = await bot_said(fake, user, "Commands for you")
    for action, allowed_sees, allowed in ACTIONS:
        before = await contracts(database)
        mark = last_message_id(fake, user)
        if action.startswith("/"):
            fake.send_text(user, action)
            answer = (await bot_said(fake, user, "", after=mark)).text
        else:
            data = action.format(ivan=bot_schooled.people.ivan.id)
            query = await press(fake, user, anchor.message_id, data)
            said = [m.text for m in fake.bot_messages(user) if m.message_id > mark]
            answer = fake.answered_callbacks[query].get("text") or "\n".join(said)
        if role in allowed:
            assert allowed_sees in answer, (role, action, answer)
            continue
        assert answer in REFUSALS, (role, action, answer)
        if (
            role in {"client", "other client"}
            and action.startswith("/")
            and "contracts" not in action
        ):
            assert answer == STAFF_ONLY
        assert not [m for m in fake.bot_messages(user) if m.message_id > mark and "€" in m.text]
        assert await contracts(database) == before, (role, action)


async def test_the_school_commands_are_in_each_roles_help(
    bot_schooled: Schooled, fake: FakeTelegram
) -> None:
    fake.send_text(MARIA, "/help")
    client_help = await bot_said(fake, MARIA, "Commands for you (client):")
    for command in ["/contract —", "/contracts —", "/status —", "/languages —"]:
        assert command in client_help.text
    assert "/paid" not in client_help.text
    fake.send_text(ANNA, "/help")
    admin_help = await bot_said(fake, ANNA, "Commands for you (administrator):")
    for command in ["/paid —", "/teacher —", "/lesson —", "/terminate —", "/contracts —"]:
        assert command in admin_help.text
    fake.send_text(IVAN, "/help")
    teacher_help = await bot_said(fake, IVAN, "Commands for you (specialist):")
    assert "/lesson —" in teacher_help.text and "/paid" not in teacher_help.text


async def test_a_french_client_reads_prices_the_french_way(
    bot_schooled: Schooled, fake: FakeTelegram
) -> None:
    async with bot_schooled.database.writer() as session, session.begin():
        maria = await session.get(Client, bot_schooled.people.maria.id)
        assert maria is not None
        maria.language = "fr"
    fake.send_text(MARIA, "/languages")
    catalog = await bot_said(fake, MARIA, "Les langues et le prix d’un cours :")
    assert "English — 20,00\u00a0€ le cours" in catalog.text
    assert "À partir de 16 cours : 10 % de remise" in catalog.text
    fake.send_text(MARIA, "/contract")
    question = await bot_said(fake, MARIA, "Quelle langue voulez-vous apprendre ?")
    assert question.buttons() == ["English · 20,00\u00a0€", "Spanish · 25,50\u00a0€"]


async def test_a_total_past_what_a_contract_holds_is_refused_in_the_dialog(
    bot_schooled: Schooled, fake: FakeTelegram
) -> None:
    """A price per lesson of 9,999,999,999.99 is a price; 2 or 8 lessons of it are more than
    the amount column holds (a 500 on PostgreSQL before): the lessons are asked again."""
    database = bot_schooled.database
    async with database.writer() as session, session.begin():
        dearest = Language(name="Dearest", price_per_lesson=Decimal("9999999999.99"))
        session.add(dearest)
        await session.flush()
        dearest_id = dearest.id
    fake.send_text(MARIA, "/contract")
    question = await bot_said(fake, MARIA, "Which language")
    fake.press_callback(MARIA, question.message_id, f"cs:language:{dearest_id}")
    await bot_said(fake, MARIA, "how many lessons?")
    mark = last_message_id(fake, MARIA)
    fake.send_text(MARIA, "2")
    said = await bot_said(fake, MARIA, "more than one contract can hold", after=mark)
    assert "2 lessons" in said.text and "choose fewer lessons" in said.text
    await bot_said(fake, MARIA, "how many lessons?", after=mark)
    mark = last_message_id(fake, MARIA)
    fake.press(MARIA, "8")
    await bot_said(fake, MARIA, "more than one contract can hold", after=mark)
    assert await contracts(database) == [("payments", 0), ("lessons", 0)]
