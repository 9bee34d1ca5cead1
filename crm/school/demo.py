"""The demo business's language school: languages with their prices (one no longer taught),
discount tiers, teachers in two branches, and contracts in every status with their payments and
lessons, signed over the past ten months.

The contracts are made through the services of ``crm.school.contracts``, each step at its own moment
before ``now``, so the demo obeys the same rules as the bot and the site. Nobody is told of
this invented history: the services are given a notifier that queues nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from crm.areas import DemoCast, DemoPeople
from crm.demo.untold import Untold
from crm.people.staff_search import StaffRef
from crm.school.contracts import (
    ContractDraft,
    assign_teacher,
    record_lesson,
    record_payment,
    sign_contract,
    terminate_contract,
)
from db.enums import ClientStage, PaymentMethod, Role
from db.models import Client, DiscountTier, Employee, Language

# The school's branches, people and students. The Paris branch, its front desk and the first
# students are the repair centre's too (``crm.tickets.demo``): made once when either is on, as
# the repair centre has them when it is (what brought them in first).
PEOPLE = DemoPeople(
    departments=(
        ("Branch Paris", "8 rue des Écoles, Paris", "+33142345678", "Repairs, language classes", True),
        ("Language school", "7 Tverskaya St., Moscow", "+74957654321", "English, German, Spanish", False),
    ),
    staff=(
        ("Anna Petrova", "anna_admin", Role.ADMIN, "Front desk administrator", "Repair workshop", 6, "65000", "ru"),
        ("Irina Belova", "irina_admin", Role.ADMIN, "School administrator", "Language school", 8, "70000", "ru"),
        ("Svetlana Morozova", "svetlana_teacher", Role.SPECIALIST, "Senior language teacher", "Language school", 11, "85000", "ru"),
        ("Alexei Nikitin", "alexei_teacher", Role.SPECIALIST, "Language teacher", "Language school", 3, "60000", "ru"),
        ("Claire Lefèvre", "claire_teacher", Role.SPECIALIST, "Language teacher", "Branch Paris", 7, "2900", "fr"),
    ),
    clients=(
        ("Dmitry Volkov", "+79161230001", "dvolkov", "ru", ClientStage.ACTIVE, None, "website", None),
        ("Elena Sokolova", "+79161230002", "lena_s", "ru", ClientStage.LEAD, None, "referral", None),
        ("Camille Martin", "+33612340003", "camille_m", "fr", ClientStage.ACTIVE, None, None, None),
        ("John Carter", "+447700900004", "jcarter", "en", ClientStage.THINKING, None, "ad", None),
        ("Natalia Ivanova", "+79161230005", None, "ru", ClientStage.FINISHED, None, "walk-in", None),
        ("Lucas Bernard", "+33612340006", "lucasb", "fr", ClientStage.PAUSED, None, "website", None),
        ("Maria Kozlova", "+79161230007", "mkozlova", "ru", ClientStage.ACTIVE, "English", "website", None),
        ("Sophie Laurent", "+33612340008", "sophie_l", "fr", ClientStage.ACTIVE, "French", "referral", None),
    ),
)  # fmt: skip

# (name, price per lesson, taught now)
LANGUAGES = [
    ("English", "22.00", True),
    ("French", "25.00", True),
    ("German", "24.00", True),
    ("Spanish", "21.00", True),
    ("Italian", "26.00", False),  # switched off after its last course ended
]
# (from this many lessons, percent off)
DISCOUNT_TIERS = [(32, "10"), (64, "15")]
# Who teaches what, by the demo employee's username.
TEACHES = {
    "svetlana_teacher": ["English", "German"],
    "alexei_teacher": ["English", "Spanish"],
    "claire_teacher": ["French", "English", "Italian"],
}


@dataclass(frozen=True)
class Paid:
    """A payment in a contract's story."""

    days_ago: float
    amount: str | None  # None: the balance
    method: PaymentMethod = PaymentMethod.CARD


@dataclass(frozen=True)
class DemoContract:
    """One contract's story: signed by the client, paid, taught, perhaps ended early."""

    client: str
    language: str
    lessons: int
    branch: str
    signed_days_ago: float
    payments: Sequence[Paid] = ()
    teacher: str | None = None
    lessons_given: int = 0
    terminated: tuple[float, str] | None = None  # (days ago, reason)


