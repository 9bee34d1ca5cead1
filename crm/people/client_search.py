"""Filtering any listing by the client a person typed: a client id, or part of a name or phone.
Every area's listing (tickets, contracts, sessions, requests, reports) filters by client this
way."""

from __future__ import annotations

from sqlalchemy import ColumnElement, Select, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from crm.ids import parse_id
from crm.people.clients import client_matches
from crm.people.phones import phone_search_digits
from db.models import Client

CLIENT_IDS_INLINE = 500


async def clients_matching(session: AsyncSession, text: str) -> list[int] | Select[int]:
    """Ids of the clients the client search matches (a number also names the client with that
    id): a list when it is short (the tickets are then read client by client), else the query
    itself."""
    found = client_matches(text)
    if (client_id := parse_id(text)) is not None:
        found = or_(Client.id == client_id, found)
    matching = select(Client.id).where(found)
    ids = list(await session.scalars(matching.limit(CLIENT_IDS_INLINE + 1)))
    return ids if len(ids) <= CLIENT_IDS_INLINE else matching


async def for_client(
    session: AsyncSession, column: InstrumentedAttribute[int], typed: str
) -> ColumnElement[bool] | None:
    """The rows whose ``column`` is a client the client search ``typed`` names (a client id,
    or part of a name or phone); None when nothing is typed."""
    client = typed.strip()
    client_id = parse_id(client) if phone_search_digits(client) is None else None
    if client_id is not None:
        return column == client_id
    if client:
        return column.in_(await clients_matching(session, client))
    return None
