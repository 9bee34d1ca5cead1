"""The deal services on a real database: the moves MOVES holds (lost needs its reason, won and
lost are final, a stale view refused), the board's kept totals equal to a count made here from
the deals after a run of opens, moves, edits and deletes, and who sees which deals."""

from __future__ import annotations

import random
from decimal import Decimal

import pytest
from sqlalchemy import select

from bot.sandbox.telegram import FakeTelegram
from crm.errors import InvalidInput, NotFound, PermissionDenied
from crm.sales.deals import DealDraft, delete_deal, edit_deal, move_deal, open_deal
from crm.sales.pipeline import column_heads
from crm.sales.rules import OPEN_STAGES, PIPELINE, moves_for
from crm.sales.timeline import deal_moves
from crm.visibility import visible_deals
from db.base import utcnow
from db.engine import Database
from db.enums import DealStage
from db.models import Client, Deal, Employee
from tests.support.desk import People, add_people
from tests.support.sales import Sales, add_sales, deal, kept_and_counted

D = DealStage


@pytest.fixture
async def sales(database: Database) -> Sales:
    return await add_sales(database, await add_people(database, FakeTelegram("1:t")))


async def test_lost_needs_a_reason_and_won_and_lost_are_final(
    database: Database, sales: Sales
) -> None:
    ivan = sales.people.ivan
    async with database.writer() as session, session.begin():
        # Pavel sees Maria's deal (he helps her); moving it is its owner's and the managers'.
        with pytest.raises(PermissionDenied):
            await move_deal(
                session, actor=sales.people.pavel, deal_id=sales.ivans, to=D.WON, now=utcnow()
            )
        for reason in (None, "", "   ", "x" * 2001):
            with pytest.raises(InvalidInput):
                async with session.begin_nested():
                    await move_deal(
                        session, actor=ivan, deal_id=sales.ivans, to=D.LOST, now=utcnow(),
                        reason=reason,
                    )  # fmt: skip
        with pytest.raises(InvalidInput, match="is already"):
            await move_deal(session, actor=ivan, deal_id=sales.ivans, to=D.NEW, now=utcnow())
        with pytest.raises(InvalidInput, match="meanwhile"):
            await move_deal(
                session, actor=ivan, deal_id=sales.ivans, to=D.WON, now=utcnow(), seen_at=D.PROPOSAL
            )
        # Another open stage, any of them, then lost with its reason.
        await move_deal(session, actor=ivan, deal_id=sales.ivans, to=D.NEGOTIATION, now=utcnow())
        await move_deal(session, actor=ivan, deal_id=sales.ivans, to=D.QUALIFIED, now=utcnow())
        lost = await move_deal(
            session, actor=ivan, deal_id=sales.ivans, to=D.LOST, now=utcnow(), reason=" Budget "
        )
        assert lost.lost_reason == "Budget" and lost.closed_at is not None
        assert moves_for(ivan, lost) == [] and moves_for(sales.people.anna, lost) == []
        for to in PIPELINE:
            with pytest.raises(InvalidInput):
                await move_deal(
                    session, actor=sales.people.anna, deal_id=sales.ivans, to=to, now=utcnow()
                )
        # Tom may not move Ivan's deal (he does not even see it); Pavel sees it, may not move it.
        with pytest.raises(NotFound):
            await move_deal(
                session, actor=sales.people.tom, deal_id=sales.toms + 100, to=D.WON, now=utcnow()
            )
        with pytest.raises(NotFound):
            await move_deal(
                session, actor=sales.people.tom, deal_id=sales.ivans, to=D.WON, now=utcnow()
            )
    history = await deal(database, sales.ivans)
    assert [(m.from_stage, m.to_stage) for m in history.moves] == [
        (None, D.NEW),
        (D.NEW, D.NEGOTIATION),
        (D.NEGOTIATION, D.QUALIFIED),
        (D.QUALIFIED, D.LOST),
    ]


