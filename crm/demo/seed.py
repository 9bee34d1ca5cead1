"""A believable demo business for the sandbox: a repair and support centre that also runs a
language school in two branches (the school's part is in ``crm.demo.school``) and a coaching
practice (``crm.demo.coaching``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from crm.demo.coaching import seed_coaching
from crm.demo.school import seed_school
from crm.errors import Conflict
from crm.i18n import N_
from crm.people.passwords import hash_password
from db.enums import ClientStage, Role, TicketEventKind, TicketStatus
from db.models import Client, Department, Employee, Ticket, TicketEvent

# Every demo employee signs in to the admin site with their first name and this password.
DEMO_PASSWORD = "frontdoor-demo"  # noqa: S105 - a published demo password, not a secret

# Telegram ids of the demo people: high enough never to be a real account in a sandbox.
DEMO_STAFF_IDS = range(9_100_000_001, 9_100_000_100)
DEMO_CLIENT_IDS = range(9_200_000_001, 9_200_001_000)

# A department with an address is a branch, where the school's lessons are given: the language
# school in Moscow and the Paris branch. The workshop takes devices in through the branches.
_DEPARTMENTS = [
    ("Repair workshop", None, "+74951234567", "Phones, laptops, appliances"),
    ("Support line", None, None, "Advice by phone and chat, remote set-up"),
    ("Branch Paris", "8 rue des Écoles, Paris", "+33142345678", "Repairs, language classes"),
    ("Language school", "7 Tverskaya St., Moscow", "+74957654321", "English, German, Spanish"),
    (
        "Coaching practice",
        None,
        "+74959876543",
        "Career and leadership coaching, online and in person",
    ),
]

# (name, username, role, position, department index or None, experience, salary, the language
# their Telegram app is in). Nobody has chosen a language: the bot speaks their Telegram's (the
# sandbox plays it), the site their browser's, until they choose one.
_STAFF = [
    ("Olga Smirnova", "olga_owner", Role.OWNER, "Owner", None, 15, None, "ru"),
    ("Anna Petrova", "anna_admin", Role.ADMIN, "Front desk administrator", 0, 6, "65000", "ru"),
    ("Ivan Kuznetsov", "ivan_repair", Role.SPECIALIST, "Repair engineer", 0, 9, "90000", "ru"),
    ("Marie Dubois", "marie_support", Role.SPECIALIST, "Support specialist", 2, 4, "3100", "fr"),
    ("Tom Baker", "tom_support", Role.SPECIALIST, "Support specialist", 1, 2, "2800", "en"),
    ("Pavel Orlov", "pavel_helper", Role.HELPER, "Intern", 1, 0, "30000", "ru"),
    # The school's people (what each teaches: crm.demo.school.TEACHES).
    ("Irina Belova", "irina_admin", Role.ADMIN, "School administrator", 3, 8, "70000", "ru"),
    (
        "Svetlana Morozova",
        "svetlana_teacher",
        Role.SPECIALIST,
        "Senior language teacher",
        3,
        11,
        "85000",
        "ru",
    ),
    ("Alexei Nikitin", "alexei_teacher", Role.SPECIALIST, "Language teacher", 3, 3, "60000", "ru"),
    ("Claire Lefèvre", "claire_teacher", Role.SPECIALIST, "Language teacher", 2, 7, "2900", "fr"),
    # The coaching practice's people (their profiles: crm.demo.coaching.COACHES).
    (
        "Ekaterina Romanova",
        "ekaterina_coach",
        Role.SPECIALIST,
        "Career coach",
        4,
        10,
        "95000",
        "ru",
    ),
    ("Julien Moreau", "julien_coach", Role.SPECIALIST, "Leadership coach", 4, 12, "4200", "fr"),
    # A former coaching client who now helps the practice's clients between sessions.
    ("Vera Zaitseva", "vera_helper", Role.HELPER, "Coaching assistant", 4, 1, "40000", "ru"),
]

# (name, phone, username, language, stage, topic, source)
_CLIENTS = [
    ("Dmitry Volkov", "+79161230001", "dvolkov", "ru", ClientStage.ACTIVE, "Laptop fan", "website"),
    ("Elena Sokolova", "+79161230002", "lena_s", "ru", ClientStage.LEAD, None, "referral"),
    ("Camille Martin", "+33612340003", "camille_m", "fr", ClientStage.ACTIVE, "Phone screen", None),
    ("John Carter", "+447700900004", "jcarter", "en", ClientStage.THINKING, "Home Wi-Fi", "ad"),
    ("Natalia Ivanova", "+79161230005", None, "ru", ClientStage.FINISHED, "Printer", "walk-in"),
    ("Lucas Bernard", "+33612340006", "lucasb", "fr", ClientStage.PAUSED, None, "website"),
    ("Maria Kozlova", "+79161230007", "mkozlova", "ru", ClientStage.ACTIVE, "English", "website"),
    ("Sophie Laurent", "+33612340008", "sophie_l", "fr", ClientStage.ACTIVE, "French", "referral"),
    # The coaching practice's clients (their stories: crm.demo.coaching).
    (
        "Alexandra Fedorova", "+79161230009", "alex_fedorova", "ru", ClientStage.ACTIVE,
        "From accounting to product analytics", "website",
    ),
    (
        "Pierre Girard", "+33612340010", "pgirard", "fr", ClientStage.ACTIVE,
        "Leading a team for the first time", "referral",
    ),
    (
        "Olesya Kim", "+79161230011", "olesya_kim", "ru", ClientStage.CONSULTATION,
        "Speaking at conferences", "ad",
    ),
    ("Marc Petit", "+33612340012", "marcpetit", "fr", ClientStage.LEAD, None, "website"),
    (
        "Vera Zaitseva", "+79161230013", "vera_z", "ru", ClientStage.FINISHED,
        "Back to work after parental leave", "referral",
    ),
]  # fmt: skip


@dataclass(frozen=True)
class DemoLogin:
    """A demo employee's web login, and who they are (what the banner of ``crm run`` lists)."""

    login: str
    name: str
    role: Role
    position: str


