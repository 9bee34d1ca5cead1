"""The sender: delivers the outbox at least once, within Telegram's limits.

- 429: waits ``retry_after`` (everything pauses, the message is retried then);
- 5xx and network errors: retried with exponential backoff and jitter;
- a message still failing after ``max_attempts`` tries or ``max_age_seconds`` is given up;
- 403 (the user blocked the bot): the client is marked unreachable, their queue dropped;
- 400s and anything unforeseen: given up at once, with the reason kept.

A message given up is ``failed`` with its reason, and the chat's later messages go on.
Messages are claimed under a lease, so one whose sender died is delivered after the lease.
"""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from aiogram import Bot
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.methods import (
    EditMessageReplyMarkup,
    EditMessageText,
    SendDocument,
    SendMessage,
    SendPhoto,
    TelegramMethod,
)

from crm.people.telegram_clients import mark_unreachable
from crm.subjects import Subject, remember_message
from db.base import utcnow
from db.engine import Database
from db.outbox import (
    Claimed,
    claim_due,
    fail_pending_for_chat,
    mark_failed,
    mark_sent,
    retry_later,
)
from notifications.loop import DeliveryLoop, backoff, retry_time
from notifications.ratelimit import Limiter, RateLimiter
from notifications.sent import sent_message_ids

log = logging.getLogger(__name__)

# What an outbox row may ask of Telegram, by the Bot API's method name: notifications, and
# answers the bot could not send at once (``bot.answers``).
OUTBOX_METHODS: dict[str, type[TelegramMethod[Any]]] = {
    method.__api_method__: method
    for method in (SendMessage, SendPhoto, SendDocument, EditMessageText, EditMessageReplyMarkup)
}


@dataclass(frozen=True)
class SenderConfig:
    """How the sender paces itself; the defaults are Telegram's published limits."""

    # Under Telegram's 30 a second: the limiter lets at most 28 start in any second, leaving
    # room for network jitter to pack a couple more into one second at Telegram's end.
    rate_per_second: float = 28.0
    per_chat_seconds: float = 1.0
    lease_seconds: float = 60.0
    batch_size: int = 60
    idle_seconds: float = 1.0
    backoff_base_seconds: float = 1.0
    backoff_cap_seconds: float = 300.0
    # Past these a message that still cannot go is failed: about a day of Telegram being away.
    max_attempts: int = 300
    max_age_seconds: float = 24 * 3600.0


