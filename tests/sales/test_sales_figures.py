"""The sales reports' figures (crm/sales/pipeline_figures.py, win_figures.py) on a real database,
SQLite and PostgreSQL: each checked against the answer tests/sales/report_world.py computes in
plain Python from the deals and moves it wrote; who sees which deals; an empty database; and a
deal opened and moved by the services counting at once."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from bot.sandbox.telegram import FakeTelegram
from crm.periods import period
from crm.sales.deals import DealDraft, move_deal, open_deal
from crm.sales.pipeline_figures import PipelineFigures, Tally, pipeline_figures
from crm.sales.win_figures import WinFigures, WinRow, win_figures
from db.base import utcnow
from db.engine import Database
from db.models import Employee
from tests.sales.report_world import (
    OPEN,
    ZONE,
    D,
    Expected,
    ExpectedWins,
    World,
    build_world,
    expected_pipeline,
    expected_wins,
)
from tests.support.desk import add_people


@pytest.fixture
async def world(database: Database) -> World:
    return await build_world(database)


async def pipeline_of(
    database: Database, world: World, who: str, *, created_in_period: bool = False
) -> PipelineFigures:
    async with database.reader() as session:
        viewer = await session.get(Employee, getattr(world.people, who).id)
        assert viewer is not None
        within = period(world.first, world.last, zone=ZONE, now=world.now)
        return await pipeline_figures(
            session, actor=viewer, created=within if created_in_period else None
        )


async def wins_of(database: Database, world: World, who: str) -> WinFigures:
    async with database.reader() as session:
        viewer = await session.get(Employee, getattr(world.people, who).id)
        assert viewer is not None
        within = period(world.first, world.last, zone=ZONE, now=world.now)
        return await win_figures(session, actor=viewer, within=within)


def same(found: Tally, expected: Expected) -> None:
    assert (found.counts, found.value, found.forecast) == (
        expected.counts,
        expected.value,
        expected.forecast,
    )


@pytest.mark.parametrize("created_in_period", [False, True])
async def test_the_pipeline_per_stage_and_owner_is_the_open_deals(
    database: Database, world: World, created_in_period: bool
) -> None:
    figures = await pipeline_of(database, world, "anna", created_in_period=created_in_period)
    stages, owners, total = expected_pipeline(world, created_in_period=created_in_period)
    assert [row.stage for row in figures.by_stage] == list(OPEN)
    for row in figures.by_stage:
        same(row.tally, stages[row.stage])
    ids = {world.owner_id(owner): owner for owner in owners}
    names = {"ivan": "Ivan Kuznetsov", "tom": "Tom Baker"}
    in_order = sorted(owners, key=lambda owner: (owner is None, names.get(owner or "", "")))
    assert [row.owner_id for row in figures.by_owner] == [world.owner_id(o) for o in in_order]
    for owned in figures.by_owner:
        same(owned.tally, owners[ids[owned.owner_id]])
    same(figures.total, total)
    # The world holds what the test means: euros and dollars, deals of nobody's, rounding.
    assert figures.currencies == ["EUR", "USD"]
    assert None in ids
    if not created_in_period:
        assert figures.total.count == 5


async def test_a_specialist_sees_their_own_deals_and_a_helper_their_clients(
    database: Database, world: World
) -> None:
    for who, owners in (("ivan", {"ivan"}), ("tom", {"tom"})):
        figures = await pipeline_of(database, world, who)
        stages, _, total = expected_pipeline(world, owners)
        for row in figures.by_stage:
            same(row.tally, stages[row.stage])
        same(figures.total, total)
        assert [row.owner_id for row in figures.by_owner] == [world.owner_id(who)]
        wins = await wins_of(database, world, who)
        _, expected_total = expected_wins(world, owners)
        assert [row.owner_id for row in wins.by_owner] == [world.owner_id(who)]
        assert (wins.total.won, wins.total.lost) == (expected_total.won, expected_total.lost)
    # Pavel helps Maria: her one deal (Tom's, in negotiation).
    figures = await pipeline_of(database, world, "pavel")
    assert figures.total.counts == {"EUR": 1}
    assert figures.by_stage[3].tally.value == {"EUR": Decimal("333.33")}


def check_wins(found: WinRow, expected: ExpectedWins) -> None:
    assert (found.won, found.lost) == (expected.won, expected.lost)
    closed = expected.won + expected.lost
    rate = (Decimal(100 * expected.won) / closed).quantize(Decimal("0.1")) if closed else None
    assert found.win_rate == rate
    stays = found.stays
    for stage in OPEN:
        assert stays[stage].count == len(expected.stays.get(stage, [])), stage
        assert stays[stage].average_days == expected.average_days(stage), stage


async def test_won_lost_and_the_time_at_each_stage_over_the_period(
    database: Database, world: World
) -> None:
    figures = await wins_of(database, world, "anna")
    by_owner, total = expected_wins(world)
    assert {row.owner_id for row in figures.by_owner} == {world.owner_id(o) for o in by_owner}
    for row in figures.by_owner:
        owner = next(o for o in by_owner if world.owner_id(o) == row.owner_id)
        check_wins(row, by_owner[owner])
    check_wins(figures.total, total)
    # What the world is there to show: the edge of the period counts on its own side, a deal
    # won before the period does not, and a stage a deal came back to counts each stay.
    assert (total.won, total.lost) == (2, 2)
    assert len(total.stays[D.NEW]) == 7


async def test_an_empty_database(database: Database) -> None:
    people = await add_people(database, FakeTelegram("1:t"))
    now = utcnow()
    world = World(people, now, now.date(), now.date())
    figures = await pipeline_of(database, world, "anna")
    assert figures.total.count == 0 and figures.currencies == [] and figures.by_owner == []
    assert all(row.tally.count == 0 for row in figures.by_stage)
    wins = await wins_of(database, world, "anna")
    assert wins.by_owner == [] and wins.total.win_rate is None
    assert all(wins.total.stays[stage].average_days is None for stage in OPEN)


async def test_a_period_with_nothing_in_it(database: Database, world: World) -> None:
    world.first, world.last = world.first.replace(year=2001), world.first.replace(year=2001)
    wins = await wins_of(database, world, "anna")
    assert wins.by_owner == [] and (wins.total.won, wins.total.lost) == (0, 0)
    figures = await pipeline_of(database, world, "anna", created_in_period=True)
    assert figures.total.count == 0


async def test_a_deal_opened_and_moved_by_the_services_counts_at_once(
    database: Database, world: World
) -> None:
    """The services write the moves the reports read: opened (a move from nothing to new) a day
    and a half ago, qualified, then won now."""
    before = await wins_of(database, world, "anna")
    opened_at = world.now - timedelta(days=1, hours=12)
    async with database.writer() as session, session.begin():
        ivan = await session.get(Employee, world.people.ivan.id)
        assert ivan is not None
        deal = await open_deal(
            session,
            actor=ivan,
            draft=DealDraft(name="Fresh", value=Decimal("10.00"), currency="EUR", owner_id=ivan.id),
            now=opened_at,
        )
        await move_deal(
            session,
            actor=ivan,
            deal_id=deal.id,
            to=D.QUALIFIED,
            now=world.now - timedelta(hours=12),
        )
        await move_deal(session, actor=ivan, deal_id=deal.id, to=D.WON, now=world.now)
    after = await wins_of(database, world, "anna")
    assert after.total.won == before.total.won + 1
    assert after.total.stays[D.NEW].count == before.total.stays[D.NEW].count + 1
    assert after.total.stays[D.QUALIFIED].count == before.total.stays[D.QUALIFIED].count + 1
    ivans = next(row for row in after.by_owner if row.owner_id == world.people.ivan.id)
    assert ivans.won == 1
