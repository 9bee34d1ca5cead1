"""Throttling of failed sign-ins, per account and per address."""

from __future__ import annotations

import time
from collections import defaultdict, deque
from collections.abc import Callable

MAX_FAILURES = 5
WINDOW_SECONDS = 15 * 60


class Throttle:
    """Remembers recent failures; after ``limit`` of them in ``window`` seconds, says wait.

    Kept in the process: with several processes each counts its own (a Redis-backed one is the
    scale-out step).
    """

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

    def wait_seconds(self, *keys: str) -> float:
        """How long until another attempt is allowed for all ``keys`` (0: now)."""
        waits = [
            failures[0] + self.window - self.clock()
            for key in keys
            if len(failures := self._recent(key)) >= self.limit
        ]
        return max(waits, default=0.0)

    def failed(self, *keys: str) -> None:
        for key in keys:
            self._recent(key).append(self.clock())

    def succeeded(self, *keys: str) -> None:
        for key in keys:
            self._failures.pop(key, None)
