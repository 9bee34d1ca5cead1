"""A ticket's bot card and its page on the site read one rule, ``crm.tickets.rules.next_actions``
(its moves are walked in ``test_ticket_rules.py``): for each status and role both offer the same
"take" and the same statuses to move to, those a person of that role should see. The bot's
"files" button and the site's assignment form are each the other's file list and /assign."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import pytest

from bot.sandbox.telegram import FakeTelegram
from crm.errors import DomainError
from crm.tickets.tickets import ticket_for
from db.engine import Database
from db.enums import TicketStatus
from db.models import Ticket
from handlers.i18n import CatalogI18n
from handlers.tickets.cards import card_markup
from handlers.tickets.keyboards import TicketAction
from tests.support.desk import People, add_people
from tests.support.lifecycles import keyboard_actions, signed_in_as, site_for, stored
from tests.support.site import Client as SiteClient

S = TicketStatus
# What each member of staff is offered on Maria's ticket in each status (assigned to Ivan, but
# while it is new), by the bot's card and the site's page alike; None: they do not see it.
WORKED_ON: dict[TicketStatus, set[str]] = {
    S.NEW: {"cancelled"},
    S.ASSIGNED: {"in_progress", "waiting", "cancelled"},
    S.IN_PROGRESS: {"waiting", "resolved", "cancelled"},
    S.WAITING: {"in_progress", "resolved", "cancelled"},
    S.RESOLVED: {"closed", "in_progress"},
    S.CLOSED: set(),
    S.CANCELLED: set(),
}
SHOWN: dict[str, dict[TicketStatus, set[str] | None]] = {
    "anna": {**WORKED_ON, S.NEW: {"take", "cancelled"}},
    "ivan": {**WORKED_ON, S.NEW: {"take"}},  # not his yet: he may take it
    "tom": {status: {"take"} if status is S.NEW else None for status in S},
    "pavel": {status: set() for status in S},  # Maria's helper sees it, works on none
}


@pytest.fixture
async def people(database: Database) -> People:
    return await add_people(database, FakeTelegram("1:t"))


@pytest.fixture
async def site(database: Database, people: People) -> AsyncIterator[SiteClient]:
    async with site_for(database, people.anna, people.ivan, people.tom, people.pavel) as client:
        yield client


async def ticket_in(database: Database, people: People, status: TicketStatus) -> int:
    async with database.writer() as session, session.begin():
        ticket = Ticket(
            client_id=people.maria.id,
            assignee_id=None if status is S.NEW else people.ivan.id,
            status=status,
            title="Laptop fan",
            description="It whirs",
        )
        session.add(ticket)
    return ticket.id


def site_offers(page: str, ticket_id: int) -> set[str]:
    """ "take" if the page has its form, and the statuses its "Move to" list holds."""
    found = {"take"} if f'action="/tickets/{ticket_id}/take"' in page else set()
    moves = re.search(r'<select id="status" name="status">(.*?)</select>', page, re.S)
    return found | set(re.findall(r'<option value="(\w+)"', moves.group(1) if moves else ""))


async def bot_offers(
    database: Database, people: People, name: str, ticket_id: int
) -> set[str] | None:
    async with database.reader() as session:
        actor = await stored(session, getattr(people, name))
        try:
            ticket = await ticket_for(session, actor=actor, ticket_id=ticket_id)
        except DomainError:
            return None
        with CatalogI18n(default_locale="en").context():
            return keyboard_actions(card_markup(ticket, actor), TicketAction) - {"files"}


async def test_the_bot_and_the_site_offer_each_person_the_same_moves_in_every_status(
    database: Database, people: People, site: SiteClient
) -> None:
    tickets = {status: await ticket_in(database, people, status) for status in S}
    for name, shown_in in SHOWN.items():
        await signed_in_as(site, name)
        for status, ticket_id in tickets.items():
            page = await site.get(f"/tickets/{ticket_id}")
            on_site = None
            if page.status != 404:
                assert page.status == 200, (name, status)
                on_site = site_offers(await page.text(), ticket_id)
            on_bot = await bot_offers(database, people, name, ticket_id)
            shown = shown_in[status]
            assert (name, status, on_site, on_bot) == (name, status, shown, shown)
