"""Is the product able to serve: the database answers."""

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession


async def database_answers(session: AsyncSession) -> bool:
    """Whether a trivial query succeeds."""
    try:
        return bool((await session.scalar(text("SELECT 1"))) == 1)
    except Exception:
        return False
