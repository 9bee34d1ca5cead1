"""One scheduler for many processes: the leader holds a lease in Redis, the others stand by.

The lease is a Redis key holding this process's token with a time to live. The leader renews
it well before it runs out; a leader that dies or loses Redis stops renewing, its lease runs
out, and a standby takes over. A leader that cannot renew in time steps down first, so two
leaders never run at once (as long as the processes' clocks run at the same speed).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
from collections.abc import Callable

from redis.asyncio import Redis
from redis.exceptions import RedisError

log = logging.getLogger(__name__)

# Extend or release the lease only while it is still ours.
_RENEW = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0
"""
_RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
"""


class LeaderLease:
    """A lease in Redis: ``acquire`` / ``renew`` / ``release``, each true if the lease is ours."""

    def __init__(self, redis: Redis, key: str = "crm:scheduler:leader", ttl: float = 15.0) -> None:
        self.redis = redis
        self.key = key
        self.ttl_ms = round(ttl * 1000)
        self.token = secrets.token_hex(16)
        self._renew = redis.register_script(_RENEW)
        self._release = redis.register_script(_RELEASE)

    async def acquire(self) -> bool:
        return bool(await self.redis.set(self.key, self.token, nx=True, px=self.ttl_ms))

    async def renew(self) -> bool:
        return bool(await self._renew(keys=[self.key], args=[self.token, self.ttl_ms]))

    async def release(self) -> None:
        await self._release(keys=[self.key], args=[self.token])


async def lead(
    lease: LeaderLease,
    stop: asyncio.Event,
    *,
    on_elected: Callable[[], None],
    on_deposed: Callable[[], None],
) -> None:
    """Until ``stop``: try to become the leader, then keep the lease; call back on each change.

    Renewal happens every third of the lease; a renewal that fails or does not come back
    within a third of the lease makes this process step down at once.
    """
    period = lease.ttl_ms / 3000
    leading = False
    try:
        while not stop.is_set():
            try:
                async with asyncio.timeout(period):
                    held = await (lease.renew() if leading else lease.acquire())
            except (RedisError, OSError, TimeoutError) as error:
                log.warning("scheduler lease: Redis did not answer (%s)", error)
                held = False
            if held and not leading:
                log.info("this process now runs the scheduler")
                on_elected()
            elif leading and not held:
                log.warning("scheduler lease lost; this process stands by")
                on_deposed()
            leading = held
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), period)
    finally:
        if leading:
            on_deposed()
            try:
                await lease.release()
            except (RedisError, OSError) as error:
                log.info("could not release the scheduler lease (%s); it will run out", error)
