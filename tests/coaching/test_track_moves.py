"""A track's lifecycle walked through ``crm.coaching.track_rules.MOVES`` on a real database:
setting every status from every status, by every kind of person who sees the track, is done by
the service where the table holds it for them and refused, changing nothing, where it does not;
and for each status and role the site's page offers the moves a person of that role should see.
The bot has no track card to compare it with: a client there only answers the question about
their progress."""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest

from bot.sandbox.telegram import FakeTelegram
from crm.coaching.track_rules import MOVES, may_move
from crm.coaching.tracks import set_track_status
from crm.errors import DomainError
from db.engine import Database
from db.enums import TrackStatus
from db.models import Track
from tests.support.desk import People, add_people, set_coach
from tests.support.lifecycles import database_state, page_actions, signed_in_as, site_for, stored
from tests.support.site import Client as SiteClient

T = TrackStatus
# Whom each move is tried by, among those who see Maria's track: an administrator, her coach,
# her helper, and Maria. Another coach does not see it (``visible_tracks``).
PEOPLE = ("anna", "ivan", "pavel", "maria")
MOVES_SHOWN = {"achieved", "dropped"}
# The moves each member of staff is offered on Maria's track in each status (None: they do not
# see it); the page's other forms (steps, strategy, schedule) are there whatever its status.
SHOWN: dict[str, dict[TrackStatus, set[str] | None]] = {
    "anna": {T.OPEN: MOVES_SHOWN, T.ACHIEVED: set(), T.DROPPED: set()},
    "ivan": {T.OPEN: MOVES_SHOWN, T.ACHIEVED: set(), T.DROPPED: set()},
    "pavel": {T.OPEN: MOVES_SHOWN, T.ACHIEVED: set(), T.DROPPED: set()},
    "tom": dict.fromkeys(T),
}


@dataclass
class Setting:
    people: People


@pytest.fixture
async def setting(database: Database) -> Setting:
    people = await add_people(database, FakeTelegram("1:t"))
    await set_coach(database, people.ivan, people.maria)
    return Setting(people)


async def track_in(database: Database, setting: Setting, status: TrackStatus) -> int:
    """Maria's track with Ivan, in ``status``."""
    async with database.writer() as session, session.begin():
        track = Track(
            client_id=setting.people.maria.id,
            coach_id=setting.people.ivan.id,
            goal="A new job by summer",
            status=status,
        )
        session.add(track)
    return track.id


@pytest.mark.parametrize(("old", "new"), list(itertools.product(T, T)))
async def test_a_status_is_set_where_the_table_holds_it_and_refused_with_nothing_changed(
    database: Database, setting: Setting, old: TrackStatus, new: TrackStatus
) -> None:
    assert all(T.OPEN not in moves for moves in MOVES.values())  # nothing leads back to open
    for name in PEOPLE:
        track_id = await track_in(database, setting, old)
        before = await database_state(database, Track, track_id)
        async with database.reader() as session:
            track = await session.get(Track, track_id)
            assert track is not None
            allowed = may_move(await stored(session, getattr(setting.people, name)), track, new)
        try:
            async with database.writer() as session, session.begin():
                actor = await stored(session, getattr(setting.people, name))
                await set_track_status(session, actor=actor, track_id=track_id, status=new)
        except DomainError as refusal:
            assert not allowed, f"{name}: {old} → {new} is in the table, yet refused: {refusal}"
            assert await database_state(database, Track, track_id) == before, name
        else:
            assert allowed, f"{name}: {old} → {new} is not in the table, yet made"
            async with database.reader() as session:
                moved = await session.get(Track, track_id)
                assert moved is not None and moved.status is new, name


@pytest.fixture
async def site(database: Database, setting: Setting) -> AsyncIterator[SiteClient]:
    people = setting.people
    async with site_for(database, people.anna, people.ivan, people.tom, people.pavel) as client:
        yield client


async def test_the_site_offers_each_person_the_moves_of_the_table_in_every_status(
    database: Database, setting: Setting, site: SiteClient
) -> None:
    tracks = {status: await track_in(database, setting, status) for status in T}
    for name, shown_in in SHOWN.items():
        await signed_in_as(site, name)
        for status, track_id in tracks.items():
            page = await site.get(f"/tracks/{track_id}")
            on_site = None
            if page.status != 404:
                assert page.status == 200, (name, status)
                offered = page_actions(await page.text(), f"/tracks/{track_id}")
                on_site = offered & MOVES_SHOWN
            assert (name, status, on_site) == (name, status, shown_in[status])
