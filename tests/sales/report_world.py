"""Deals and their stage moves for the sales reports' tests, written straight to the database at
chosen times, and the reports' figures computed again in plain Python from what was written
(never by asking crm/sales/*_figures.py).

The business runs on Vladivostok time (UTC+10), so a period's days are not UTC's: a move at
00:30 there on the period's first day is in it, one at 23:30 the day before is not."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from bot.sandbox.telegram import FakeTelegram
from crm.sales.rules import WIN_CHANCE
from db.base import utcnow
from db.engine import Database
from db.enums import DealStage
from db.models import Deal, DealMove
from tests.support.desk import People, add_people

ZONE = ZoneInfo("Asia/Vladivostok")
D = DealStage
OPEN = (D.NEW, D.QUALIFIED, D.PROPOSAL, D.NEGOTIATION)
CENT = Decimal("0.01")
# The stages, short enough for the table of deals below to read a deal a line.
N, Q, P, G, W, L = D.NEW, D.QUALIFIED, D.PROPOSAL, D.NEGOTIATION, D.WON, D.LOST
# A deal to write: owner, currency, value, client (None: Bob), its moves.
Plan = tuple[str | None, str, str, int | None, list[tuple[DealStage, datetime]]]


def cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def local(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), ZONE)


@dataclass
class Written:
    """One deal as the test wrote it."""

    id: int
    owner: str | None  # a People attribute name; None: nobody
    currency: str
    value: Decimal
    history: list[tuple[DealStage, datetime]]  # the moves, first one its creation

    @property
    def stage(self) -> DealStage:
        return self.history[-1][0]

    @property
    def created_at(self) -> datetime:
        return self.history[0][1]


@dataclass
class World:
    people: People
    now: datetime
    first: date
    last: date
    deals: list[Written] = field(default_factory=list)

    def owner_id(self, owner: str | None) -> int | None:
        return None if owner is None else getattr(self.people, owner).id

    def query(self) -> str:
        return f"from={self.first.isoformat()}&to={self.last.isoformat()}"

    def in_period(self, moment: datetime) -> bool:
        return self.first <= moment.astimezone(ZONE).date() <= self.last


async def build_world(database: Database) -> World:
    """Ivan's, Tom's and nobody's deals, in euros and one in dollars, open, won and lost, moved
    before, during and at the edges of the period (the last 20 days and the next 5)."""
    people = await add_people(database, FakeTelegram("1:t"))
    now = utcnow()
    today = now.astimezone(ZONE).date()
    world = World(people, now, today - timedelta(days=20), today + timedelta(days=5))
    first = world.first

    def ago(days: float) -> datetime:
        return now - timedelta(days=days)

    eve = first - timedelta(days=1)
    maria = people.maria.id
    plans: list[Plan] = [
        ("ivan", "EUR", "1000.00", None, [(N, ago(30)), (Q, ago(22)), (P, ago(5))]),
        ("ivan", "EUR", "250.50", None, [(N, ago(10))]),
        ("tom", "EUR", "3000.00", None, [(N, ago(15)), (G, ago(9)), (W, ago(3))]),
        ("tom", "EUR", "499.99", None, [(N, ago(8)), (Q, ago(6.5)), (L, ago(2))]),
        (None, "USD", "700.00", None, [(N, ago(4)), (Q, ago(1))]),
        ("ivan", "EUR", "120.00", None, [(N, ago(40)), (W, ago(25))]),
        # At the period's first minutes: in it; the day before's last ones: not.
        ("ivan", "EUR", "80.00", None, [(N, local(first, 0, 30)), (L, local(first, 1, 30))]),
        ("ivan", "EUR", "60.00", None, [(N, local(eve, 22)), (G, local(eve, 23, 30))]),
        # Maria's (Pavel helps her): what Pavel sees.
        ("tom", "EUR", "333.33", maria, [(N, ago(3)), (G, ago(2.2))]),
        # Back to a stage it was at: each stay counts.
        ("tom", "EUR", "0.01", None, [(N, ago(7)), (Q, ago(6)), (N, ago(4.5)), (W, ago(0.5))]),
    ]
    async with database.writer() as session, session.begin():
        for owner, currency, value, client_id, history in plans:
            stage, created = history[-1][0], history[0][1]
            deal = Deal(
                name=f"Deal {len(world.deals) + 1}",
                client_id=client_id or people.bob.id,
                value=Decimal(value),
                currency=currency,
                stage=stage,
                owner_id=world.owner_id(owner),
                created_at=created,
                updated_at=history[-1][1],
                closed_at=history[-1][1] if stage in (D.WON, D.LOST) else None,
                lost_reason="Too dear" if stage is D.LOST else None,
            )
            session.add(deal)
            await session.flush()
            previous = None
            for to, at in history:
                session.add(
                    DealMove(deal_id=deal.id, from_stage=previous, to_stage=to, moved_at=at)
                )
                previous = to
            world.deals.append(Written(deal.id, owner, currency, Decimal(value), history))
    return world


# The answers --------------------------------------------------------------------------------


@dataclass
class Expected:
    counts: dict[str, int] = field(default_factory=dict)
    value: dict[str, Decimal] = field(default_factory=dict)
    forecast: dict[str, Decimal] = field(default_factory=dict)

    def add(self, deal: Written) -> None:
        currency = deal.currency
        self.counts[currency] = self.counts.get(currency, 0) + 1
        self.value[currency] = self.value.get(currency, Decimal(0)) + deal.value
        self.forecast[currency] = (
            self.forecast.get(currency, Decimal(0)) + deal.value * WIN_CHANCE[deal.stage]
        )

    def rounded(self) -> Expected:
        return Expected(
            self.counts,
            {c: cents(v) for c, v in self.value.items()},
            {c: cents(v) for c, v in self.forecast.items()},
        )


def expected_pipeline(
    world: World, owners: set[str] | None = None, *, created_in_period: bool = False
) -> tuple[dict[DealStage, Expected], dict[str | None, Expected], Expected]:
    """Per open stage, per owner and in total: the open deals (of ``owners``, all by default)."""
    stages = {stage: Expected() for stage in OPEN}
    by_owner: dict[str | None, Expected] = defaultdict(Expected)
    total = Expected()
    for deal in world.deals:
        if deal.stage not in OPEN or (owners is not None and deal.owner not in owners):
            continue
        if created_in_period and not world.in_period(deal.created_at):
            continue
        for expected in (stages[deal.stage], by_owner[deal.owner], total):
            expected.add(deal)
    return (
        {stage: e.rounded() for stage, e in stages.items()},
        {owner: e.rounded() for owner, e in by_owner.items()},
        total.rounded(),
    )


@dataclass
class ExpectedWins:
    won: int = 0
    lost: int = 0
    stays: dict[DealStage, list[float]] = field(default_factory=lambda: defaultdict(list))

    def average_days(self, stage: DealStage) -> Decimal | None:
        found = self.stays.get(stage) or []
        if not found:
            return None
        return (Decimal(str(sum(found) / len(found))) / 86400).quantize(Decimal("0.1"))


def expected_wins(
    world: World, owners: set[str] | None = None
) -> tuple[dict[str | None, ExpectedWins], ExpectedWins]:
    by_owner: dict[str | None, ExpectedWins] = defaultdict(ExpectedWins)
    total = ExpectedWins()
    for deal in world.deals:
        if owners is not None and deal.owner not in owners:
            continue
        for (stage, entered), (to, left) in zip(deal.history, deal.history[1:], strict=False):
            if not world.in_period(left):
                continue
            for expected in (by_owner[deal.owner], total):
                expected.stays[stage].append((left - entered).total_seconds())
                if to is D.WON:
                    expected.won += 1
                elif to is D.LOST:
                    expected.lost += 1
    return dict(by_owner), total
