"""Clients as the bot meets them: the card made (or found) when someone shares their phone
number in Telegram, and whether the bot can reach them (a client who blocked it is flagged)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from crm.errors import Conflict, InvalidInput
from crm.i18n import N_, SHIPPED_LANGUAGES
from crm.people.clients import TELEGRAM_SOURCE
from crm.people.names import MAX_NAME_LENGTH, clean_username
from crm.people.phones import normalize_phone
from db.models import Client


@dataclass(frozen=True)
class TelegramContact:
    """A phone number shared in Telegram, with who shared it and whose it is."""

    sender_id: int
    contact_user_id: int | None
    phone: str
    full_name: str
    username: str | None
    language: str | None


async def register_client(session: AsyncSession, contact: TelegramContact) -> tuple[Client, bool]:
    """The client card for the sender of ``contact``; returns (client, created).

    Only the sender's own number is accepted. A card already holding this phone (made by staff
    before the client wrote) is linked to the sender instead of being duplicated.
    """
    if contact.contact_user_id != contact.sender_id:
        raise InvalidInput(N_("Please share your own phone number with the button below."))
    phone = normalize_phone(contact.phone)
    name = (contact.full_name.strip() or phone)[:MAX_NAME_LENGTH]
    language = contact.language if contact.language in SHIPPED_LANGUAGES else None

    client = await session.scalar(select(Client).where(Client.telegram_id == contact.sender_id))
    if client is not None:
        return client, False
    client = await session.scalar(select(Client).where(Client.phone == phone))
    if client is not None:
        if client.telegram_id is not None:
            raise Conflict(N_("This phone number is already registered to another account."))
        client.telegram_id = contact.sender_id
        client.username = clean_username(contact.username) or client.username
        client.language = client.language or language
        await session.flush()
        return client, False
    client = Client(
        full_name=name,
        phone=phone,
        telegram_id=contact.sender_id,
        username=clean_username(contact.username),
        language=language,
        source=TELEGRAM_SOURCE,
    )
    session.add(client)
    await session.flush()
    return client, True


async def mark_unreachable(session: AsyncSession, telegram_id: int) -> Client | None:
    """The client behind ``telegram_id`` blocked the bot: flag the card (shown to staff)."""
    client = await session.scalar(select(Client).where(Client.telegram_id == telegram_id))
    if client is not None and not client.unreachable:
        client.unreachable = True
        await session.flush()
    return client


async def mark_reachable(session: AsyncSession, client: Client) -> None:
    """A client who writes to us again can be reached again."""
    if client.unreachable:
        client.unreachable = False
        await session.flush()
