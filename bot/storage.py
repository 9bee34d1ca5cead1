"""Dialog (FSM) state that survives a restart: in the database, or in Redis when configured."""

from __future__ import annotations

from collections.abc import Mapping
from contextvars import ContextVar
from typing import Any

from aiogram.fsm.state import State
from aiogram.fsm.storage.base import BaseStorage, DefaultKeyBuilder, StateType, StorageKey
from aiogram.fsm.storage.redis import RedisStorage
from sqlalchemy.ext.asyncio import AsyncSession

from crm.settings import Settings
from db.engine import Database
from db.telegram_state import load_fsm, save_fsm

# The session of the update being handled. Dialog state changes made by a handler join its
# transaction, so they commit or roll back together with the handler's other writes (and,
# on SQLite, do not wait on a second connection for the write lock the update holds).
update_session: ContextVar[AsyncSession | None] = ContextVar("update_session", default=None)


class DatabaseStorage(BaseStorage):
    """aiogram FSM storage in the ``fsm_states`` table."""

    def __init__(self, database: Database) -> None:
        self.database = database
        self.key_builder = DefaultKeyBuilder(with_destiny=True)

    def record_key(self, key: StorageKey) -> str:
        """The ``fsm_states`` row's key for aiogram's ``key``."""
        return self.key_builder.build(key)

    async def _write(self, key: StorageKey, **change: Any) -> None:
        session = update_session.get()
        if session is not None:
            await save_fsm(session, self.record_key(key), **change)
            return
        async with self.database.writer() as own_session, own_session.begin():
            await save_fsm(own_session, self.record_key(key), **change)

    async def _read(self, key: StorageKey) -> tuple[str | None, dict[str, Any]]:
        session = update_session.get()
        if session is not None:
            record = await load_fsm(session, self.record_key(key))
        else:
            async with self.database.reader() as own_session:
                record = await load_fsm(own_session, self.record_key(key))
        if record is None:
            return None, {}
        return record.state, dict(record.data)

    async def set_state(self, key: StorageKey, state: StateType = None) -> None:
        value = state.state if isinstance(state, State) else state
        await self._write(key, state=value or "")

    async def get_state(self, key: StorageKey) -> str | None:
        state, _ = await self._read(key)
        return state

    async def set_data(self, key: StorageKey, data: Mapping[str, Any]) -> None:
        await self._write(key, data=dict(data))

    async def get_data(self, key: StorageKey) -> dict[str, Any]:
        _, data = await self._read(key)
        return data

    async def close(self) -> None:
        return None


def create_storage(settings: Settings, database: Database) -> BaseStorage:
    """Redis storage when ``CRM_REDIS_URL`` is set, else the database."""
    if settings.redis_url:
        return RedisStorage.from_url(
            settings.redis_url, key_builder=DefaultKeyBuilder(with_destiny=True)
        )
    return DatabaseStorage(database)
