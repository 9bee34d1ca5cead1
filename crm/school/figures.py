"""The school's numbers on the dashboard: the contracts the viewer may see, by status."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from crm.permissions import Actor, require_staff
from crm.visibility import visible_contracts
from db.enums import ContractStatus
from db.models import Contract


async def contracts_by_status(
    session: AsyncSession, *, actor: Actor
) -> list[tuple[ContractStatus, int]]:
    """How many contracts ``actor`` may see are in each status, every status named."""
    viewer = require_staff(actor)
    counts = await session.execute(
        select(Contract.status, func.count())
        .where(visible_contracts(viewer))
        .group_by(Contract.status)
    )
    found = {ContractStatus(status): int(count) for status, count in counts}
    return [(status, found.get(status, 0)) for status in ContractStatus]
