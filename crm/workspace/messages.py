"""Messages between people (seed 003's ``Messages``), relayed by the bot.

A client writes to the staff they work with (their coach or helper, the teacher of their
contract, the assignee of their open ticket, the owner of their open deal: what each area that
is on says, ``crm.areas.Area.client_staff``); staff write to each other and to the clients whose
cards they may open. Whoever gets a relayed message may answer it (a Telegram reply to it).

The relayed text names the writer by their name alone: never a Telegram id, a username or a
phone the other side may not see. Each message is kept, so both sides find the conversation
on the site (staff) or in their chat; one to somebody the bot cannot reach (they blocked it, or
have no chat) is kept and shown undelivered.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, and_, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from crm.areas import ClientStaff
from crm.errors import NotFound, PermissionDenied
from crm.i18n import N_, Translator
from crm.notify import Notifier, first_part
from crm.people.names import clean_text
from crm.permissions import Actor
from crm.subjects import Subject
from crm.telegram_html import escape
from crm.visibility import visible_clients
from crm.workspace.owners import Person, person_of
from db.enums import OutboxStatus, SubjectKind
from db.models import Client, Employee, OutboxMessage, PersonMessage

# How many messages a conversation page shows, and how many conversations a list.
CONVERSATION_SHOWN = 100
CONVERSATIONS_SHOWN = 50
# How many recent messages the list of conversations is made from.
_RECENT = 1000


def message_subject(message_id: int) -> Subject:
    """What the relayed copy of a message is about: a reply to it answers the message."""
    return Subject(SubjectKind.MESSAGE, message_id)


def message_key(message_id: int) -> str:
    """The dedupe key a message is relayed under (its delivery is read back by it)."""
    return f"message:{message_id}"


def party_key(person: Person) -> str:
    """How a conversation's other side is named in an address: ``client-12``, ``staff-3``."""
    return f"client-{person.id}" if isinstance(person, Client) else f"staff-{person.id}"


async def staff_of_client(
    session: AsyncSession, client: Client, sources: Sequence[ClientStaff]
) -> list[Employee]:
    """The active employees ``client`` works with, by name: those a client may write to."""
    ids = {client.helper_id} if client.helper_id is not None else set()
    for source in sources:
        ids |= await source(session, client)
    if not ids:
        return []
    found = await session.scalars(
        select(Employee)
        .where(Employee.id.in_(ids), Employee.active.is_(True))
        .order_by(Employee.full_name, Employee.id)
    )
    return list(found)


async def _may_write(
    session: AsyncSession, writer: Person, recipient: Person, sources: Sequence[ClientStaff]
) -> bool:
    if isinstance(writer, Employee):
        if isinstance(recipient, Employee):
            return recipient.active and recipient.id != writer.id
        seen = await session.scalar(
            select(Client.id).where(Client.id == recipient.id, visible_clients(writer))
        )
        return seen is not None
    if isinstance(recipient, Client):
        return False
    return recipient in await staff_of_client(session, writer, sources)


def nobody_called(address: str) -> NotFound:
    """The refusal of a recipient one may not write to: as if there were nobody so called."""
    return NotFound(
        N_("you cannot write to {address}: nobody you work with is called so"), address=address
    )


@dataclass(frozen=True)
class Address:
    """Whom a message is for, as the edge read it: a username (without the ``@``) or a number
    (for staff a client's, #12 on the site; for a client an employee's, as ``/write`` lists
    them)."""

    username: str | None = None
    number: int | None = None


async def find_recipient(
    session: AsyncSession, *, actor: Actor, address: Address, sources: Sequence[ClientStaff]
) -> Person:
    """Whom ``address`` names for ``actor``: staff by username, for staff a client too (one
    whose card they may open); NotFound for anyone ``actor`` may not write to, as for nobody
    at all."""
    writer = person_of(actor)
    found: Person | None = None
    if address.username:
        name = address.username.lower()
        found = await session.scalar(
            select(Employee).where(func.lower(Employee.username) == name, Employee.active.is_(True))
        )
        if found is None and isinstance(writer, Employee):
            found = await session.scalar(
                select(Client)
                .where(func.lower(Client.username) == name, visible_clients(writer))
                .order_by(Client.id)
                .limit(1)
            )
    elif address.number is not None:
        wanted = Client if isinstance(writer, Employee) else Employee
        found = await session.get(wanted, address.number)
    if found is None or not await _may_write(session, writer, found, sources):
        shown = f"@{address.username}" if address.username else f"#{address.number}"
        raise nobody_called(shown)
    return found


