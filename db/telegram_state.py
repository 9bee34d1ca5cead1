"""Queries behind the bot's promises: each update applied once, dialog state kept."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, event, func, select
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


# The keys this session found no dialog state for: ``session.get`` remembers the records it
# loaded, not their absence, and most updates come from people in no dialog, whose handlers
# still clear and read the state (three more SELECTs for ``/new``).
_ABSENT = "fsm_absent"


@event.listens_for(Session, "after_soft_rollback")
def _forget_absence(session: Session, previous_transaction: Any) -> None:
    """A rolled-back savepoint may have held a deletion: know nothing absent any more."""
    session.info.pop(_ABSENT, None)


def _absent(session: AsyncSession) -> set[str]:
    found: set[str] = session.info.setdefault(_ABSENT, set())
    return found


async def load_fsm(session: AsyncSession, key: str) -> FsmRecord | None:
    """The stored dialog state for ``key``; read once per session for someone in no dialog."""
    if key in _absent(session):
        return None
    record = await session.get(FsmRecord, key)
    if record is None:
        _absent(session).add(key)
    return record


async def save_fsm(
    session: AsyncSession, key: str, *, state: str | None = None, data: dict[str, Any] | None = None
) -> None:
    """Change the state and/or data stored for ``key``; an empty record is removed."""
    record = await load_fsm(session, key)
    new_state = (record.state if record else None) if state is None else (state or None)
    new_data = (dict(record.data) if record else {}) if data is None else dict(data)
    if new_state is None and not new_data:
        if record is not None:
            await session.delete(record)
            await session.flush()
            _absent(session).add(key)
        return
    if record is None:
        session.add(FsmRecord(key=key, state=new_state, data=new_data))
        _absent(session).discard(key)
    else:
        record.state = new_state
        record.data = new_data
    await session.flush()


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
