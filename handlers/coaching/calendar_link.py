"""The private calendar feed URL, from a button under /sessions: each press issues a fresh
secret URL (``crm.coaching.calendar_feeds.issue_feed``) and the old one stops working. Clients
and staff alike; the URL is said only in the person's own chat."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import urlsplit

from aiogram import Bot, Router
from aiogram.types import CallbackQuery
from sqlalchemy.ext.asyncio import AsyncSession

from crm.coaching.calendar_feeds import issue_feed
from crm.errors import InvalidInput
from crm.i18n import N_
from crm.permissions import Actor
from crm.settings import Settings
from handlers.coaching import calendar_texts
from handlers.coaching import keyboards as coaching_keyboards


def site_address(settings: Settings, web_url: str) -> str:
    """Where calendar apps reach the site. There is no setting of its own: with a webhook,
    the webhook URL's origin (Telegram reaches the same app there, so it is public); without
    one, the address the site listens on."""
    if settings.webhook_url:
        parts = urlsplit(settings.webhook_url)
        return f"{parts.scheme}://{parts.netloc}"
    return web_url.rstrip("/")


async def calendar_link(
    query: CallbackQuery,
    callback_data: coaching_keyboards.CalendarLink,
    actor: Actor,
    session: AsyncSession,
    settings: Settings,
    bot: Bot,
    web_url: str,
    now: datetime,
) -> None:
    """A fresh feed URL, with what it is for and that it is private."""
    if callback_data.action != "issue":
        raise InvalidInput(N_("That button is not valid any more."))
    token = await issue_feed(session, actor=actor, now=now)
    url = f"{site_address(settings, web_url)}/calendar/{token}.ics"
    await query.answer()
    chat_id = query.message.chat.id if query.message else query.from_user.id
    await bot.send_message(chat_id, calendar_texts.feed_issued(url))


def create_router() -> Router:
    router = Router(name=__name__)
    router.callback_query.register(calendar_link, coaching_keyboards.CalendarLink.filter())
    return router