class OutboxSender(DeliveryLoop):
    """Claims due outbox messages and sends them through ``bot``."""

    def __init__(
        self,
        database: Database,
        bot: Bot,
        config: SenderConfig | None = None,
        *,
        limiter: Limiter | None = None,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        """``limiter`` is shared by all senders when several run (Redis); else the process's own.

        ``clock`` tells the time (UTC) for leases, retries and the sent time.
        """
        super().__init__()
        self.clock = clock
        self.database = database
        self.bot = bot
        self.config = config or SenderConfig()
        self.limiter: Limiter = limiter or RateLimiter(
            self.config.rate_per_second, self.config.per_chat_seconds
        )
        self.idle_seconds = self.config.idle_seconds
        # Between claim and send: a test hook that can stand for a crash at that moment.
        self.before_send: Callable[[Claimed], Awaitable[None]] | None = None

    async def deliver_due(self) -> int:
        """Claim one batch of due messages and deliver it; returns how many were claimed."""
        now = self.clock()
        lease = now + timedelta(seconds=self.config.lease_seconds)
        async with self.database.writer() as session, session.begin():
            batch = await claim_due(
                session, now=now, lease_until=lease, limit=self.config.batch_size
            )
        by_chat: dict[int, list[Claimed]] = defaultdict(list)
        for message in batch:
            by_chat[message.chat_id].append(message)
        await asyncio.gather(*(self._deliver_chat(messages) for messages in by_chat.values()))
        return len(batch)

    async def _deliver_chat(self, messages: list[Claimed]) -> None:
        """One chat's messages in order; after one that must wait, the rest wait with it."""
        for number, message in enumerate(messages):
            retry_at = await self._deliver(message)
            if retry_at is not None:
                later = messages[number + 1 :]
                if later:
                    async with self.database.writer() as session, session.begin():
                        for waiting in later:
                            await retry_later(
                                session, waiting.id, at=retry_at, error="waits for an earlier one"
                            )
                return

    def _backoff(self, attempts: int) -> float:
        return backoff(attempts, self.config.backoff_base_seconds, self.config.backoff_cap_seconds)

    async def _deliver(self, message: Claimed) -> datetime | None:
        """Send one message and record the outcome; returns when to retry, if it must wait."""
        await self.limiter.wait(message.chat_id)
        if self.before_send is not None:
            await self.before_send(message)
        try:
            sent = await self._send(message)
        except TelegramRetryAfter as error:
            await self.limiter.pause(error.retry_after)
            return await self._record_retry(message, error.retry_after, f"429: {error.message}")
        except TelegramForbiddenError as error:
            await self._record_blocked(message, f"403: {error.message}")
            return None
        except TelegramBadRequest as error:
            log.warning("outbox %s refused by Telegram: %s", message.id, error.message)
            await self._record_failed(message, f"400: {error.message}")
            return None
        except TelegramServerError as error:
            delay = self._backoff(message.attempts)
            return await self._record_retry(message, delay, f"5xx: {error.message}")
        except (TimeoutError, TelegramNetworkError, OSError) as error:
            delay = self._backoff(message.attempts)
            return await self._record_retry(message, delay, f"network: {error}")
        except Exception as error:
            # Not Telegram being busy or away: trying again would fail the same way, and
            # hold every later message to the chat behind this one.
            log.exception("outbox %s cannot be sent; given up", message.id)
            await self._record_failed(message, f"unforeseen: {error!r}")
            return None
        async with self.database.writer() as session, session.begin():
            now = self.clock()
            ids = sent_message_ids(sent)
            chat_message_id = None if ids is None else ids[1]
            await mark_sent(session, message.id, at=now, chat_message_id=chat_message_id)
            kind, subject_id = message.subject_kind, message.subject_id
            if kind is not None and subject_id is not None and chat_message_id is not None:
                await remember_message(
                    session,
                    chat_id=message.chat_id,
                    message_id=chat_message_id,
                    subject=Subject(kind, subject_id),
                    now=now,
                )
        return None

    async def _send(self, message: Claimed) -> Any:
        method = OUTBOX_METHODS.get(message.method)
        if method is None:
            raise ValueError(f"unsupported outbox method {message.method!r}")
        return await self.bot(
            method.model_validate({**message.payload, "chat_id": message.chat_id})
        )

    async def _record_retry(self, message: Claimed, delay: float, error: str) -> datetime | None:
        """Try again after ``delay``; or, tried too long already, give the message up."""
        at = retry_time(
            now=self.clock(),
            delay=delay,
            attempts=message.attempts,
            created_at=message.created_at,
            max_attempts=self.config.max_attempts,
            max_age_seconds=self.config.max_age_seconds,
        )
        if at is None:
            log.warning(
                "outbox %s given up after %s attempts: %s", message.id, message.attempts, error
            )
            await self._record_failed(
                message, f"gave up after {message.attempts} attempts: {error}"
            )
            return None
        log.info("outbox %s: %s; retrying in %.1f s", message.id, error, delay)
        async with self.database.writer() as session, session.begin():
            await retry_later(session, message.id, at=at, error=error)
        return at

    async def _record_failed(self, message: Claimed, error: str) -> None:
        async with self.database.writer() as session, session.begin():
            await mark_failed(session, message.id, error=error)

    async def _record_blocked(self, message: Claimed, error: str) -> None:
        log.info("chat %s blocked the bot: %s", message.chat_id, error)
        async with self.database.writer() as session, session.begin():
            await mark_failed(session, message.id, error=error)
            await fail_pending_for_chat(session, message.chat_id, error=error)
            await mark_unreachable(session, message.chat_id)
