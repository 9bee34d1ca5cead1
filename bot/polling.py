"""Long polling that confirms an update only after it has been handled.

aiogram's own polling confirms a batch before its handler tasks finish, so a crash can lose
updates. Here a batch is handled first (chats in parallel, each chat's updates in order) and
confirmed by the next ``getUpdates``; a crash means redelivery, which the processed-update
record turns into a no-op. An update that could not be handled because the database was away
is not confirmed: it is fetched again after a growing pause.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections import defaultdict

from aiogram import Bot, Dispatcher
from aiogram.methods import GetUpdates, TelegramMethod
from aiogram.types import Update

from handlers.errors import comes_again

log = logging.getLogger(__name__)

MAX_BACKOFF_SECONDS = 30.0


def _chat_of(update: Update) -> int:
    event = update.event
    chat = getattr(event, "chat", None) or getattr(getattr(event, "message", None), "chat", None)
    if chat is not None:
        return int(chat.id)
    user = getattr(event, "from_user", None)
    return int(user.id) if user is not None else 0


async def handle_update(bot: Bot, dispatcher: Dispatcher, update: Update) -> bool:
    """Feed one update; a returned method is called. False if it must be tried again later.

    Only the database being unavailable makes an update wait: it was not applied, and will be
    when it comes again. A handler's own failure has been answered by the errors router, and
    what happens to an answer in Telegram is the answer's business (``bot.answers``): such an
    update is done, and fetching it again would only repeat the same failure.
    """
    try:
        result = await dispatcher.feed_update(bot, update)
        if isinstance(result, TelegramMethod):
            await dispatcher.silent_call_request(bot, result)
    except Exception as error:
        if comes_again(error):
            log.warning("update %s not handled (%s); it will come again", update.update_id, error)
            return False
        log.exception("update %s failed; it is not tried again", update.update_id)
    return True


async def handle_batch(bot: Bot, dispatcher: Dispatcher, updates: list[Update]) -> int | None:
    """Handle a batch: different chats concurrently, one chat's updates in their order.

    Returns the first update_id that must be tried again (a chat stops at its first failure,
    so its order holds), or None when all were handled.
    """
    by_chat: dict[int, list[Update]] = defaultdict(list)
    for update in updates:
        by_chat[_chat_of(update)].append(update)
    failed: list[int] = []

    async def run_chat(chat_updates: list[Update]) -> None:
        for update in chat_updates:
            if not await handle_update(bot, dispatcher, update):
                failed.append(update.update_id)
                return

    await asyncio.gather(*(run_chat(chat_updates) for chat_updates in by_chat.values()))
    return min(failed, default=None)


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
            if not updates:
                failures = 0
                continue
            retry_from = await handle_batch(bot, dispatcher, updates)
            if retry_from is None:
                failures = 0
                offset = updates[-1].update_id + 1
                continue
            # Confirm only what came before the first failure; the rest is delivered again
            # (what was applied meanwhile is recognised by its update_id and skipped).
            offset = retry_from
            failures += 1
            delay = min(MAX_BACKOFF_SECONDS, 0.25 * 2**failures) * random.uniform(0.5, 1.0)  # noqa: S311
            await asyncio.wait({stopping}, timeout=delay)
        if offset is not None:
            # Confirm what was handled, so a restart does not have to skip through it again.
            try:
                await bot(GetUpdates(offset=offset, timeout=0, limit=1), request_timeout=5)
            except Exception as error:
                log.info("could not confirm the last updates on stop (%s)", error)
    finally:
        stopping.cancel()
