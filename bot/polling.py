"""Long polling that confirms an update only after it has been handled.

aiogram's own polling confirms a batch before its handler tasks finish, so a crash can lose
updates. Here a batch is handled first (chats in parallel, each chat's updates in order) and
confirmed by the next ``getUpdates``; a crash means redelivery, which the processed-update
record turns into a no-op.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections import defaultdict

from aiogram import Bot, Dispatcher
from aiogram.methods import GetUpdates, TelegramMethod
from aiogram.types import Update

log = logging.getLogger(__name__)

MAX_BACKOFF_SECONDS = 30.0


def _chat_of(update: Update) -> int:
    event = update.event
    chat = getattr(event, "chat", None) or getattr(getattr(event, "message", None), "chat", None)
    if chat is not None:
        return int(chat.id)
    user = getattr(event, "from_user", None)
    return int(user.id) if user is not None else 0


async def handle_update(bot: Bot, dispatcher: Dispatcher, update: Update) -> None:
    """Feed one update; a returned method is called, an error is logged, nothing escapes."""
    try:
        result = await dispatcher.feed_update(bot, update)
        if isinstance(result, TelegramMethod):
            await dispatcher.silent_call_request(bot, result)
    except Exception:
        log.exception("update %s could not be handled", update.update_id)


async def handle_batch(bot: Bot, dispatcher: Dispatcher, updates: list[Update]) -> None:
    """Handle a batch: different chats concurrently, one chat's updates in their order."""
    by_chat: dict[int, list[Update]] = defaultdict(list)
    for update in updates:
        by_chat[_chat_of(update)].append(update)

    async def run_chat(chat_updates: list[Update]) -> None:
        for update in chat_updates:
            await handle_update(bot, dispatcher, update)

    await asyncio.gather(*(run_chat(chat_updates) for chat_updates in by_chat.values()))


async def poll(bot: Bot, dispatcher: Dispatcher, stop: asyncio.Event, *, timeout: int = 10) -> None:
    """Fetch and handle updates until ``stop`` is set; a batch in hand is finished first."""
    allowed = dispatcher.resolve_used_update_types()
    offset: int | None = None
    failures = 0
    stopping = asyncio.ensure_future(stop.wait())
    try:
        while not stop.is_set():
            request = GetUpdates(offset=offset, timeout=timeout, allowed_updates=allowed)
            fetching = asyncio.ensure_future(bot(request, request_timeout=timeout + 10))
            await asyncio.wait({fetching, stopping}, return_when=asyncio.FIRST_COMPLETED)
            if not fetching.done():
                fetching.cancel()
                await asyncio.gather(fetching, return_exceptions=True)
                break
            try:
                updates = fetching.result()
            except Exception as error:
                failures += 1
                delay = min(MAX_BACKOFF_SECONDS, 0.5 * 2**failures) * random.uniform(0.5, 1.0)  # noqa: S311
                log.warning("getUpdates failed (%s); retrying in %.1f s", error, delay)
                await asyncio.wait({stopping}, timeout=delay)
                continue
            failures = 0
            if updates:
                await handle_batch(bot, dispatcher, updates)
                offset = updates[-1].update_id + 1
        if offset is not None:
            # Confirm what was handled, so a restart does not have to skip through it again.
            try:
                await bot(GetUpdates(offset=offset, timeout=0, limit=1), request_timeout=5)
            except Exception as error:
                log.info("could not confirm the last updates on stop (%s)", error)
    finally:
        stopping.cancel()
