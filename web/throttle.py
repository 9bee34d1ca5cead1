"""Throttling of sign-in attempts: per login, per (address, login), and per address.

A login at its limit waits until its oldest attempt leaves the window. An address past its
ceiling is slowed, not locked: each further attempt from it must come a growing delay after
the one before (1 s, 2 s, 4 s… at most a minute), so a spray over many logins crawls while a
colleague behind the same address (a proxy, an office) still signs in within seconds.

An attempt is counted ("reserved") before its password is checked, in one atomic step that also
refuses it when a count is at its limit, so simultaneous attempts cannot all slip past the check.
A right password clears its login's counts. Counts are kept under hashes of their keys, never the
text a form sent, and for one window only.

``Throttle`` counts in the process, in a bounded store. With ``CRM_REDIS_URL`` set,
``RedisThrottle`` keeps the counts in Redis, so a guesser spreading attempts over several
processes meets one limit.
"""

from __future__ import annotations

import hashlib
import math
import secrets
import time
from collections import OrderedDict, deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from redis.asyncio import Redis

WINDOW_SECONDS = 15 * 60
# Keys the in-process store keeps at most; the least recently attempted go first.
MAX_KEYS = 10_000


@dataclass(frozen=True)
class Limits:
    """Attempts allowed in one window.

    ``per_address_login``: guesses at one account from one address; ``per_login``: at one account
    from anywhere (higher, so one address cannot lock its owner out everywhere); ``per_address``:
    a much higher ceiling for one address over every login (a spray, or everyone behind a proxy).
    """

    per_address_login: int = 5
    per_login: int = 20
    per_address: int = 100
    # Past ``per_address``, the wait after an address's latest attempt: doubling from the first
    # delay, up to the longest (seconds).
    first_delay: float = 1.0
    longest_delay: float = 60.0

    def address_delay(self, attempts: int) -> float:
        """How long after its latest attempt an address with ``attempts`` in the window waits."""
        past = attempts - self.per_address
        if past < 0:
            return 0.0
        return min(self.first_delay * float(2 ** min(past, 32)), self.longest_delay)


@dataclass(frozen=True)
class Attempt:
    """One counted sign-in attempt; ``wait`` > 0 means refused, uncounted, for that many seconds."""

    keys: tuple[str, str, str]  # login, (address, login), address: hashed
    token: str
    wait: float = 0.0

    @property
    def refused(self) -> bool:
        return self.wait > 0


def _keys(prefix: str, login: str, address: str) -> tuple[str, str, str]:
    # Hashed: a login is whatever the form was sent, and stored keys must stay small.
    def hashed(*parts: str) -> str:
        digest = hashlib.sha256("\0".join(parts).encode("utf-8", "surrogatepass")).hexdigest()
        return f"{prefix}:{digest}"

    login = login.casefold()
    return hashed("login", login), hashed("pair", address, login), hashed("address", address)


class SignInThrottle(Protocol):
    async def reserve(self, login: str, address: str) -> Attempt:
        """Count an attempt for ``login`` from ``address``, or refuse it if a limit is reached."""
        ...

    async def succeeded(self, attempt: Attempt) -> None:
        """The attempt's password was right: its login's counts start again."""
        ...


