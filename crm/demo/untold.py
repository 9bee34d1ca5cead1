"""The notifier the demo's invented past is told through: it queues nothing."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from crm.notify import Button, Notifier
from crm.subjects import Subject


class Untold(Notifier):
    """A notifier that queues nothing: the demo's past is nobody's news."""

    async def enqueue(
        self,
        session: AsyncSession,
        chat_id: int,
        text: str,
        *,
        now: datetime,
        buttons: Sequence[Sequence[Button]] = (),
        subject: Subject | None = None,
        dedupe_key: str | None = None,
    ) -> bool:
        return True
