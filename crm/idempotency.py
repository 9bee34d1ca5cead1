"""Requests made safe to repeat: an API client sends a POST with an ``Idempotency-Key`` and, if
the answer got lost, sends it again with the same key. The first request is written down with a
hash of what it asked, in the same transaction as what it changed; a repeat gets the first
answer and changes nothing, and the same key sent with another request is refused.

A key is held by one token for ``KEPT_FOR``; after that it may be used afresh."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from crm.errors import Conflict, InvalidInput
from crm.i18n import N_
from db.models import IdempotentRequest

KEPT_FOR = timedelta(hours=24)
LONGEST_KEY = 255


@dataclass(frozen=True)
class Answer:
    """What a request was answered, as it is given again to a repeat."""

    status: int
    body: str
    etag: str | None = None
    location: str | None = None


def request_hash(method: str, target: str, body: bytes) -> str:
    """What identifies a request: its method, its path with the query, and its body."""
    digest = hashlib.sha256()
    for part in (method.encode(), target.encode(), body):
        digest.update(len(part).to_bytes(8, "big"))
        digest.update(part)
    return digest.hexdigest()


def check_key(key: str) -> str:
    """A key as sent: 1 to 255 visible ASCII characters."""
    if not 0 < len(key) <= LONGEST_KEY or not all(" " < char <= "~" for char in key):
        raise InvalidInput(
            N_("Idempotency-Key must be 1 to {longest} visible ASCII characters"),
            field="Idempotency-Key",
            longest=LONGEST_KEY,
        )
    return key


async def begin(
    session: AsyncSession, *, token_id: int, key: str, fingerprint: str, now: datetime
) -> Answer | None:
    """Hold ``key`` for this request, or give the answer the same request got before.

    Raises ``InvalidInput`` when the key was used with another request, and ``Conflict`` when a
    request with it is still being handled elsewhere."""
    found = await session.scalar(
        select(IdempotentRequest).where(
            IdempotentRequest.token_id == token_id, IdempotentRequest.key == key
        )
    )
    if found is not None and now - found.created_at >= KEPT_FOR:
        await session.delete(found)
        await session.flush()
        found = None
    if found is not None:
        if found.request_hash != fingerprint:
            raise InvalidInput(
                N_("this Idempotency-Key was used with another request"), field="Idempotency-Key"
            )
        if found.status == 0:
            raise _in_progress()
        return Answer(found.status, found.answer, found.etag, found.location)
    try:
        async with session.begin_nested():
            session.add(
                IdempotentRequest(
                    token_id=token_id, key=key, request_hash=fingerprint, created_at=now
                )
            )
    except IntegrityError as clash:  # the same key, sent at the same time, got there first
        raise _in_progress() from clash
    return None


def _in_progress() -> Conflict:
    return Conflict(N_("a request with this Idempotency-Key is still being handled; try again"))


async def finish(session: AsyncSession, *, token_id: int, key: str, answer: Answer) -> None:
    """Keep ``answer`` for the key held by ``begin``, in the request's own transaction."""
    found = await session.scalar(
        select(IdempotentRequest).where(
            IdempotentRequest.token_id == token_id, IdempotentRequest.key == key
        )
    )
    if found is None:  # pragma: no cover - begin() held it in this transaction
        return
    found.status = answer.status
    found.answer = answer.body
    found.etag = answer.etag
    found.location = answer.location
    await session.flush()


async def forget_old(session: AsyncSession, now: datetime) -> int:
    """Drop the keys older than ``KEPT_FOR``; how many went."""
    gone = await session.execute(
        delete(IdempotentRequest).where(IdempotentRequest.created_at < now - KEPT_FOR)
    )
    return int(gone.rowcount or 0)  # type: ignore[attr-defined]
