"""Is the product able to serve: the database answers; and what this process does."""

from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession


@dataclass
class ProcessRole:
    """What this process does besides serving: set by the runner, shown by ``/healthz``."""

    scheduler_leader: bool = False


async def database_answers(session: AsyncSession) -> bool:
    """Whether a trivial query succeeds."""
    try:
        return bool((await session.scalar(text("SELECT 1"))) == 1)
    except Exception:
        return False
