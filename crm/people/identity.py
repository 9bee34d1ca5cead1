"""Finding out who is writing: an active employee, a client, or a stranger."""

from __future__ import annotations

from sqlalchemy import bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession

from crm.i18n import SHIPPED_LANGUAGES, pick_language
from crm.permissions import Actor, Stranger
from db.models import Client, Employee

# Built once: every update asks them, and building a statement costs more than running it.
_STAFF_MEMBER = select(Employee).where(
    Employee.telegram_id == bindparam("telegram_id"), Employee.active.is_(True)
)
_CLIENT = select(Client).where(Client.telegram_id == bindparam("telegram_id"))


async def identify(session: AsyncSession, telegram_id: int) -> Actor:
    """The person behind ``telegram_id``: staff first, then clients, else a stranger."""
    asked = {"telegram_id": telegram_id}
    employee = await session.scalar(_STAFF_MEMBER, asked)
    if employee is not None:
        return employee
    client = await session.scalar(_CLIENT, asked)
    if client is not None:
        return client
    return Stranger(telegram_id=telegram_id)


async def set_language(session: AsyncSession, actor: Actor, language: str) -> None:
    """Remember the language ``actor`` chose; strangers have nowhere to keep it."""
    if language not in SHIPPED_LANGUAGES:
        raise ValueError(f"language {language!r} is not shipped")
    if isinstance(actor, Employee | Client):
        actor.language = language
        await session.flush()


def note_telegram_language(actor: Actor, language_code: str | None) -> None:
    """Keep the language an employee's Telegram app is in, when it is one of ours: the admin
    site speaks it to them until they choose (changed only when it changes, so a usual update
    writes nothing more)."""
    if not isinstance(actor, Employee) or not language_code:
        return
    seen = pick_language(language_code, "")
    if seen and seen != actor.telegram_language:
        actor.telegram_language = seen


async def people_on_telegram(
    session: AsyncSession, limit: int = 200
) -> tuple[list[Employee], list[Client]]:
    """Active staff and clients who have a Telegram account, for the sandbox's identity picker."""
    staff = await session.scalars(
        select(Employee)
        .where(Employee.active.is_(True), Employee.telegram_id.is_not(None))
        .order_by(Employee.id)
        .limit(limit)
    )
    clients = await session.scalars(
        select(Client).where(Client.telegram_id.is_not(None)).order_by(Client.id).limit(limit)
    )
    return list(staff), list(clients)
