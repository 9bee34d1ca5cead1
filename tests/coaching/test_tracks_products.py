"""Tracks and products through the services, on a real database: who opens a track and plans
its steps, that the coach's strategy is never a client's to read, a track's status moving once,
and a product sold at the day's price that enrols its buyer in the product's programme."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from sqlalchemy import select

from bot.sandbox.telegram import FakeTelegram
from crm.coaching.products import products_of, save_product, sell_product
from crm.coaching.programs import create_program
from crm.coaching.tracks import (
    add_step,
    add_strategy,
    finish_step,
    open_track,
    set_report_schedule,
    set_track_status,
    track_for,
    tracks_of,
)
from crm.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from db.engine import Database
from db.enums import ProductKind, TrackStatus
from db.models import Client, Employee, Enrolment
from tests.support.desk import People, add_people

NOW = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
async def people(database: Database) -> People:
    return await add_people(database, FakeTelegram("1:t"))


async def test_a_track_is_opened_by_staff_who_see_the_client_and_read_by_its_client(
    database: Database, people: People
) -> None:
    async with database.writer() as session, session.begin():
        anna = await session.get(Employee, people.anna.id)
        tom = await session.get(Employee, people.tom.id)
        maria = await session.get(Client, people.maria.id)
        bob = await session.get(Client, people.bob.id)
        assert anna and tom and maria and bob
        with pytest.raises(PermissionDenied):
            await open_track(session, actor=maria, client_id=maria.id, goal="A new job")
        with pytest.raises(NotFound):  # Tom has no work with Maria
            await open_track(session, actor=tom, client_id=maria.id, goal="A new job")
        with pytest.raises(InvalidInput):
            await open_track(session, actor=anna, client_id=maria.id, goal="  ")
        with pytest.raises(InvalidInput, match="every 1 to 91 days"):
            await open_track(
                session, actor=anna, client_id=maria.id, goal="A job", report_every_days=0
            )
        track = await open_track(
            session, actor=anna, client_id=maria.id, goal="A new job", report_every_days=14
        )
        # Anna, an administrator without a coach profile, coaches nobody: the goal waits for one.
        assert track.coach_id is None and track.status is TrackStatus.OPEN
        step = await add_step(session, actor=maria, track_id=track.id, text="Update my CV")
        await add_strategy(
            session, actor=anna, track_id=track.id, text="Work on confidence", now=NOW
        )
        with pytest.raises(PermissionDenied):
            await add_strategy(session, actor=maria, track_id=track.id, text="x", now=NOW)
        with pytest.raises(PermissionDenied):  # the strategy is staff's only
            await track_for(session, actor=maria, track_id=track.id, with_strategy=True)
        with pytest.raises(NotFound):
            await track_for(session, actor=bob, track_id=track.id)
        assert [t.id for t in await tracks_of(session, actor=maria, client_id=maria.id)] == [
            track.id
        ]
        assert await tracks_of(session, actor=bob, client_id=maria.id) == []

        await finish_step(session, actor=maria, step_id=step.id, now=NOW)
        assert step.done_at == NOW
        with pytest.raises(InvalidInput, match="already done"):
            await finish_step(session, actor=maria, step_id=step.id, now=NOW)
        await set_report_schedule(session, actor=anna, track_id=track.id, every_days=None)
        assert track.report_every_days is None
        await set_track_status(session, actor=anna, track_id=track.id, status=TrackStatus.ACHIEVED)
        with pytest.raises(InvalidInput, match="already achieved"):
            await set_track_status(
                session, actor=anna, track_id=track.id, status=TrackStatus.DROPPED
            )


async def test_a_program_product_sold_enrols_its_buyer_at_the_first_stage(
    database: Database, people: People
) -> None:
    async with database.writer() as session, session.begin():
        anna = await session.get(Employee, people.anna.id)
        ivan = await session.get(Employee, people.ivan.id)
        assert anna and ivan
        program = await create_program(
            session, actor=anna, name="Career change", stages=["Diagnosis", "Plan", "Action"]
        )
        with pytest.raises(PermissionDenied):
            await save_product(
                session,
                actor=ivan,
                product_id=None,
                name="x",
                kind=ProductKind.COURSE,
                price=Decimal(1),
            )
        with pytest.raises(InvalidInput):
            await save_product(
                session,
                actor=anna,
                product_id=None,
                name="Bad",
                kind=ProductKind.COURSE,
                price=Decimal(-1),
            )
        product = await save_product(
            session,
            actor=anna,
            product_id=None,
            name="Career change, 3 months",
            kind=ProductKind.PROGRAM,
            price=Decimal("900"),
            program_id=program.id,
        )
        with pytest.raises(Conflict):
            await save_product(
                session,
                actor=anna,
                product_id=None,
                name="Career change, 3 months",
                kind=ProductKind.PACKAGE,
                price=Decimal(1),
            )
        sold = await sell_product(
            session, actor=anna, client_id=people.maria.id, product_id=product.id, now=NOW
        )
        product.price = Decimal("1000")  # a later price change leaves the sale as it was
        assert sold.price == Decimal("900.00")
        enrolment = await session.scalar(
            select(Enrolment).where(Enrolment.client_id == people.maria.id)
        )
        assert enrolment is not None and enrolment.program_id == program.id
        # A second sale of the same programme keeps the one enrolment.
        await sell_product(
            session, actor=anna, client_id=people.maria.id, product_id=product.id, now=NOW
        )
        bought = await products_of(session, actor=anna, client_id=people.maria.id)
        assert [b.product.name for b in bought] == ["Career change, 3 months"] * 2
        assert await products_of(session, actor=ivan, client_id=people.maria.id) == []