def _login(name: str) -> str:
    return name.split()[0].lower()


# Every demo login, in the order the demo adds the people: the one list the banner of `crm run`
# prints, and a test checks README against.
DEMO_LOGINS = tuple(
    DemoLogin(_login(name), name, role, position) for name, _, role, position, *_ in _STAFF
)


def demo_telegram_language(telegram_id: int) -> str | None:
    """The language a demo person's Telegram app is in (what the sandbox plays for them)."""
    if telegram_id in DEMO_STAFF_IDS:
        index, people = DEMO_STAFF_IDS.index(telegram_id), _STAFF
        return people[index][7] if index < len(people) else None
    if telegram_id in DEMO_CLIENT_IDS:
        index = DEMO_CLIENT_IDS.index(telegram_id)
        return _CLIENTS[index][3] if index < len(_CLIENTS) else None
    return None


async def demo_logins(session: AsyncSession) -> list[tuple[str, str, Role]]:
    """(login, name, role) of the seeded demo employees who can sign in: what the sandbox's
    sign-in page lists next to ``DEMO_PASSWORD``."""
    rows = await session.execute(
        select(Employee.web_login, Employee.full_name, Employee.role)
        .where(
            Employee.telegram_id.between(DEMO_STAFF_IDS.start, DEMO_STAFF_IDS.stop - 1),
            Employee.active.is_(True),
            Employee.web_login.is_not(None),
            Employee.password_hash.is_not(None),
        )
        .order_by(Employee.telegram_id)
    )
    return [(str(login), name, role) for login, name, role in rows]


async def is_empty(session: AsyncSession) -> bool:
    """Whether the business has no employees, clients or departments yet."""
    for model in (Employee, Client, Department):
        if await session.scalar(select(func.count()).select_from(model)):
            return False
    return True


