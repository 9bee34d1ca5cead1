"""What the two senders share: a loop that delivers what is due, then sleeps until woken (a
commit queued something) or until its idle time is up; and the backoff between retries."""

from __future__ import annotations

import asyncio
import logging
import random
from datetime import datetime, timedelta

log = logging.getLogger(__name__)


def backoff(attempts: int, base: float, cap: float) -> float:
    """The wait before try ``attempts`` + 1: doubling from ``base``, at most ``cap``, with
    jitter so that many retries do not come back at once."""
    delay = base * 2 ** min(attempts - 1, 20)
    jitter = random.uniform(0.5, 1.5)  # noqa: S311
    return float(min(cap, delay) * jitter)


def retry_time(
    *,
    now: datetime,
    delay: float,
    attempts: int,
    created_at: datetime,
    max_attempts: int,
    max_age_seconds: float,
) -> datetime | None:
    """When to try again, ``delay`` seconds from ``now``; None when it has been tried
    ``max_attempts`` times or that would be past ``max_age_seconds`` after it was made: given up."""
    at = now + timedelta(seconds=delay)
    if attempts >= max_attempts or at - created_at > timedelta(seconds=max_age_seconds):
        return None
    return at


class DeliveryLoop:
    """Delivers batches until stopped; ``deliver_due`` is each sender's own."""

    idle_seconds: float = 1.0

    def __init__(self) -> None:
        self._wakeup = asyncio.Event()

    def wake(self) -> None:
        """Something was just committed for delivery: look now rather than at the next tick."""
        self._wakeup.set()

    async def deliver_due(self) -> int:
        """Deliver one batch of what is due; returns how many were claimed."""
        raise NotImplementedError

    async def run(self, stop: asyncio.Event) -> None:
        """Deliver until ``stop`` is set."""
        while not stop.is_set():
            try:
                delivered = await self.deliver_due()
            except Exception:
                log.exception("%s pass failed; trying again shortly", type(self).__name__)
                delivered = 0
            if delivered:
                continue
            self._wakeup.clear()
            waiters = {
                asyncio.ensure_future(stop.wait()),
                asyncio.ensure_future(self._wakeup.wait()),
            }
            _, pending = await asyncio.wait(
                waiters, timeout=self.idle_seconds, return_when=asyncio.FIRST_COMPLETED
            )
            for waiter in pending:
                waiter.cancel()
