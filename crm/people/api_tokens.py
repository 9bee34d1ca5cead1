"""API tokens: the keys integrations (a website form, an accounting export) use to act as an
employee through the API, with that employee's role. Each employee makes, lists and revokes
their own on the admin site. A token is shown once, when made; only its SHA-256 is kept, with a
name, its first characters to tell it apart, when it was last used and when it stops working.
A token stops working when revoked, when it expires and when its employee is switched off."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from crm.errors import Conflict, FieldChecks, NotFound
from crm.i18n import N_
from crm.people.names import clean_name
from crm.permissions import Actor, require_staff
from crm.tokens import new_token, token_hash
from db.models import ApiToken, Employee

# What every token starts with, so that one pasted in the wrong place is recognised.
PREFIX = "fdk_"
HINT_LENGTH = 10
NAME_LENGTH = 100
# How many live tokens one employee may hold.
MOST_LIVE = 20
# How often the last use is written down: no write per request.
USE_NOTED_EVERY = timedelta(minutes=1)


def _live(now: datetime) -> tuple[ColumnElement[bool], ColumnElement[bool]]:
    """The tokens that work at ``now``: not revoked, not expired."""
    return (
        ApiToken.revoked_at.is_(None),
        or_(ApiToken.expires_at.is_(None), ApiToken.expires_at > now),
    )


async def create_api_token(
    session: AsyncSession,
    *,
    actor: Actor,
    name: str,
    expires_at: datetime | None,
    now: datetime,
) -> tuple[ApiToken, str]:
    """A new token for ``actor`` (staff), named ``name``, working until ``expires_at`` (None:
    until revoked); returns it and the token itself, which is never shown again."""
    employee = require_staff(actor)
    checks = FieldChecks()
    cleaned = ""
    with checks.field("name"):
        cleaned = clean_name(name, "name", longest=NAME_LENGTH)
    if expires_at is not None and expires_at <= now:
        checks.refuse(N_("a token stops working in the future"), field="expires_at")
    checks.done()
    live = await session.scalar(
        select(func.count())
        .select_from(ApiToken)
        .where(ApiToken.employee_id == employee.id, *_live(now))
    )
    if (live or 0) >= MOST_LIVE:
        raise Conflict(
            N_("you already have {count} working tokens: revoke one first"), count=MOST_LIVE
        )
    token = new_token(PREFIX)
    made = ApiToken(
        employee_id=employee.id,
        name=cleaned,
        token_hash=token_hash(token),
        hint=token[:HINT_LENGTH],
        created_at=now,
        expires_at=expires_at,
    )
    session.add(made)
    await session.flush()
    return made, token


async def my_api_tokens(session: AsyncSession, *, actor: Actor) -> list[ApiToken]:
    """``actor``'s tokens, the newest first, revoked and expired ones too."""
    employee = require_staff(actor)
    return list(
        await session.scalars(
            select(ApiToken).where(ApiToken.employee_id == employee.id).order_by(ApiToken.id.desc())
        )
    )


async def revoke_api_token(
    session: AsyncSession, *, actor: Actor, token_id: int, now: datetime
) -> ApiToken:
    """``actor`` revokes one of their tokens: it stops working at once."""
    employee = require_staff(actor)
    token = await session.scalar(
        select(ApiToken).where(ApiToken.id == token_id, ApiToken.employee_id == employee.id)
    )
    if token is None:
        raise NotFound(N_("token #{number} does not exist"), number=token_id)
    if token.revoked_at is None:
        token.revoked_at = now
        await session.flush()
    return token


async def live_token(session: AsyncSession, token: str, *, now: datetime) -> ApiToken | None:
    """The token ``token`` with its employee, while it is live and they are active; else None."""
    if not token.startswith(PREFIX) or len(token) > 200:
        return None
    found = await session.scalar(
        select(ApiToken)
        .where(ApiToken.token_hash == token_hash(token), *_live(now))
        .options(selectinload(ApiToken.employee))
    )
    if found is None or not found.employee.active:
        return None
    return found


def use_to_note(token: ApiToken, now: datetime) -> bool:
    """Whether the use of ``token`` at ``now`` is to be written down (at most once a minute)."""
    return token.last_used_at is None or now - token.last_used_at >= USE_NOTED_EVERY


async def note_use(session: AsyncSession, token_id: int, now: datetime) -> None:
    """Write down that token ``token_id`` was used at ``now``."""
    await session.execute(update(ApiToken).where(ApiToken.id == token_id).values(last_used_at=now))


async def employee_of_token(session: AsyncSession, token: str, *, now: datetime) -> Employee | None:
    """Whom ``token`` acts as: its employee while the token is live and they are active; None
    otherwise. The last use is written down at most once a minute."""
    found = await live_token(session, token, now=now)
    if found is None:
        return None
    if use_to_note(found, now):
        await note_use(session, found.id, now)
    return found.employee
