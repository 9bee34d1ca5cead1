"""Queries behind the bot's promises: each update applied once, dialog state kept."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, event, func, inspect, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from db.base import utcnow
from db.models import FsmRecord, ProcessedUpdate
from db.upsert import insert_if_absent


async def claim_update(session: AsyncSession, update_id: int) -> bool:
    """Record ``update_id`` as applied in the current transaction; False if it already was.

    A concurrent transaction claiming the same id waits for this one, then gets False.
    """
    return await insert_if_absent(
        session,
        ProcessedUpdate,
        {"update_id": update_id, "processed_at": utcnow()},
        conflict_on=["update_id"],
    )


async def last_applied_update(session: AsyncSession) -> int:
    """The highest update id applied so far (0 before the first), so a Bot API that numbers
    its updates afresh (the sandbox, started again) continues after it."""
    newest = await session.scalar(select(func.max(ProcessedUpdate.update_id)))
    return int(newest or 0)


# What this session knows of dialog states, by key: the records it loaded (held here, since the
# session's identity map keeps only what something else refers to, and the storage keeps
# copies: each read would load the row again) and the keys it found none for (most updates
# come from people in no dialog, whose handlers still clear and read the state).
_HELD = "fsm_held"


@event.listens_for(Session, "after_soft_rollback")
def _forget_what_was_known(session: Session, previous_transaction: Any) -> None:
    """A rolled-back savepoint may have held a change or a deletion: know nothing any more."""
    session.info.pop(_HELD, None)


def _held(session: AsyncSession) -> dict[str, FsmRecord | None]:
    found: dict[str, FsmRecord | None] = session.info.setdefault(_HELD, {})
    return found


def hold_fsm(session: AsyncSession, key: str, record: FsmRecord | None) -> None:
    """Tell the session what ``key`` holds, as its caller read it in this transaction.

    ``record``, or None for no dialog: a caller that reads the row with a statement of its own
    saves ``load_fsm`` the query, which then answers from what is held.
    """
    _held(session)[key] = record


async def load_fsm(session: AsyncSession, key: str) -> FsmRecord | None:
    """The stored dialog state for ``key``, read from the database once per session."""
    held = _held(session)
    if key in held and not (held[key] is not None and inspect(held[key]).expired):
        return held[key]
    record = await session.get(FsmRecord, key)
    held[key] = record
    return record


async def save_fsm(
    session: AsyncSession, key: str, *, state: str | None = None, data: dict[str, Any] | None = None
) -> None:
    """Change the state and/or data stored for ``key``; an empty record is removed. Written
    with the update's other changes: a step that sets both the state and the data makes one
    UPDATE, not two."""
    record = await load_fsm(session, key)
    new_state = (record.state if record else None) if state is None else (state or None)
    new_data = (dict(record.data) if record else {}) if data is None else dict(data)
    if new_state is None and not new_data:
        if record is not None:
            await session.delete(record)
            _held(session)[key] = None
        return
    if record is None:
        _held(session)[key] = record = FsmRecord(key=key, state=new_state, data=new_data)
        session.add(record)
    else:
        record.state = new_state
        record.data = new_data


async def forget_processed_updates(session: AsyncSession, keep: int) -> int:
    """Drop all but the newest ``keep`` processed update ids; returns how many went."""
    newest = await session.scalar(
        select(ProcessedUpdate.update_id)
        .order_by(ProcessedUpdate.update_id.desc())
        .offset(keep)
        .limit(1)
    )
    if newest is None:
        return 0
    result = await session.execute(
        delete(ProcessedUpdate).where(ProcessedUpdate.update_id <= newest)
    )
    return int(getattr(result, "rowcount", 0))
