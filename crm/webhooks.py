"""Outgoing webhooks: owners register the URLs of other systems and the events each is sent
(a ticket opened, a contract paid, a deal moved…). An event is queued for every endpoint that
wants it in the same transaction as the change, so it is sent if and only if the change was
committed; the sender (``notifications/webhooks.py``) delivers it at least once, retried with
backoff, each delivery signed with the endpoint's secret.

The signature: ``Frontdoor-Signature: t=<unix time>,v1=<hex>``, where ``<hex>`` is the
HMAC-SHA256, keyed with the secret, of ``<unix time>.<body>``. A receiver recomputes it and
refuses a timestamp older than a few minutes, so a captured delivery cannot be replayed later.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from crm.errors import FieldChecks, NotFound
from crm.i18n import N_
from crm.permissions import Actor, require_owner
from db.enums import OutboxStatus
from db.models import WebhookDelivery, WebhookEndpoint
from db.outbox import note_written

SIGNATURE_HEADER = "Frontdoor-Signature"
EVENT_HEADER = "Frontdoor-Event"
DELIVERY_HEADER = "Frontdoor-Delivery"
# What a receiver should accept between the signed time and its own clock.
TOLERANCE_SECONDS = 300
# The most endpoints a business registers, and the part of an answer that is kept.
MOST_ENDPOINTS = 20
KEPT_RESPONSE = 500


@dataclass(frozen=True)
class WebhookEvent:
    """An event an area sends: its name (``ticket.created``) and what the site calls it."""

    name: str
    label: str  # a msgid


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """The ``Frontdoor-Signature`` header of ``body`` sent at ``timestamp``."""
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"t={timestamp},v1={digest.hexdigest()}"


def signature_holds(secret: str, header: str, body: bytes, now: float) -> bool:
    """Whether ``header`` signs ``body`` with ``secret`` and was made within the tolerance of
    ``now``: what a receiver checks (the tests' receiver uses it; docs/api.md shows it)."""
    parts = dict(part.split("=", 1) for part in header.split(",") if "=" in part)
    if not parts.get("t", "").isdigit() or "v1" not in parts:
        return False
    timestamp = int(parts["t"])
    if abs(now - timestamp) > TOLERANCE_SECONDS:
        return False
    return hmac.compare_digest(sign(secret, timestamp, body), f"t={timestamp},v1={parts['v1']}")


def _check_url(url: str) -> str:
    url = url.strip()
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname or len(url) > 500:
        raise ValueError(url)
    return url


async def add_endpoint(
    session: AsyncSession,
    *,
    actor: Actor,
    url: str,
    events: Collection[str],
    known: Collection[str],
    now: datetime,
) -> WebhookEndpoint:
    """A new endpoint (owners), sent the ``events`` of those ``known`` (the areas that are on)."""
    owner = require_owner(actor)
    checks = FieldChecks()
    cleaned = ""
    try:
        cleaned = _check_url(url)
    except ValueError:
        checks.refuse(N_("give an http:// or https:// address"), field="url")
    chosen = sorted(set(events))
    if not chosen:
        checks.refuse(N_("choose at least one event"), field="events")
    elif unknown := [event for event in chosen if event not in known]:
        checks.refuse(N_("unknown event {event}"), field="events", event=unknown[0])
    checks.done()
    count = await session.scalar(select(func.count()).select_from(WebhookEndpoint))
    if (count or 0) >= MOST_ENDPOINTS:
        checks.refuse(
            N_("at most {count} webhooks: delete one first"), field="url", count=MOST_ENDPOINTS
        )
        checks.done()
    endpoint = WebhookEndpoint(
        url=cleaned,
        events=chosen,
        secret="whsec_" + secrets.token_urlsafe(32),
        created_by_id=owner.id,
        created_at=now,
    )
    session.add(endpoint)
    await session.flush()
    return endpoint


async def endpoints(session: AsyncSession, *, actor: Actor) -> list[WebhookEndpoint]:
    """Every endpoint, the newest first (owners)."""
    require_owner(actor)
    return list(await session.scalars(select(WebhookEndpoint).order_by(WebhookEndpoint.id.desc())))


async def endpoint_for(session: AsyncSession, *, actor: Actor, endpoint_id: int) -> WebhookEndpoint:
    require_owner(actor)
    found = await session.get(WebhookEndpoint, endpoint_id)
    if found is None:
        raise NotFound(N_("webhook #{number} does not exist"), number=endpoint_id)
    return found


async def delete_endpoint(session: AsyncSession, *, actor: Actor, endpoint_id: int) -> None:
    """Stop sending to an endpoint: it goes, with what was still queued for it."""
    found = await endpoint_for(session, actor=actor, endpoint_id=endpoint_id)
    await session.delete(found)
    await session.flush()


async def endpoints_with_deliveries(
    session: AsyncSession, *, actor: Actor, limit: int = 20
) -> list[tuple[WebhookEndpoint, list[WebhookDelivery]]]:
    """Every endpoint, the newest first, each with its latest ``limit`` deliveries (owners)."""
    shown = []
    for endpoint in await endpoints(session, actor=actor):
        deliveries = await session.scalars(
            select(WebhookDelivery)
            .where(WebhookDelivery.endpoint_id == endpoint.id)
            .order_by(WebhookDelivery.id.desc())
            .limit(limit)
        )
        shown.append((endpoint, list(deliveries)))
    return shown


async def emit(session: AsyncSession, event: str, data: dict[str, Any], *, now: datetime) -> int:
    """Queue ``event`` about ``data`` (a record's plain fields) for every active endpoint that
    wants it, in the caller's transaction; returns how many were queued."""
    wanting = [
        endpoint_id
        for endpoint_id, wanted in await session.execute(
            select(WebhookEndpoint.id, WebhookEndpoint.events).where(
                WebhookEndpoint.active.is_(True)
            )
        )
        if event in wanted
    ]
    for endpoint_id in wanting:
        delivery = WebhookDelivery(
            endpoint_id=endpoint_id,
            event=event,
            body={"event": event, "occurred_at": now.isoformat(), "data": data},
            next_attempt_at=now,
            created_at=now,
        )
        session.add(delivery)
    if wanting:
        await session.flush()
        note_written(session)  # the commit wakes the senders
    return len(wanting)


@dataclass(frozen=True)
class Due:
    """A delivery claimed for sending, detached from any session."""

    id: int
    endpoint_id: int
    url: str
    secret: str
    event: str
    body: dict[str, Any]
    attempts: int
    created_at: datetime


async def claim_due(
    session: AsyncSession, *, now: datetime, lease_until: datetime, limit: int
) -> list[Due]:
    """Up to ``limit`` due deliveries, oldest first, leased until ``lease_until`` (on
    PostgreSQL, concurrent senders skip each other's rows)."""
    rows = list(
        await session.execute(
            select(WebhookDelivery, WebhookEndpoint.url, WebhookEndpoint.secret)
            .join(WebhookEndpoint, WebhookEndpoint.id == WebhookDelivery.endpoint_id)
            .where(
                WebhookDelivery.status == OutboxStatus.PENDING,
                WebhookDelivery.next_attempt_at <= now,
                or_(WebhookDelivery.lease_until.is_(None), WebhookDelivery.lease_until < now),
            )
            .order_by(WebhookDelivery.id)
            .limit(limit)
            .with_for_update(skip_locked=True, of=WebhookDelivery)
        )
    )
    claimed = []
    for delivery, url, secret in rows:
        delivery.lease_until = lease_until
        delivery.attempts += 1
        claimed.append(
            Due(
                delivery.id,
                delivery.endpoint_id,
                url,
                secret,
                delivery.event,
                dict(delivery.body),
                delivery.attempts,
                delivery.created_at,
            )
        )
    await session.flush()
    return claimed


async def record_answer(
    session: AsyncSession,
    due: Due,
    *,
    at: datetime,
    status: int | None,
    response: str,
    retry_at: datetime | None,
) -> None:
    """What the endpoint answered (``status`` None: it could not be reached): delivered on a
    2xx, else tried again at ``retry_at``, or given up when that is None."""
    kept = response[:KEPT_RESPONSE]
    delivered = status is not None and 200 <= status < 300
    values: dict[str, Any] = {"lease_until": None, "response_status": status, "response": kept}
    if delivered:
        values |= {"status": OutboxStatus.SENT, "sent_at": at}
    elif retry_at is None:
        values |= {"status": OutboxStatus.FAILED}
    else:
        values |= {"next_attempt_at": retry_at}
    await session.execute(
        update(WebhookDelivery).where(WebhookDelivery.id == due.id).values(**values)
    )
    await session.execute(
        update(WebhookEndpoint)
        .where(WebhookEndpoint.id == due.endpoint_id)
        .values(last_attempt_at=at, last_status=status, last_response=kept)
    )
