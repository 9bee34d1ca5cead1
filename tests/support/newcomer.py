"""A newcomer to the bot, Maria, before she registers: who she is in Telegram, the button that
shares her phone number, and the client cards made of her."""

from __future__ import annotations

from sqlalchemy import select

from bot.sandbox.chat import SandboxUser
from db.engine import Database
from db.models import Client

NEWCOMER = SandboxUser(
    id=7001,
    first_name="Maria",
    last_name="Lopez",
    username="mlopez",
    language_code="en",
    phone="+34600123456",
)
SHARE = "📱 Share my phone number"


async def newcomer_cards(database: Database) -> list[Client]:
    """The client cards with the newcomer's Telegram id (one once she has registered)."""
    async with database.reader() as session:
        return list(await session.scalars(select(Client).where(Client.telegram_id == NEWCOMER.id)))
