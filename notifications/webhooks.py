"""The webhook sender: delivers each queued event (``crm/webhooks.py``) to its endpoint at least
once, signed, as the outbox's sender delivers messages: claimed under a lease, a 2xx is done,
anything else (an error status, a timeout, a refused connection) is tried again with backoff,
until ``max_attempts`` tries or ``max_age_seconds`` have passed. Every answer is kept with the
delivery and as the endpoint's latest, for the site's webhook page."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

import aiohttp

from crm.webhooks import (
    DELIVERY_HEADER,
    EVENT_HEADER,
    SIGNATURE_HEADER,
    Due,
    claim_due,
    record_answer,
    sign,
)
from db.base import utcnow
from db.engine import Database
from notifications.loop import DeliveryLoop, backoff, retry_time

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class WebhookConfig:
    timeout_seconds: float = 10.0
    lease_seconds: float = 60.0
    batch_size: int = 20
    idle_seconds: float = 1.0
    backoff_base_seconds: float = 5.0
    backoff_cap_seconds: float = 3600.0
    # A receiver away for about a day is given up on.
    max_attempts: int = 30
    max_age_seconds: float = 24 * 3600.0


class WebhookSender(DeliveryLoop):
    """Claims due deliveries and POSTs them to their endpoints."""

    def __init__(
        self,
        database: Database,
        config: WebhookConfig | None = None,
        *,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        super().__init__()
        self.database = database
        self.config = config or WebhookConfig()
        self.idle_seconds = self.config.idle_seconds
        self.clock = clock
        self._http: aiohttp.ClientSession | None = None

    async def close(self) -> None:
        if self._http is not None:
            await self._http.close()
            self._http = None

    def _client(self) -> aiohttp.ClientSession:
        if self._http is None:
            self._http = aiohttp.ClientSession(
                timeout=aiohttp.ClientTimeout(total=self.config.timeout_seconds),
                headers={"User-Agent": "Frontdoor-CRM-Webhooks/1"},
            )
        return self._http

    async def deliver_due(self) -> int:
        now = self.clock()
        lease = now + timedelta(seconds=self.config.lease_seconds)
        async with self.database.writer() as session, session.begin():
            batch = await claim_due(
                session, now=now, lease_until=lease, limit=self.config.batch_size
            )
        await asyncio.gather(*(self._deliver(due) for due in batch))
        return len(batch)

    async def _deliver(self, due: Due) -> None:
        body = json.dumps({"id": due.id, **due.body}, ensure_ascii=False).encode()
        timestamp = int(self.clock().timestamp())
        headers = {
            "Content-Type": "application/json",
            SIGNATURE_HEADER: sign(due.secret, timestamp, body),
            EVENT_HEADER: due.event,
            DELIVERY_HEADER: str(due.id),
        }
        status: int | None
        try:
            async with self._client().post(due.url, data=body, headers=headers) as answer:
                status, said = answer.status, await answer.text(errors="replace")
        except (TimeoutError, aiohttp.ClientError, OSError, ValueError) as error:
            status, said = None, f"not reached: {error!r}"
        await self._record(due, status, said)

    async def _record(self, due: Due, status: int | None, said: str) -> None:
        now = self.clock()
        retry_at = None
        if status is None or not 200 <= status < 300:
            config = self.config
            retry_at = retry_time(
                now=now,
                delay=backoff(
                    due.attempts, config.backoff_base_seconds, config.backoff_cap_seconds
                ),
                attempts=due.attempts,
                created_at=due.created_at,
                max_attempts=config.max_attempts,
                max_age_seconds=config.max_age_seconds,
            )
            if retry_at is None:
                log.warning("webhook %s given up after %s attempts", due.id, due.attempts)
        async with self.database.writer() as session, session.begin():
            await record_answer(
                session, due, at=now, status=status, response=said, retry_at=retry_at
            )
