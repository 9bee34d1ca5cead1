"""Walking a record's lifecycle in the tests: the state of the database around a move (so a
refused one is seen to change nothing), and the actions the bot's keyboard and the site's page
offer, by name, for comparing them status by status and role by role."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardMarkup
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from crm.settings import Settings
from db.base import Base
from db.engine import Database
from db.models import Client, Employee
from tests.support.site import Client as SiteClient
from tests.support.site import give_logins, sign_in
from web.app import create_app


async def stored(session: AsyncSession, someone: Client | Employee) -> Client | Employee:
    """``someone`` as ``session`` holds them, to act as in a service."""
    found = await session.get(type(someone), someone.id)
    assert isinstance(found, Client | Employee)
    return found


async def database_state(database: Database, record: type[Base], record_id: int) -> Any:
    """The record's row, every column, and how many rows each table holds: what a refused
    move must leave as it was."""
    table = Base.metadata.tables[record.__tablename__]
    counts = select(
        *(
            select(func.count()).select_from(each).scalar_subquery().label(each.name)
            for each in Base.metadata.sorted_tables
        )
    )
    async with database.reader() as session:
        row = (await session.execute(select(table).where(table.c.id == record_id))).one()
        return dict(row._mapping), dict((await session.execute(counts)).one()._mapping)


def keyboard_actions(
    markup: InlineKeyboardMarkup | None, data: type[CallbackData], **named: str
) -> set[str]:
    """The actions of a keyboard's buttons (``data``'s ``action`` field), each read through
    ``named`` when the button calls it otherwise (``teacher="assign"``)."""
    found: set[str] = set()
    for row in markup.inline_keyboard if markup else []:
        for button in row:
            assert button.callback_data is not None
            action = str(data.unpack(button.callback_data).model_dump()["action"])
            found.add(named.get(action, action))
    return found


@asynccontextmanager
async def site_for(database: Database, *staff: Employee) -> AsyncIterator[SiteClient]:
    """The admin site on ``database``, ``staff`` each able to sign in with their username."""
    await give_logins(database, *staff)
    app = create_app(Settings(_env_file=None), database, secret_key="test-secret-key")
    async with TestClient(TestServer(app)) as client:
        yield client


async def signed_in_as(site: SiteClient, login: str) -> None:
    """The site's client as ``login`` (whoever it was before is signed out)."""
    site.session.cookie_jar.clear()
    response = await sign_in(site, login)
    assert response.status == 302, f"{login} could not sign in"


def page_actions(page: str, path: str) -> set[str]:
    """The actions a page offers under ``path`` (``/contracts/4``): its forms' targets and its
    links, ``{path}/<action>``."""
    return set(re.findall(rf'(?:action|href)="{re.escape(path)}/(\w+)"', page))