class Throttle:
    """The limits counted in this process, in at most ``max_keys`` expiring entries."""

    def __init__(
        self,
        limits: Limits = Limits(),
        window: float = WINDOW_SECONDS,
        clock: Callable[[], float] = time.monotonic,
        max_keys: int = MAX_KEYS,
    ) -> None:
        self.limits = limits
        self.window = window
        self.clock = clock
        self.max_keys = max_keys
        # Key -> (time, token) of its attempts in the window; ordered by the latest attempt.
        self._attempts: OrderedDict[str, deque[tuple[float, str]]] = OrderedDict()

    def __len__(self) -> int:
        return len(self._attempts)

    def _expire(self, now: float) -> None:
        cutoff = now - self.window
        while self._attempts:
            oldest = next(iter(self._attempts.values()))
            if oldest and oldest[-1][0] > cutoff:
                break
            self._attempts.popitem(last=False)

    async def reserve(self, login: str, address: str) -> Attempt:
        # No await from here to the end: the check and the count are one step.
        now = self.clock()
        self._expire(now)
        keys = _keys("sign-in", login, address)
        limits = (self.limits.per_login, self.limits.per_address_login, self.limits.per_address)
        cutoff = now - self.window
        wait = 0.0
        for key, limit in zip(keys, limits, strict=True):
            attempts = self._attempts.get(key)
            if attempts is None:
                continue
            while attempts and attempts[0][0] <= cutoff:
                attempts.popleft()
            if key == keys[2] and attempts:  # the address: slowed, never locked
                delay = self.limits.address_delay(len(attempts))
                wait = max(wait, attempts[-1][0] + delay - now)
            elif len(attempts) >= limit:
                wait = max(wait, attempts[0][0] + self.window - now)
        if wait > 0:
            return Attempt(keys, "", wait)
        token = secrets.token_hex(8)
        for key in keys:
            self._attempts.setdefault(key, deque()).append((now, token))
            self._attempts.move_to_end(key)
        while len(self._attempts) > self.max_keys:
            self._attempts.popitem(last=False)
        return Attempt(keys, token)

    async def succeeded(self, attempt: Attempt) -> None:
        login_key, pair_key, address_key = attempt.keys
        self._attempts.pop(login_key, None)
        self._attempts.pop(pair_key, None)
        # The address keeps its other attempts; this one, a right password, is not held against it.
        attempts = self._attempts.get(address_key)
        if attempts is not None:
            self._attempts[address_key] = deque(a for a in attempts if a[1] != attempt.token)


# Each key is a sorted set of attempt tokens scored by time (Redis's clock, in ms). KEYS: login,
# (address, login), address. ARGV: the window in ms, the attempt's token, each key's limit, then
# the address's first and longest delay in ms. Refuses (returns the wait in ms) when a login key
# is at its limit or the address is within its delay (``Limits.address_delay``); otherwise
# counts the attempt on every key and returns 0. A script runs alone, so two attempts cannot
# both take the last place.
_RESERVE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local window = tonumber(ARGV[1])
local wait = 0
for i, key in ipairs(KEYS) do
  redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
  local count = redis.call('ZCARD', key)
  local limit = tonumber(ARGV[i + 2])
  if i == 3 then
    if count >= limit then
      local newest = redis.call('ZRANGE', key, -1, -1, 'WITHSCORES')
      local past = math.min(count - limit, 32)
      local delay = math.min(tonumber(ARGV[6]) * 2 ^ past, tonumber(ARGV[7]))
      wait = math.max(wait, tonumber(newest[2]) + delay - now)
    end
  elseif count >= limit then
    local oldest = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')
    wait = math.max(wait, tonumber(oldest[2]) + window - now)
  end
end
if wait > 0 then
  return wait
end
for _, key in ipairs(KEYS) do
  redis.call('ZADD', key, now, ARGV[2])
  redis.call('PEXPIRE', key, window)
end
return 0
"""


class RedisThrottle:
    """The same rule as ``Throttle``, counted in Redis and shared by every process."""

    def __init__(
        self,
        redis: Redis,
        limits: Limits = Limits(),
        window: float = WINDOW_SECONDS,
        prefix: str = "crm:sign-in",
    ) -> None:
        self.redis = redis
        self.limits = limits
        self.window_ms = math.ceil(window * 1000)
        self.prefix = prefix
        self._reserve = redis.register_script(_RESERVE)

    async def reserve(self, login: str, address: str) -> Attempt:
        keys = _keys(self.prefix, login, address)
        token = secrets.token_hex(8)
        limits = (self.limits.per_login, self.limits.per_address_login, self.limits.per_address)
        delays = (
            math.ceil(self.limits.first_delay * 1000),
            math.ceil(self.limits.longest_delay * 1000),
        )
        waited = await self._reserve(
            keys=list(keys), args=[self.window_ms, token, *limits, *delays]
        )
        if int(waited) > 0:
            return Attempt(keys, "", int(waited) / 1000)
        return Attempt(keys, token)

    async def succeeded(self, attempt: Attempt) -> None:
        login_key, pair_key, address_key = attempt.keys
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.delete(login_key, pair_key)
            pipe.zrem(address_key, attempt.token)
            await pipe.execute()