def relayed_text(tr: Translator, writer: Person, text: str) -> str:
    """What the recipient reads: the writer's name (and, for staff, their position), the text,
    and how to answer; no id, username or phone."""
    name = escape(writer.full_name)
    if isinstance(writer, Employee) and writer.position:
        name = f"{name} ({escape(writer.position)})"
    return "\n".join(
        [
            tr.gettext("💬 Message from <b>{name}</b>:", name=name),
            "",
            escape(text),
            "",
            tr.gettext("<i>Reply to this message to answer.</i>"),
        ]
    )


def _sides(writer: Person, recipient: Person) -> dict[str, int | None]:
    return {
        "sender_client_id": writer.id if isinstance(writer, Client) else None,
        "sender_employee_id": writer.id if isinstance(writer, Employee) else None,
        "recipient_client_id": recipient.id if isinstance(recipient, Client) else None,
        "recipient_employee_id": recipient.id if isinstance(recipient, Employee) else None,
    }


async def _relay(
    session: AsyncSession,
    notifier: Notifier,
    writer: Person,
    recipient: Person,
    text: str,
    now: datetime,
) -> PersonMessage:
    body = clean_text(text, required=True, field="text")
    message = PersonMessage(**_sides(writer, recipient), text=body, sent_at=now)
    session.add(message)
    await session.flush()
    chat_id = recipient.telegram_id
    if chat_id is not None:
        tr = notifier.translator(notifier.language_of(recipient))
        await notifier.enqueue(
            session,
            chat_id,
            relayed_text(tr, writer, body),
            now=now,
            subject=message_subject(message.id),
            dedupe_key=message_key(message.id),
        )
    return message


async def send_message(
    session: AsyncSession,
    notifier: Notifier,
    *,
    actor: Actor,
    recipient: Person,
    text: str,
    now: datetime,
    sources: Sequence[ClientStaff],
) -> PersonMessage:
    """``actor`` writes ``text`` to ``recipient``: kept, and relayed by the bot."""
    writer = person_of(actor)
    if not await _may_write(session, writer, recipient, sources):
        raise nobody_called(recipient.full_name)
    return await _relay(session, notifier, writer, recipient, text, now)


async def answer_message(
    session: AsyncSession,
    notifier: Notifier,
    *,
    actor: Actor,
    message_id: int,
    text: str,
    now: datetime,
) -> tuple[PersonMessage, Person]:
    """``actor`` answers a message they were sent: it goes back to its writer (whoever writes
    to someone may be answered by them). Returns the answer and whom it went to."""
    replier = person_of(actor)
    original = await session.scalar(
        select(PersonMessage)
        .where(PersonMessage.id == message_id, _to(replier))
        .options(
            selectinload(PersonMessage.sender_client), selectinload(PersonMessage.sender_employee)
        )
    )
    writer = None if original is None else original.sender_client or original.sender_employee
    if writer is None:
        raise NotFound(N_("that message is not one you were sent"))
    if isinstance(writer, Employee) and not writer.active:
        raise PermissionDenied(N_("{name} no longer works here"), name=writer.full_name)
    return await _relay(session, notifier, replier, writer, text, now), writer


def _to(person: Person) -> ColumnElement[bool]:
    if isinstance(person, Client):
        return PersonMessage.recipient_client_id == person.id
    return PersonMessage.recipient_employee_id == person.id


def _from(person: Person) -> ColumnElement[bool]:
    if isinstance(person, Client):
        return PersonMessage.sender_client_id == person.id
    return PersonMessage.sender_employee_id == person.id


_PEOPLE = (
    selectinload(PersonMessage.sender_client),
    selectinload(PersonMessage.sender_employee),
    selectinload(PersonMessage.recipient_client),
    selectinload(PersonMessage.recipient_employee),
)