async def seed_demo(session: AsyncSession, *, now: datetime) -> dict[str, int]:
    """Fill an empty database with the demo business as it stands at ``now``; returns how many
    of each were made."""
    if not await is_empty(session):
        raise Conflict(
            N_("the database is not empty; the demo business goes only into an empty one")
        )
    departments = [
        Department(name=name, address=address, phone=phone, description=description)
        for name, address, phone, description in _DEPARTMENTS
    ]
    session.add_all(departments)
    staff = _demo_staff(departments)
    session.add_all(staff)
    helper = next(employee for employee in staff if employee.role is Role.HELPER)
    clients = _demo_clients(helper)
    session.add_all(clients)
    tickets = _demo_tickets(clients, staff, departments, now)
    session.add_all(tickets)
    await session.flush()
    school = await seed_school(
        session, departments=departments, staff=staff, clients=clients, now=now
    )
    coaching = await seed_coaching(session, staff=staff, clients=clients, now=now)
    return {
        "departments": len(departments),
        "employees": len(staff),
        "clients": len(clients),
        "tickets": len(tickets),
        **school,
        **coaching,
    }


def _demo_staff(departments: list[Department]) -> list[Employee]:
    staff = []
    password_hash = hash_password(DEMO_PASSWORD)
    for telegram_id, row in zip(DEMO_STAFF_IDS, _STAFF, strict=False):
        name, username, role, position, department, experience, salary, _telegram = row
        staff.append(
            Employee(
                telegram_id=telegram_id,
                full_name=name,
                username=username,
                role=role,
                position=position,
                department=None if department is None else departments[department],
                experience_years=experience,
                salary=None if salary is None else Decimal(salary),
                web_login=_login(name),
                password_hash=password_hash,
            )
        )
    return staff


def _demo_clients(helper: Employee) -> list[Client]:
    clients = []
    for index, (telegram_id, card) in enumerate(zip(DEMO_CLIENT_IDS, _CLIENTS, strict=False)):
        name, phone, username, language, stage, topic, source = card
        clients.append(
            Client(
                full_name=name,
                phone=phone,
                telegram_id=telegram_id,
                username=username,
                language=language,
                stage=stage,
                topic=topic,
                source=source,
                # The helper looks after the first two clients, so a helper has work to see.
                helper=helper if index < 2 else None,
            )
        )
    return clients


# (client, department, assignee (staff index) or None, status path, description, days ago)
_TICKETS = [
    (0, 0, 2, ["assigned", "in_progress"], "Laptop fan is very loud after the update", 3),
    (2, 2, 3, ["assigned", "in_progress", "waiting"], "Phone screen cracked, need a quote", 2),
    (3, 1, None, [], "Home Wi-Fi drops every evening around 8 pm", 1),
    (1, 0, None, [], "Washing machine shows error E21", 0),
    (4, 0, 2, ["assigned", "in_progress", "resolved", "closed"], "Printer does not feed paper", 9),
    (5, 2, 4, ["assigned"], "Tablet will not charge", 1),
]


def _demo_tickets(
    clients: list[Client], staff: list[Employee], departments: list[Department], now: datetime
) -> list[Ticket]:
    """A queue with work in every state, its history as if people had done it."""
    tickets = []
    manager = staff[1]
    for client, department, assignee, path, description, days_ago in _TICKETS:
        opened = now - timedelta(days=days_ago, hours=2)
        worker = staff[assignee] if assignee is not None else None
        ticket = Ticket(
            client=clients[client],
            department=departments[department],
            assignee=worker,
            status=TicketStatus(path[-1]) if path else TicketStatus.NEW,
            title=description,
            description=description,
            created_at=opened,
            updated_at=opened,
        )
        ticket.events.append(
            TicketEvent(
                kind=TicketEventKind.CREATED,
                author_client=clients[client],
                to_value="new",
                text=description,
                created_at=opened,
            )
        )
        if worker is not None:
            ticket.events.append(
                TicketEvent(
                    kind=TicketEventKind.ASSIGNED,
                    author_employee=manager,
                    to_value=worker.full_name,
                    created_at=opened + timedelta(minutes=20),
                )
            )
        previous = "new"
        for step, status in enumerate(path, start=1):
            ticket.events.append(
                TicketEvent(
                    kind=TicketEventKind.STATUS,
                    author_employee=manager if status == "assigned" else worker,
                    from_value=previous,
                    to_value=status,
                    created_at=opened + timedelta(minutes=20 + 30 * step),
                )
            )
            previous = status
        if ticket.status is TicketStatus.CLOSED:
            ticket.closed_at = opened + timedelta(days=1)
        tickets.append(ticket)
    return tickets
