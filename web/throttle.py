"""Throttling of failed sign-ins, per account and per address.

``Throttle`` counts in the process. With ``CRM_REDIS_URL`` set, ``RedisThrottle`` keeps the
count in Redis, so a guesser spreading attempts over several processes meets one limit.
"""

from __future__ import annotations

import hashlib
import math
import secrets
import time
from collections import defaultdict, deque
from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from redis.asyncio import Redis

MAX_FAILURES = 5
WINDOW_SECONDS = 15 * 60


class SignInThrottle(Protocol):
    async def wait_seconds(self, *keys: str) -> float:
        """How long until another attempt is allowed for all ``keys`` (0: now)."""
        ...

    async def failed(self, *keys: str) -> None: ...

    async def succeeded(self, *keys: str) -> None: ...


class Throttle:
    """Remembers recent failures; after ``limit`` of them in ``window`` seconds, says wait."""

    def __init__(
        self,
        limit: int = MAX_FAILURES,
        window: float = WINDOW_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.limit = limit
        self.window = window
        self.clock = clock
        self._failures: dict[str, deque[float]] = defaultdict(deque)

    def _recent(self, key: str) -> deque[float]:
        failures = self._failures[key]
        cutoff = self.clock() - self.window
        while failures and failures[0] < cutoff:
            failures.popleft()
        return failures

    async def wait_seconds(self, *keys: str) -> float:
        waits = [
            failures[0] + self.window - self.clock()
            for key in keys
            if len(failures := self._recent(key)) >= self.limit
        ]
        return max(waits, default=0.0)

    async def failed(self, *keys: str) -> None:
        for key in keys:
            self._recent(key).append(self.clock())

    async def succeeded(self, *keys: str) -> None:
        for key in keys:
            self._failures.pop(key, None)


# Each key is a sorted set of failure times (Redis's clock, in ms). KEYS: the keys. ARGV: the
# limit, the window in ms. Returns the longest wait in ms over the keys at their limit (0: none).
_WAIT = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local limit, window = tonumber(ARGV[1]), tonumber(ARGV[2])
local wait = 0
for _, key in ipairs(KEYS) do
  redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
  if redis.call('ZCARD', key) >= limit then
    local oldest = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')
    wait = math.max(wait, tonumber(oldest[2]) + window - now)
  end
end
return wait
"""

# Record a failure now on every key. ARGV: the window in ms, a unique member name.
_FAILED = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
for _, key in ipairs(KEYS) do
  redis.call('ZADD', key, now, ARGV[2])
  redis.call('PEXPIRE', key, ARGV[1])
end
return 1
"""


class RedisThrottle:
    """The same rule as ``Throttle``, counted in Redis and shared by every process."""

    def __init__(
        self,
        redis: Redis,
        limit: int = MAX_FAILURES,
        window: float = WINDOW_SECONDS,
        prefix: str = "crm:sign-in",
    ) -> None:
        self.redis = redis
        self.limit = limit
        self.window_ms = math.ceil(window * 1000)
        self.prefix = prefix
        self._wait = redis.register_script(_WAIT)
        self._failed = redis.register_script(_FAILED)

    def _keys(self, keys: tuple[str, ...]) -> list[str]:
        # Hashed: a login is whatever the form was sent, and Redis keys should stay short.
        return [f"{self.prefix}:{hashlib.sha256(key.encode()).hexdigest()}" for key in keys]

    async def wait_seconds(self, *keys: str) -> float:
        waited = await self._wait(keys=self._keys(keys), args=[self.limit, self.window_ms])
        return int(waited) / 1000

    async def failed(self, *keys: str) -> None:
        await self._failed(keys=self._keys(keys), args=[self.window_ms, secrets.token_hex(8)])

    async def succeeded(self, *keys: str) -> None:
        await self.redis.delete(*self._keys(keys))