def other_side(message: PersonMessage, me: Person) -> Person:
    """Who, of a message's two sides, is not ``me`` (loaded with ``_PEOPLE``)."""
    sender = message.sender_client or message.sender_employee
    recipient = message.recipient_client or message.recipient_employee
    assert sender is not None and recipient is not None
    return recipient if sender == me else sender


@dataclass(frozen=True)
class ConversationRow:
    other: Person
    last: PersonMessage
    unread: int


async def conversations(session: AsyncSession, *, actor: Actor) -> list[ConversationRow]:
    """``actor``'s conversations, the latest first, with how many messages to them are unread."""
    me = person_of(actor)
    recent = await session.scalars(
        select(PersonMessage)
        .where(or_(_to(me), _from(me)))
        .order_by(PersonMessage.id.desc())
        .limit(_RECENT)
        .options(*_PEOPLE)
    )
    rows: dict[str, ConversationRow] = {}
    for message in recent:
        other = other_side(message, me)
        key = party_key(other)
        unread = int(message.read_at is None and other != me and _is_to(message, me))
        if key in rows:
            row = rows[key]
            rows[key] = ConversationRow(row.other, row.last, row.unread + unread)
        elif len(rows) < CONVERSATIONS_SHOWN:
            rows[key] = ConversationRow(other, message, unread)
    return list(rows.values())


def _is_to(message: PersonMessage, person: Person) -> bool:
    if isinstance(person, Client):
        return message.recipient_client_id == person.id
    return message.recipient_employee_id == person.id


async def counterpart(session: AsyncSession, *, actor: Actor, key: str) -> Person:
    """The other side named by ``key`` (``client-12``, ``staff-3``) of one of ``actor``'s
    conversations, or of one they may start; NotFound otherwise."""
    me = person_of(actor)
    kind, _, number = key.partition("-")
    if kind not in ("client", "staff") or not number.isdigit() or len(number) > 11:
        raise NotFound(N_("that conversation does not exist"))
    other: Person | None = (
        await session.get(Client, int(number))
        if kind == "client"
        else await session.get(Employee, int(number))
    )
    if other is None or other == me:
        raise NotFound(N_("that conversation does not exist"))
    exchanged = await session.scalar(select(PersonMessage.id).where(_between(me, other)).limit(1))
    if exchanged is None and not (
        isinstance(me, Employee) and await _may_write(session, me, other, ())
    ):
        raise NotFound(N_("that conversation does not exist"))
    return other


def _between(me: Person, other: Person) -> ColumnElement[bool]:
    return or_(and_(_from(me), _to(other)), and_(_from(other), _to(me)))


async def conversation(
    session: AsyncSession, *, actor: Actor, other: Person
) -> list[PersonMessage]:
    """The messages between ``actor`` and ``other``, oldest first (the latest
    ``CONVERSATION_SHOWN``)."""
    me = person_of(actor)
    latest = list(
        await session.scalars(
            select(PersonMessage)
            .where(_between(me, other))
            .order_by(PersonMessage.id.desc())
            .limit(CONVERSATION_SHOWN)
            .options(*_PEOPLE)
        )
    )
    return latest[::-1]


async def mark_read(session: AsyncSession, *, actor: Actor, other: Person, now: datetime) -> None:
    """``actor`` has read what ``other`` wrote to them."""
    me = person_of(actor)
    await session.execute(
        update(PersonMessage)
        .where(_from(other), _to(me), PersonMessage.read_at.is_(None))
        .values(read_at=now)
        .execution_options(synchronize_session=False)
    )


async def deliveries(
    session: AsyncSession, messages: Sequence[PersonMessage]
) -> dict[int, OutboxStatus | None]:
    """How far each message got: its notification's state (pending, sent, failed), None for one
    the bot had no chat to send to."""
    keys: dict[str | None, int] = {
        first_part(message_key(message.id)): message.id for message in messages
    }
    found = await session.execute(
        select(OutboxMessage.dedupe_key, OutboxMessage.status).where(
            OutboxMessage.dedupe_key.in_(list(keys))
        )
    )
    states: dict[int, OutboxStatus | None] = dict.fromkeys(keys.values())
    for key, status in found:
        states[keys[key]] = status
    return states
