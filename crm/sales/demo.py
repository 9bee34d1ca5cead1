"""The demo business's sales desk: two account people, three client companies (one with two
contacts) with their founders, an innovation and an upcoming event someone joined, deals in
every stage of the pipeline (one lost, with its reason), calls and meetings logged, and tasks
(one overdue, one due today).

The deals, interactions and tasks go through the services of ``crm.sales``, each step at its own
moment before ``now``, so the demo obeys the bot's and the site's rules and the board's kept
totals are right. Companies, founders, innovations and the event are rows (their pages read
them as they are).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from crm.areas import DemoCast, DemoPeople
from crm.sales.deals import DealDraft, move_deal, open_deal
from crm.sales.interactions import log_interaction
from crm.sales.tasks import add_task, finish_task
from db.enums import ClientStage, DealStage, InnovationKind, InteractionKind, Role
from db.models import Company, Event, EventParticipant, Founder, Innovation

D = DealStage

PEOPLE = DemoPeople(
    departments=(
        ("Sales", None, "+33142345600", "Business customers and partnerships", False),
    ),
    staff=(
        ("Nina Gromova", "nina_sales", Role.SPECIALIST, "Account executive", "Sales", 6, "80000", "ru"),
        ("Oleg Lebedev", "oleg_sales", Role.SPECIALIST, "Sales representative", "Sales", 2, "60000", "ru"),
    ),
    clients=(
        ("Sergei Popov", "+79161230014", "spopov", "ru", ClientStage.LEAD, None, "conference", None),
        ("Daria Orlova", "+79161230015", "daria_o", "ru", ClientStage.THINKING, None, "conference", None),
        ("Hélène Lemoine", "+33612340016", "helene_l", "fr", ClientStage.ACTIVE, None, "website", None),
        ("Mark Evans", "+447700900017", "mevans", "en", ClientStage.THINKING, None, "referral", None),
    ),
)  # fmt: skip

# (name, industry, website, description)
COMPANIES = (
    ("Nordlight Systems", "Software", "https://nordlight.example", "Warehouse software for retailers"),
    ("Boulangerie Lemoine", "Food retail", "https://lemoine.example", "Six bakeries around Lyon"),
    ("GreenFleet Logistics", "Logistics", "https://greenfleet.example", "Electric delivery vans for city centres"),
)  # fmt: skip
# Each contact's first and last name, email and company.
CONTACTS = {
    "Sergei Popov": ("Sergei", "Popov", "sergei.popov@nordlight.example", "Nordlight Systems"),
    "Daria Orlova": ("Daria", "Orlova", "daria.orlova@nordlight.example", "Nordlight Systems"),
    "Hélène Lemoine": ("Hélène", "Lemoine", "helene@lemoine.example", "Boulangerie Lemoine"),
    "Mark Evans": ("Mark", "Evans", "mark.evans@greenfleet.example", "GreenFleet Logistics"),
}


@dataclass(frozen=True)
class DemoDeal:
    """One deal's story: opened, then moved through its stages (days ago each)."""

    name: str
    client: str
    value: str
    owner: str | None
    opened_days_ago: float
    moves: tuple[tuple[DealStage, float], ...] = ()
    lost_reason: str | None = None
    closes_in_days: int | None = 30


# Oldest first, so the deals' numbers follow their dates.
DEALS = (
    DemoDeal("Loyalty cards for six shops", "Hélène Lemoine", "3200", "oleg_sales", 45,
             ((D.QUALIFIED, 40), (D.PROPOSAL, 30), (D.WON, 10))),
    DemoDeal("Driver tablets", "Mark Evans", "18000", "oleg_sales", 40,
             ((D.QUALIFIED, 35), (D.LOST, 12)), lost_reason="Chose a cheaper supplier"),
    DemoDeal("Route planning for 40 vans", "Mark Evans", "56000", "nina_sales", 30,
             ((D.QUALIFIED, 25), (D.PROPOSAL, 18), (D.NEGOTIATION, 5)), closes_in_days=14),
    DemoDeal("Shop displays", "Hélène Lemoine", "7400", "oleg_sales", 21,
             ((D.QUALIFIED, 16), (D.PROPOSAL, 8)), closes_in_days=21),
    DemoDeal("40 scanner licences", "Daria Orlova", "28500", "nina_sales", 20,
             ((D.QUALIFIED, 15),), closes_in_days=45),
    DemoDeal("Warehouse pilot", "Sergei Popov", "12000", "nina_sales", 3),
    DemoDeal("Support plan", "Sergei Popov", "4800", None, 1, closes_in_days=None),
)  # fmt: skip


