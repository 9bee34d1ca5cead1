"""Whom a client works with in coaching: their coach, and whoever leads their planned
sessions (``crm.areas.Area.client_staff``)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db.enums import SessionStatus
from db.models import Client, CoachingSession


async def session_coaches(session: AsyncSession, client: Client) -> set[int]:
    found = await session.scalars(
        select(CoachingSession.coach_id).where(
            CoachingSession.client_id == client.id,
            CoachingSession.status == SessionStatus.PLANNED,
            CoachingSession.coach_id.is_not(None),
        )
    )
    ids = {employee_id for employee_id in found if employee_id is not None}
    return ids | ({client.coach_id} if client.coach_id is not None else set())