async def test_the_kept_totals_equal_a_count_of_the_deals_after_any_run_of_changes(
    database: Database, sales: Sales
) -> None:
    people: People = sales.people
    anna = people.anna
    owners = [people.ivan.id, people.tom.id, None]
    chance = random.Random(20)
    now = utcnow()
    async with database.writer() as session, session.begin():
        ids = [sales.ivans, sales.toms]
        for number in range(30):
            step = chance.choice(["open", "open", "move", "move", "edit", "delete"])
            if step == "open" or not ids:
                opened = await open_deal(
                    session,
                    actor=anna,
                    draft=DealDraft(
                        f"Deal {number}",
                        Decimal(chance.randint(0, 100_000)) / 100,
                        chance.choice(["EUR", "USD"]),
                        owner_id=chance.choice(owners),
                    ),
                    now=now,
                )
                ids.append(opened.id)
                continue
            deal_id = chance.choice(ids)
            current = await session.get(Deal, deal_id)
            assert current is not None
            if step == "move" and current.stage in OPEN_STAGES:
                to = chance.choice([s for s in PIPELINE if s is not current.stage])
                await move_deal(
                    session, actor=anna, deal_id=deal_id, to=to, now=now, reason="No budget"
                )
            elif step == "edit":
                await edit_deal(
                    session,
                    actor=anna,
                    deal_id=deal_id,
                    draft=DealDraft(
                        current.name,
                        Decimal(chance.randint(0, 100_000)) / 100,
                        chance.choice(["EUR", "USD"]),
                        owner_id=chance.choice(owners),
                    ),
                    now=now,
                )
            elif step == "delete":
                await delete_deal(session, actor=anna, deal_id=deal_id)
                ids.remove(deal_id)
    kept, counted = await kept_and_counted(database)
    assert kept == counted
    assert {row[1] for row in counted} - {"new"}, "the run moved some deals"


async def test_each_role_sees_its_deals_and_their_column_heads(
    database: Database, sales: Sales
) -> None:
    people = sales.people
    expected = {
        people.anna.id: {sales.ivans, sales.toms},
        people.ivan.id: {sales.ivans},
        people.tom.id: {sales.toms},
        people.pavel.id: {sales.ivans},  # Maria's, whom he helps
    }
    async with database.reader() as session:
        for employee_id, ids in expected.items():
            viewer = await session.get(Employee, employee_id)
            assert viewer is not None
            seen = set(await session.scalars(select(Deal.id).where(visible_deals(viewer))))
            assert seen == ids, viewer.full_name
            heads = await column_heads(session, viewer)
            values = [d.value for d in await session.scalars(select(Deal).where(Deal.id.in_(ids)))]
            assert heads[D.NEW].count == len(ids)
            assert heads[D.NEW].values == {"EUR": sum(values, Decimal(0))}
        for client in (people.maria, people.bob):
            stored = await session.get(Client, client.id)
            assert stored is not None
            assert list(await session.scalars(select(Deal.id).where(visible_deals(stored)))) == []
            assert await deal_moves(session, stored, people.maria.id, 10) == []
        anna = await session.get(Employee, people.anna.id)
        tom = await session.get(Employee, people.tom.id)
        assert anna is not None and tom is not None
        # Maria's timeline: the deal Ivan owns opened; Tom sees none of it.
        assert [e.parent_id for e in await deal_moves(session, anna, people.maria.id, 10)] == [
            sales.ivans
        ]
        assert await deal_moves(session, tom, people.maria.id, 10) == []


async def test_a_specialist_opens_only_their_own_deals(database: Database, sales: Sales) -> None:
    people = sales.people
    async with database.writer() as session, session.begin():
        with pytest.raises(PermissionDenied):
            await open_deal(
                session,
                actor=people.ivan,
                draft=DealDraft("Not mine", Decimal(1), "EUR", owner_id=people.tom.id),
                now=utcnow(),
            )
        with pytest.raises(PermissionDenied):
            await open_deal(
                session,
                actor=people.pavel,
                draft=DealDraft("Helper's", Decimal(1), "EUR", owner_id=people.pavel.id),
                now=utcnow(),
            )
        with pytest.raises(InvalidInput, match="the value must be from 0"):
            await open_deal(
                session,
                actor=people.ivan,
                draft=DealDraft("Negative", Decimal(-1), "EUR", owner_id=people.ivan.id),
                now=utcnow(),
            )
        # With no company named, the deal is the client's company's.
        mine = await open_deal(
            session,
            actor=people.anna,
            draft=DealDraft("Mine", Decimal(1), "EUR", client_id=people.maria.id),
            now=utcnow(),
        )
        assert mine.company_id is None