async def seed_sales(session: AsyncSession, cast: DemoCast, now: datetime) -> dict[str, int]:
    """The sales desk beside the demo's people (already flushed): companies and contacts,
    ``DEALS``, calls, meetings and tasks, and a company event; how many of each were made."""
    companies = {
        name: Company(name=name, industry=industry, website=website, description=description)
        for name, industry, website, description in COMPANIES
    }
    session.add_all(companies.values())
    await session.flush()
    for name, (first, last, email, company) in CONTACTS.items():
        client = cast.clients[name]
        client.first_name, client.last_name, client.email = first, last, email
        client.company_id = companies[company].id
    nordlight = companies["Nordlight Systems"]
    session.add_all(
        [
            Founder(
                company_id=nordlight.id,
                name="Sergei Popov",
                email="sergei.popov@nordlight.example",
                linkedin="https://www.linkedin.com/in/sergei-popov-example",
            ),
            Founder(company_id=nordlight.id, name="Maxim Belov", email="maxim@nordlight.example"),
            Innovation(
                company_id=nordlight.id,
                title="Shelf scanner",
                description="A handheld scanner that counts a shelf in one pass",
                published_on=(now - timedelta(days=120)).date(),
                kind=InnovationKind.PRODUCT,
            ),
        ]
    )
    event = Event(
        company_id=nordlight.id,
        title="Nordlight product day",
        description="The shelf scanner shown live, questions and answers",
        starts_at=(now + timedelta(days=10)).replace(hour=15, minute=0, second=0, microsecond=0),
        place="Nordlight office, 12 Lesnaya St., Moscow",
        organiser_id=cast.staff["nina_sales"].id,
        created_at=now - timedelta(days=7),
    )
    session.add(event)
    await session.flush()
    session.add(
        EventParticipant(
            event_id=event.id,
            client_id=cast.clients["Daria Orlova"].id,
            joined_at=now - timedelta(days=2),
        )
    )
    deals = {story.name: await _live(session, cast, story, now) for story in DEALS}
    made = await _work(session, cast, deals, now)
    return {"companies": len(companies), "deals": len(deals), **made}


async def _live(session: AsyncSession, cast: DemoCast, story: DemoDeal, now: datetime) -> int:
    """``story`` as it happened: opened by the owner of the business, who hands the lead to its
    owner (a specialist sees only the clients of their own work), then moved by them."""
    manager = cast.staff["olga_owner"]
    actor = manager if story.owner is None else cast.staff[story.owner]
    client = cast.clients[story.client]
    opened = now - timedelta(days=story.opened_days_ago, hours=2)
    deal = await open_deal(
        session,
        actor=manager,
        draft=DealDraft(
            name=story.name,
            value=Decimal(story.value),
            currency="EUR",
            client_id=client.id,
            company_id=client.company_id,
            owner_id=None if story.owner is None else actor.id,
            expected_close=(
                None
                if story.closes_in_days is None
                else (now + timedelta(days=story.closes_in_days)).date()
            ),
        ),
        now=opened,
    )
    for to, days_ago in story.moves:
        await move_deal(
            session,
            actor=actor,
            deal_id=deal.id,
            to=to,
            reason=story.lost_reason if to is D.LOST else None,
            now=now - timedelta(days=days_ago, hours=1),
        )
    return deal.id


async def _work(
    session: AsyncSession, cast: DemoCast, deals: dict[str, int], now: datetime
) -> dict[str, int]:
    """Calls and meetings logged on the open deals, and their tasks."""
    nina, oleg = cast.staff["nina_sales"], cast.staff["oleg_sales"]
    logged = [
        (nina, "Route planning for 40 vans", InteractionKind.CALL, 2,
         "Discussed the rollout in two cities; they want a price for 60 vans too"),
        (nina, "Route planning for 40 vans", InteractionKind.MEETING, 9,
         "Demo at their depot with the fleet manager"),
        (nina, "40 scanner licences", InteractionKind.EMAIL, 6, "Sent the licence terms"),
        (oleg, "Shop displays", InteractionKind.CALL, 4, "Hélène asked for two more sizes"),
    ]  # fmt: skip
    for author, deal, kind, days_ago, notes in logged:
        moment = now - timedelta(days=days_ago)
        await log_interaction(
            session, actor=author, kind=kind, now=moment, deal_id=deals[deal], notes=notes
        )
    tasks = [
        (oleg, "Shop displays", "Send the revised quote", 6, now - timedelta(days=2)),
        (nina, "Route planning for 40 vans", "Call Mark about the pilot dates", 1,
         now + timedelta(hours=1)),
        (nina, "Warehouse pilot", "Book a visit to the warehouse", 2, now + timedelta(days=4)),
        (nina, "40 scanner licences", "Send the licence terms", 7, now - timedelta(days=6)),
    ]  # fmt: skip
    made = []
    for author, deal, title, set_days_ago, due in tasks:
        made.append(
            await add_task(
                session,
                actor=author,
                title=title,
                now=now - timedelta(days=set_days_ago),
                due_at=due,
                deal_id=deals[deal],
            )
        )
    # The licence terms went out (the email above): that task is done.
    await finish_task(session, actor=nina, task_id=made[-1].id, now=now - timedelta(days=6))
    return {"interactions": len(logged), "tasks": len(tasks)}