# Oldest first, so the contracts' numbers follow their dates as they would in real life.
CONTRACTS = [
    # Completed: an Italian course in Paris, before Italian was switched off.
    DemoContract(
        "Lucas Bernard", "Italian", 16, "Branch Paris", 300,
        [Paid(299, None)], "claire_teacher", lessons_given=16,
    ),
    # Terminated: paid in two parts, six lessons, then the client moved away.
    DemoContract(
        "Natalia Ivanova", "Spanish", 32, "Language school", 200,
        [Paid(199, "300.00", PaymentMethod.CASH), Paid(185, None, PaymentMethod.TRANSFER)],
        "alexei_teacher", lessons_given=6,
        terminated=(160, "Moved to Saint Petersburg for work"),
    ),
    # Completed: a short English course.
    DemoContract(
        "Dmitry Volkov", "English", 8, "Language school", 90,
        [Paid(89, None)], "svetlana_teacher", lessons_given=8,
    ),
    # Active: 64 lessons at 15 % off, paid in two parts, ten lessons given.
    DemoContract(
        "Maria Kozlova", "English", 64, "Language school", 60,
        [Paid(59, "500.00", PaymentMethod.TRANSFER), Paid(45, None, PaymentMethod.TRANSFER)],
        "alexei_teacher", lessons_given=10,
    ),
    # Active: German, six lessons of sixteen given.
    DemoContract(
        "Elena Sokolova", "German", 16, "Language school", 30,
        [Paid(29, None, PaymentMethod.CASH)], "svetlana_teacher", lessons_given=6,
    ),
    # Unpaid, partly paid: the teacher is chosen, lessons start once the rest is paid.
    DemoContract(
        "Sophie Laurent", "French", 32, "Branch Paris", 14,
        [Paid(13, "300.00")], "claire_teacher",
    ),
    # Unpaid: signed this week, nothing paid, no teacher yet.
    DemoContract("John Carter", "French", 16, "Branch Paris", 5),
    DemoContract("Camille Martin", "English", 8, "Branch Paris", 1),
]  # fmt: skip


async def seed_school(session: AsyncSession, cast: DemoCast, now: datetime) -> dict[str, int]:
    """The school beside the demo's people (already flushed): its catalog, what each teacher
    teaches, and ``CONTRACTS``; returns how many of each were made."""
    languages = {
        name: Language(name=name, price_per_lesson=Decimal(price), active=True)
        for name, price, _ in LANGUAGES
    }
    session.add_all(languages.values())
    session.add_all(
        DiscountTier(min_lessons=lessons, percent=Decimal(percent))
        for lessons, percent in DISCOUNT_TIERS
    )
    by_username = cast.staff
    for username, taught in TEACHES.items():
        teacher = by_username[username]
        await session.refresh(teacher, ["languages"])
        teacher.languages = [languages[name] for name in taught]
    await session.flush()
    branches = {name: branch.id for name, branch in cast.departments.items() if branch.address}
    people: dict[str, Client] = cast.clients
    for story in CONTRACTS:
        await _live(session, story, people, languages, branches, by_username, now)
    for name, _, taught_now in LANGUAGES:
        languages[name].active = taught_now
    await session.flush()
    return {"languages": len(languages), "contracts": len(CONTRACTS)}


async def _live(
    session: AsyncSession,
    story: DemoContract,
    people: dict[str, Client],
    languages: dict[str, Language],
    branches: dict[str, int],
    staff: dict[str, Employee],
    now: datetime,
) -> None:
    """``story`` as it happened: each step through its service at its own moment."""
    told = Untold("en")
    # The school's administrator takes the money in Moscow, the front desk in Paris.
    manager = staff["irina_admin" if story.branch == "Language school" else "anna_admin"]
    client = people[story.client]
    signed = now - timedelta(days=story.signed_days_ago, hours=3)
    contract = await sign_contract(
        session,
        told,
        actor=client,
        client=client,
        draft=ContractDraft(languages[story.language].id, story.lessons, branches[story.branch]),
        now=signed,
    )
    for payment in story.payments:
        await record_payment(
            session,
            told,
            actor=manager,
            contract_id=contract.id,
            amount=None if payment.amount is None else Decimal(payment.amount),
            method=payment.method,
            now=now - timedelta(days=payment.days_ago, hours=2),
        )
    if story.teacher is not None:
        teacher = staff[story.teacher]
        await assign_teacher(
            session,
            told,
            actor=manager,
            contract_id=contract.id,
            teacher=StaffRef(employee_id=teacher.id),
            now=signed + timedelta(hours=20),
        )
        # Twice a week from the day after the last payment (or the signing).
        start = (story.payments[-1].days_ago if story.payments else story.signed_days_ago) - 1
        for number in range(story.lessons_given):
            given = now - timedelta(days=start - number * 3.5, hours=5)
            await record_lesson(session, told, actor=teacher, contract_id=contract.id, now=given)
    if story.terminated is not None:
        days_ago, reason = story.terminated
        await terminate_contract(
            session,
            told,
            actor=manager,
            contract_id=contract.id,
            reason=reason,
            now=now - timedelta(days=days_ago),
        )
