"""A coaching request's lifecycle walked through ``crm.coaching.rules.REQUEST_MOVES`` on a real
database: accepting and refusing from every status, by every kind of person who sees the
request, is done by the service where the table holds it for them and refused, changing
nothing, where it does not; and for each status and role the bot's /requests and the site's
page offer the same answers, those a person of that role should see."""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from bot.sandbox.telegram import FakeTelegram
from crm.coaching.requests import accept_request, pending_requests, refuse_request, request_for
from crm.coaching.rules import REQUEST_MOVES, may_answer
from crm.errors import DomainError
from crm.notify import Notifier
from crm.permissions import Actor
from db.base import utcnow
from db.engine import Database
from db.enums import RequestStatus
from db.models import CoachingRequest, CoachProfile, ExpertiseDomain
from handlers.coaching.keyboards import RequestAnswer
from handlers.coaching.requests import answers
from handlers.i18n import CatalogI18n
from tests.support.desk import People, add_people, set_coach
from tests.support.lifecycles import (
    database_state,
    keyboard_actions,
    page_actions,
    signed_in_as,
    site_for,
    stored,
)
from tests.support.site import Client as SiteClient

NOTIFIER = Notifier("en", "EUR")
R = RequestStatus
# Whom each answer is tried by, among those who see a request to Ivan: an administrator, Ivan,
# the client's helper and the client. Another coach does not see it (``visible_requests``).
PEOPLE = ("anna", "ivan", "pavel", "maria")
Service = Callable[[AsyncSession, Actor, int], Awaitable[object]]
# The service that asks for each status a request may move to; nothing asks for pending, the
# status a request is sent in.
LEADS_TO: dict[RequestStatus, Service] = {
    R.ACCEPTED: lambda session, actor, request_id: accept_request(
        session, NOTIFIER, actor=actor, request_id=request_id, now=utcnow()
    ),
    R.REFUSED: lambda session, actor, request_id: refuse_request(
        session, NOTIFIER, actor=actor, request_id=request_id, comment="Booked", now=utcnow()
    ),
}
ANSWERS = {"accept", "refuse"}
# What each member of staff is offered on a request to Ivan in each status (None: they do not
# see it): the site's page and the bot's /requests alike.
SHOWN: dict[str, dict[RequestStatus, set[str] | None]] = {
    "anna": {R.PENDING: ANSWERS, R.ACCEPTED: set(), R.REFUSED: set()},
    "ivan": {R.PENDING: ANSWERS, R.ACCEPTED: set(), R.REFUSED: set()},
    "tom": dict.fromkeys(R),
    "pavel": dict.fromkeys(R),
}


@dataclass
class Setting:
    people: People
    domain_id: int


@pytest.fixture
async def setting(database: Database) -> Setting:
    people = await add_people(database, FakeTelegram("1:t"))
    async with database.writer() as session, session.begin():
        career = ExpertiseDomain(name="Career")
        session.add_all([career, CoachProfile(employee_id=people.ivan.id, bio="HR", domains=[])])
    await set_coach(database, people.ivan, people.maria)
    return Setting(people, career.id)


async def request_in(database: Database, setting: Setting, status: RequestStatus) -> int:
    """Maria's request to Ivan for a meeting in two days, in ``status``."""
    answered = status is not R.PENDING
    async with database.writer() as session, session.begin():
        request = CoachingRequest(
            client_id=setting.people.maria.id,
            coach_id=setting.people.ivan.id,
            domain_id=setting.domain_id,
            preferred_at=utcnow() + timedelta(days=2),
            message="About my career",
            status=status,
            answered_at=utcnow() if answered else None,
            comment="Fully booked" if status is R.REFUSED else None,
        )
        session.add(request)
    return request.id


async def person(session: AsyncSession, setting: Setting, name: str) -> Actor:
    return await stored(session, getattr(setting.people, name))


def test_nothing_leads_back_to_pending_and_a_service_asks_for_every_other_status() -> None:
    assert all(R.PENDING not in moves for moves in REQUEST_MOVES.values())
    assert set(LEADS_TO) == set(R) - {R.PENDING}


@pytest.mark.parametrize(("old", "new"), list(itertools.product(R, LEADS_TO)))
async def test_an_answer_is_given_where_the_table_holds_it_and_refused_with_nothing_changed(
    database: Database, setting: Setting, old: RequestStatus, new: RequestStatus
) -> None:
    for name in PEOPLE:
        request_id = await request_in(database, setting, old)
        before = await database_state(database, CoachingRequest, request_id)
        async with database.reader() as session:
            request = await session.get(CoachingRequest, request_id)
            assert request is not None
            allowed = may_answer(await person(session, setting, name), request, new)
        try:
            async with database.writer() as session, session.begin():
                await LEADS_TO[new](session, await person(session, setting, name), request_id)
        except DomainError as refusal:
            assert not allowed, f"{name}: {old} → {new} is in the table, yet refused: {refusal}"
            assert await database_state(database, CoachingRequest, request_id) == before, name
        else:
            assert allowed, f"{name}: {old} → {new} is not in the table, yet made"
            async with database.reader() as session:
                answered = await session.get(CoachingRequest, request_id)
                assert answered is not None and answered.status is new, name
                assert answered.answered_at is not None, name


@pytest.fixture
async def site(database: Database, setting: Setting) -> AsyncIterator[SiteClient]:
    people = setting.people
    async with site_for(database, people.anna, people.ivan, people.tom, people.pavel) as client:
        yield client


async def bot_offers(database: Database, setting: Setting, name: str, request_id: int) -> Any:
    """The answers under the request in ``/requests`` as the bot shows it to ``name`` (None when
    it does not list it to them: answered, or not theirs to answer), and those its keyboard
    would carry were it listed (None when they do not see it)."""
    async with database.reader() as session:
        actor = await person(session, setting, name)
        try:
            request = await request_for(session, actor=actor, request_id=request_id)
        except DomainError:
            return None, None
        try:
            waiting = await pending_requests(session, actor=actor)
        except DomainError:
            waiting = []
        with CatalogI18n(default_locale="en").context():
            listed = [each for each in waiting if each.id == request_id]
            in_list = keyboard_actions(answers(listed, actor), RequestAnswer) if listed else None
            alone = keyboard_actions(answers([request], actor), RequestAnswer)
        return in_list, alone


async def test_the_bot_and_the_site_offer_each_person_the_same_answers_in_every_status(
    database: Database, setting: Setting, site: SiteClient
) -> None:
    requests = {status: await request_in(database, setting, status) for status in R}
    for name, shown_in in SHOWN.items():
        await signed_in_as(site, name)
        for status, request_id in requests.items():
            shown = shown_in[status]
            page = await site.get(f"/requests/{request_id}")
            on_site = None
            if page.status != 404:
                assert page.status == 200, (name, status)
                on_site = page_actions(await page.text(), f"/requests/{request_id}")
            # /requests lists what waits for them, with its answers; the keyboard a request
            # would get (an old list's) reads the same rule.
            in_list, alone = await bot_offers(database, setting, name, request_id)
            assert (name, status, on_site, alone) == (name, status, shown, shown)
            assert (name, status, in_list) == (name, status, shown or None)
