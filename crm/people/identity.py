"""Finding out who is writing: an active employee, a client, or a stranger."""

from __future__ import annotations

from sqlalchemy import bindparam, literal_column, select
from sqlalchemy.ext.asyncio import AsyncSession

from crm.i18n import SHIPPED_LANGUAGES, pick_language
from crm.permissions import Actor, Stranger
from db.models import Client, Employee, FsmRecord
from db.telegram_state import hold_fsm

# Built once: every update asks it, and building a statement costs more than running it. One
# row, whoever writes: the active employee and the client with this Telegram account (each
# column is unique), either or both missing, joined to a constant row so that a stranger gets a
# row of nothings rather than none. One round trip instead of one per table.
_PERSON = (
    select(Employee, Client)
    .select_from(select(literal_column("1").label("asked")).subquery())
    .outerjoin(
        Employee,
        (Employee.telegram_id == bindparam("telegram_id")) & Employee.active.is_(True),
    )
    .outerjoin(Client, Client.telegram_id == bindparam("telegram_id"))
)
# The same, with the dialog state kept in the database under a key: the bot's update asks for
# it next (the dialog's storage is the bot's, but the row is read here to save a round trip).
_PERSON_AND_DIALOG = _PERSON.add_columns(FsmRecord).outerjoin(
    FsmRecord, FsmRecord.key == bindparam("dialog_key")
)


async def identify(
    session: AsyncSession, telegram_id: int, *, dialog_key: str | None = None
) -> Actor:
    """The person behind ``telegram_id``: staff first, then clients, else a stranger.

    With ``dialog_key``, the dialog state stored under it is read in the same statement and
    held for the session (``db.telegram_state.hold_fsm``), so reading it costs no query more.
    """
    if dialog_key is None:
        employee, client = (await session.execute(_PERSON, {"telegram_id": telegram_id})).one()
    else:
        asked = {"telegram_id": telegram_id, "dialog_key": dialog_key}
        employee, client, dialog = (await session.execute(_PERSON_AND_DIALOG, asked)).one()
        hold_fsm(session, dialog_key, dialog)
    if employee is not None:
        return employee
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
