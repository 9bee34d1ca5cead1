"""What an area brings to the bot: its routers, commands and help lines per role (with their
main-menu buttons), the filers of Telegram replies about its records, and its part of a
client's ``/status``. Each area's ``handlers/<area>/area.py`` holds one ``BOT``; the bot is
composed from those of the areas that are on (``crm.areas``)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from aiogram import Dispatcher, Router
from aiogram.types import InlineKeyboardButton
from sqlalchemy.ext.asyncio import AsyncSession

from crm.areas import AgendaItem, Area, parts_of
from crm.notify import Notifier
from crm.permissions import Audience
from crm.settings import Settings
from db.enums import SubjectKind
from db.models import Client
from handlers.commands import BotCommandEntry
from handlers.loose import LooseOffer
from handlers.replies import ReplyFiler


@dataclass(frozen=True)
class StatusAsk:
    """A client asking for ``/status``, and what an area needs to answer its part."""

    session: AsyncSession
    client: Client
    notifier: Notifier
    settings: Settings
    locale: str
    now: datetime


# An area's lines of a client's /status; empty when it has nothing to say.
StatusPart = Callable[[StatusAsk], Awaitable[str]]


@dataclass(frozen=True)
class AgendaShown:
    """How /agenda is written for its reader: moments by ``when`` (the business time zone),
    words in ``locale``."""

    when: Callable[[datetime], str]
    locale: str
    zone: ZoneInfo
    now: datetime
    for_client: bool


# One dated item of /agenda as a line; a group of undated items of one kind, with its head.
AgendaLine = Callable[[AgendaShown, Any], str]
AgendaGroup = Callable[[AgendaShown, Sequence[Any]], str]
# The rows of buttons under /agenda for an area's items (``crm.areas.AgendaItem``).
AgendaButtons = Callable[[AgendaShown, Sequence[AgendaItem]], list[list[InlineKeyboardButton]]]


@dataclass(frozen=True)
class BotArea:
    """One area's part of the bot."""

    # Fresh routers for one dispatcher, tried in this order after the shared ones.
    routers: Callable[[], list[Router]]
    # Routers that catch what no command took (a client's loose message): tried after every
    # area's ``routers``, before the last fallback.
    late_routers: Callable[[], list[Router]] = list
    commands: Mapping[Audience, Sequence[BotCommandEntry]] = field(default_factory=dict)
    reply_filers: Mapping[SubjectKind, ReplyFiler] = field(default_factory=dict)
    status: StatusPart | None = None
    # How the area's /agenda items are written, by kind (``crm.areas.AgendaItem.kind``), and
    # the audiences it gives something to (they get /agenda).
    agenda_lines: Mapping[str, AgendaLine] = field(default_factory=dict)
    agenda_groups: Mapping[str, AgendaGroup] = field(default_factory=dict)
    agenda_for: frozenset[Audience] = frozenset()
    # Buttons under /agenda for the area's items (a planned item's *delete*).
    agenda_buttons: AgendaButtons | None = None
    # What the area offers beside the others for a loose message the bot asks about.
    loose_offer: LooseOffer | None = None
    # What the area hangs on the dispatcher itself: a middleware every update of a kind passes.
    on_dispatcher: Callable[[Dispatcher], None] | None = None


def bot_areas(areas: Sequence[Area]) -> list[BotArea]:
    """The bot parts of ``areas``, in their order."""
    return parts_of("handlers", areas, "BOT")
