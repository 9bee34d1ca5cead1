"""How many requests each API token may make: ``CRM_API_REQUESTS_PER_MINUTE`` in each minute of
the clock. ``MinuteLimit`` counts in the process; with ``CRM_REDIS_URL`` set, ``RedisMinuteLimit``
counts in Redis, so a token spread over several processes meets one limit. Counts are kept under
a hash of the token, never the token."""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from redis.asyncio import Redis

WINDOW = 60
# Tokens the in-process count remembers at most; the least recently seen go first.
MOST_KEYS = 10_000


@dataclass(frozen=True)
class Allowance:
    """What is left of the minute: ``allowed`` says whether this request was within it."""

    allowed: bool
    limit: int
    remaining: int
    reset_after: int  # seconds until the next minute starts


class RequestLimit(Protocol):
    async def take(self, key: str) -> Allowance:
        """Count one request of ``key`` and say whether it is within the limit."""
        ...


def _allowance(limit: int, count: int, now: float) -> Allowance:
    reset_after = max(1, WINDOW - int(now) % WINDOW)
    return Allowance(count <= limit, limit, max(0, limit - count), reset_after)


class MinuteLimit:
    """The count of this process alone."""

    def __init__(self, per_minute: int, clock: Callable[[], float] = time.time) -> None:
        self.per_minute = per_minute
        self.clock = clock
        self._counts: OrderedDict[str, tuple[int, int]] = OrderedDict()

    async def take(self, key: str) -> Allowance:
        now = self.clock()
        minute = int(now) // WINDOW
        seen_minute, count = self._counts.pop(key, (minute, 0))
        count = count + 1 if seen_minute == minute else 1
        self._counts[key] = (minute, count)
        while len(self._counts) > MOST_KEYS:
            self._counts.popitem(last=False)
        return _allowance(self.per_minute, count, now)


class RedisMinuteLimit:
    """One count for every process that shares the Redis: a counter per token and minute, gone
    when the minute is over."""

    def __init__(
        self, redis: Redis, per_minute: int, clock: Callable[[], float] = time.time
    ) -> None:
        self.redis = redis
        self.per_minute = per_minute
        self.clock = clock

    async def take(self, key: str) -> Allowance:
        now = self.clock()
        counter = f"crm:api:minute:{key}:{int(now) // WINDOW}"
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.incr(counter)
            pipe.expire(counter, WINDOW * 2)
            count, _ = await pipe.execute()
        return _allowance(self.per_minute, int(count), now)
