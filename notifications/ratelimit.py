"""Telegram's limits: about 30 messages a second overall, one a second per chat."""

from __future__ import annotations

import asyncio
from collections.abc import Callable


class RateLimiter:
    """Hands out send times: never two within ``1/rate`` s, nor two to a chat within ``per_chat`` s.

    Each call reserves the earliest start that respects both, in call order, so messages to one
    chat keep their order.
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
        """Sleep until a message to ``chat_id`` may go."""
        delay = self.reserve(chat_id) - self._now()
        if delay > 0:
            await asyncio.sleep(delay)

    def pause(self, seconds: float) -> None:
        """Telegram said to wait (429): nothing starts before ``seconds`` from now."""
        self._next_start = max(self._next_start, self._now() + seconds)
