"""The language school through the real bot, over HTTP against the fake Bot API: a contract's
whole life, signed, paid, taught and completed, and what each person is told. Who may do what
with a contract, and the refusals, run with the bot in this process in test_contracts_bot.py."""

from __future__ import annotations

from decimal import Decimal

from bot.sandbox.telegram import FakeTelegram
from db.enums import ContractStatus, PaymentMethod
from tests.support.desk import ANNA, IVAN, MARIA, desk  # noqa: F401  (fixtures)
from tests.support.e2e import bot_said, last_message_id, notified, press
from tests.support.school import (  # noqa: F401  (fixtures)
    LEFT_BANK,
    OLGA,
    Schooled,
    contract,
    payments,
    schooled,
    whole_button,
)


async def test_the_life_of_a_contract_from_signing_to_completed(
    schooled: Schooled, fake: FakeTelegram
) -> None:
    database = schooled.database
    fake.send_text(MARIA, "/languages")
    catalog = await bot_said(fake, MARIA, "Languages and their price per lesson:")
    assert "English — €20.00 per lesson" in catalog.text
    assert "Spanish — €25.50 per lesson" in catalog.text
    assert "Latin" not in catalog.text  # no longer taught
    assert "From 16 lessons: 10 % off" in catalog.text
    fake.send_text(MARIA, "/teachers")
    teachers = await bot_said(fake, MARIA, "Our teachers:")
    assert "Ivan Kuznetsov — English" in teachers.text
    assert "Tom Baker — Spanish" in teachers.text

    fake.send_text(MARIA, "/contract")
    question = await bot_said(fake, MARIA, "Which language do you want to learn?")
    assert question.buttons() == ["English · €20.00", "Spanish · €25.50"]
    fake.press(MARIA, "English · €20.00")
    lessons = await bot_said(fake, MARIA, "English: how many lessons?")
    assert lessons.buttons() == ["8", "16", "32", "64"]
    fake.send_text(MARIA, "3")
    branch = await bot_said(fake, MARIA, "Which branch will you study at?")
    assert branch.buttons() == [LEFT_BANK, "Repair workshop · 12 Lesnaya St."]
    fake.press(MARIA, LEFT_BANK)
    summary = await bot_said(fake, MARIA, "Your contract")
    assert "Price per lesson: €20.00" in summary.text
    assert "Discount" not in summary.text
    assert "Total: €60.00" in summary.text
    assert "Branch: Left bank (3 Quai Voltaire)" in summary.text
    fake.press(MARIA, "✅ Sign")
    signed = await bot_said(fake, MARIA, "✅ Contract #1 is signed: English, 3 lessons, €60.00.")
    assert "It is unpaid" in signed.text
    new = await notified(fake, database, ANNA, "📝 New contract #1: Maria Lopez, English")
    assert new.buttons() == ["Open the contract"]
    await bot_said(fake, OLGA, "📝 New contract #1")

    fake.send_text(ANNA, "/paid 1 20,5")
    asked = await bot_said(fake, ANNA, "Record a payment of €20.50 on contract #1?")
    assert asked.buttons() == ["💶 cash", "💶 card", "💶 bank transfer"]
    fake.press(ANNA, "💶 card")
    await bot_said(fake, ANNA, "Payment of €20.50 recorded on #1. Still to pay: €39.50.")
    await bot_said(fake, MARIA, "💳 Payment of €20.50 received for contract #1.")
    assert (await contract(database, 1)).status is ContractStatus.UNPAID
    fake.send_text(MARIA, "/status")
    status = await bot_said(fake, MARIA, "Contracts:")
    assert "Contract #1 · English · unpaid · 3 lessons left · to pay: €39.50" in status.text
    assert "You have no open requests." in status.text
    fake.send_text(ANNA, "/paid 1")
    # The whole balance is shown and recorded only when confirmed, by the method pressed.
    whole = await bot_said(fake, ANNA, "Record a payment of €39.50 on contract #1?")
    assert (await contract(database, 1)).paid == Decimal("20.50")
    stale = whole_button(whole, "💶 cash")  # a second device still shows the buttons
    fake.press(ANNA, "💶 bank transfer")
    await bot_said(fake, ANNA, "Payment of €39.50 recorded on #1. It is paid in full and active.")
    # A second press of the same question records nothing.
    mark = last_message_id(fake, ANNA)
    query = await press(fake, ANNA, whole.message_id, stale)
    assert "Contract #1 has been paid since: nothing is recorded" in (
        fake.answered_callbacks[query].get("text") or ""
    )
    assert not [m for m in fake.bot_messages(ANNA) if m.message_id > mark and "€" in m.text]
    paid = await contract(database, 1)
    assert paid.paid == Decimal("60.00")
    assert [p.method for p in await payments(database)] == [
        PaymentMethod.CARD,
        PaymentMethod.TRANSFER,
    ]
    await bot_said(fake, MARIA, "The contract is paid in full and active.")

    fake.send_text(ANNA, "/teacher 1 @tom")
    await bot_said(fake, ANNA, "Tom Baker does not teach English")
    assert (await contract(database, 1)).teacher_id is None
    fake.press(ANNA, "Open the contract")
    card = await bot_said(fake, ANNA, "Client: Maria Lopez (+34600123456)")
    assert "Balance: €0.00" in card.text and "Teacher: nobody yet" in card.text
    assert card.buttons() == ["👩‍🏫 Assign a teacher", "✅ Lesson given"]
    fake.press(ANNA, "👩‍🏫 Assign a teacher")
    choice = await bot_said(fake, ANNA, "Who will teach contract #1 (English)?")
    assert choice.buttons() == ["Ivan Kuznetsov"]  # Tom teaches Spanish only
    fake.press(ANNA, "Ivan Kuznetsov")
    await bot_said(fake, ANNA, "Ivan Kuznetsov teaches contract #1 now")
    given = await bot_said(fake, IVAN, "📚 Contract #1 is yours to teach: English, 3 lessons.")
    assert "Client: Maria Lopez" in given.text and "Phone: +34600123456" in given.text
    told = await notified(fake, database, MARIA, "👩‍🏫 Ivan Kuznetsov will teach you English")

    # Maria answers the notice: it goes to her teacher.
    fake.send_text(MARIA, "Can we start on Monday?", reply_to=told.message_id)
    await bot_said(fake, MARIA, "Sent to Ivan Kuznetsov, your teacher on contract #1.")
    wrote = await bot_said(fake, IVAN, "✉️ Maria Lopez wrote about contract #1:")
    assert "Can we start on Monday?" in wrote.text

    fake.send_text(IVAN, "/contracts")
    taught = await bot_said(fake, IVAN, "The contracts you teach (1):")
    fake.press(IVAN, taught.buttons()[0])
    ivans_card = await bot_said(fake, IVAN, "Client: Maria Lopez (+34600123456)")
    assert ivans_card.buttons() == ["✅ Lesson given"]
    fake.press(IVAN, "✅ Lesson given")
    await bot_said(fake, IVAN, "Lesson recorded on #1: 2 lessons left.")
    await bot_said(fake, MARIA, "✅ A lesson of contract #1 is given: 2 lessons left.")
    fake.send_text(IVAN, "/lesson 1")
    await bot_said(fake, IVAN, "Lesson recorded on #1: 1 lesson left.")
    fake.send_text(ANNA, "/lesson 1")
    await bot_said(fake, ANNA, "Lesson recorded: contract #1 is completed.")
    await bot_said(fake, MARIA, "🎓 Contract #1 is completed: every lesson is given.")
    fake.send_text(IVAN, "/lesson 1")
    await bot_said(fake, IVAN, "Contract #1 is completed: nothing more can be recorded on it")

    done = await contract(database, 1)
    assert (done.status, done.lessons_given, done.paid) == (
        ContractStatus.COMPLETED,
        3,
        Decimal("60.00"),
    )
    fake.send_text(MARIA, "/contracts")
    mine = await bot_said(fake, MARIA, "Your contracts")
    assert "Contract #1 · English · completed · 0 lessons left" in mine.text
    fake.press(MARIA, "Contract #1 · English · completed")
    own_card = await bot_said(fake, MARIA, "Lessons: 3 given, 0 left, of 3")
    assert "+34600123456" not in own_card.text and own_card.buttons() == []


# (what is done, what an allowed person sees, who is allowed)
