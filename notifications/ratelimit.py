"""Telegram's limits: about 30 messages a second overall, one a second per chat.

``RateLimiter`` keeps the schedule in the process; ``RedisRateLimiter`` keeps it in Redis, so
several sender processes share one budget (the scale-out setup).
"""

from __future__ import annotations

import asyncio
import math
import secrets
from collections import deque
from collections.abc import Callable
from typing import Protocol

from redis.asyncio import Redis


class Limiter(Protocol):
    """What the sender needs of a limiter."""

    async def wait(self, chat_id: int) -> None:
        """Sleep until a message to ``chat_id`` may go (the slot is then taken)."""

    async def pause(self, seconds: float) -> None:
        """Telegram said to wait (429): nothing starts before ``seconds`` from now."""


class RateLimiter:
    """Hands out send times: never two within ``1/rate`` s, nor two to a chat within ``per_chat`` s.

    Each call reserves the earliest start that respects both, in call order, so messages to one
    chat keep their order. Reserved slots are only a plan: if the event loop stalls, several
    sleepers wake late together. So ``wait`` also checks what really went: at most ``rate``
    starts in any second, and a chat's next slot counts from its message's real start.
    """

    def __init__(
        self,
        rate: float = 30.0,
        per_chat: float = 1.0,
        clock: Callable[[], float] | None = None,
    ) -> None:
        self.interval = 1.0 / rate
        self.per_chat = per_chat
        self._clock = clock
        self._next_start = 0.0
        self._next_for_chat: dict[int, float] = {}
        self.per_second = max(1, math.floor(rate))
        self._started: deque[float] = deque()

    def _now(self) -> float:
        return self._clock() if self._clock else asyncio.get_running_loop().time()

    def reserve(self, chat_id: int) -> float:
        """The moment the next message to ``chat_id`` may start (reserved for it)."""
        now = self._now()
        start = max(now, self._next_start, self._next_for_chat.get(chat_id, 0.0))
        self._next_start = start + self.interval
        self._next_for_chat[chat_id] = start + self.per_chat
        if len(self._next_for_chat) > 10_000:
            self._next_for_chat = {chat: at for chat, at in self._next_for_chat.items() if at > now}
        return start

    async def wait(self, chat_id: int) -> None:
        delay = self.reserve(chat_id) - self._now()
        if delay > 0:
            await asyncio.sleep(delay)
        while True:  # the window is full while the loop has been catching up
            delay = self.admit(chat_id)
            if delay <= 0:
                return
            await asyncio.sleep(delay)

    def admit(self, chat_id: int) -> float:
        """Start a message to ``chat_id`` now if the last second allows it (returns 0), else
        return how long to wait before asking again."""
        now = self._now()
        while self._started and self._started[0] <= now - 1.0:
            self._started.popleft()
        if len(self._started) >= self.per_second:
            return self._started[0] + 1.0 - now
        self._started.append(now)
        self._next_for_chat[chat_id] = max(
            self._next_for_chat.get(chat_id, 0.0), now + self.per_chat
        )
        return 0.0

    def hold(self, seconds: float) -> None:
        """Nothing starts before ``seconds`` from now."""
        self._next_start = max(self._next_start, self._now() + seconds)

    async def pause(self, seconds: float) -> None:
        self.hold(seconds)


# Reserve the next slot for a chat, atomically, on Redis's own clock (so the processes' clocks
# need not agree). KEYS: the overall schedule, the chat's schedule. ARGV: interval and per-chat
# gap in microseconds. Returns how many microseconds the caller must wait.
_RESERVE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local interval = tonumber(ARGV[1])
local per_chat = tonumber(ARGV[2])
local start = math.max(now, tonumber(redis.call('GET', KEYS[1]) or '0'),
                       tonumber(redis.call('GET', KEYS[2]) or '0'))
local keep = math.ceil((start - now + per_chat) / 1000) + 1000
redis.call('SET', KEYS[1], string.format('%.0f', start + interval), 'PX', keep)
redis.call('SET', KEYS[2], string.format('%.0f', start + per_chat), 'PX', keep)
return math.floor(start - now)
"""

# Start a message now if fewer than ARGV[1] started in the last second (returns minus the start,
# in microseconds of Redis's clock: zero or less means started), else return the microseconds
# until the oldest of them leaves the window. KEYS: the window (a sorted set of real starts), the
# chat's schedule. ARGV: the cap, the per-chat gap, a unique member name.
_ADMIT = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - 1000000)
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[1]) then
  local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
  return math.max(1, math.floor(tonumber(oldest[2]) + 1000000 - now))
end
redis.call('ZADD', KEYS[1], now, ARGV[3])
redis.call('PEXPIRE', KEYS[1], 2000)
local chat = math.max(now + tonumber(ARGV[2]), tonumber(redis.call('GET', KEYS[2]) or '0'))
redis.call('SET', KEYS[2], string.format('%.0f', chat), 'PX', math.ceil((chat - now) / 1000) + 1000)
return -now
"""

# Push the overall schedule back by ARGV[1] microseconds from now (a 429's retry_after).
_PAUSE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local upto = math.max(now + tonumber(ARGV[1]), tonumber(redis.call('GET', KEYS[1]) or '0'))
local keep = math.ceil((upto - now) / 1000) + 1000
redis.call('SET', KEYS[1], string.format('%.0f', upto), 'PX', keep)
return 1
"""


class RedisRateLimiter:
    """The same schedule as ``RateLimiter``, kept in Redis and shared by every process."""

    def __init__(
        self, redis: Redis, rate: float = 30.0, per_chat: float = 1.0, prefix: str = "crm:rate"
    ) -> None:
        self.redis = redis
        self.interval_us = round(1_000_000 / rate)
        self.per_chat_us = round(per_chat * 1_000_000)
        self.per_second = max(1, math.floor(rate))
        self.prefix = prefix
        self._reserve = redis.register_script(_RESERVE)
        self._admit = redis.register_script(_ADMIT)
        self._pause = redis.register_script(_PAUSE)

    async def wait(self, chat_id: int) -> None:
        await self.admit(chat_id)

    async def admit(self, chat_id: int) -> int:
        """Wait for a send's turn; the moment it started, in microseconds of Redis's clock (the
        clock every process's limiter counts the window by)."""
        keys = [f"{self.prefix}:all", f"{self.prefix}:chat:{chat_id}"]
        delay_us = int(await self._reserve(keys=keys, args=[self.interval_us, self.per_chat_us]))
        if delay_us > 0:
            await asyncio.sleep(delay_us / 1_000_000)
        window = [f"{self.prefix}:started", keys[1]]
        member = secrets.token_hex(8)
        args: list[int | str] = [self.per_second, self.per_chat_us, member]
        while True:
            delay_us = int(await self._admit(keys=window, args=args))
            if delay_us <= 0:
                return -delay_us
            await asyncio.sleep(delay_us / 1_000_000)

    async def pause(self, seconds: float) -> None:
        await self._pause(keys=[f"{self.prefix}:all"], args=[round(seconds * 1_000_000)])
