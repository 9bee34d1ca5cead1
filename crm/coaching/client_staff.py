"""Whom a client works with in coaching: their coach, and whoever leads their planned
sessions (``crm.areas.Area.client_staff``)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from crm.people.staff import employee_ids
from db.enums import SessionStatus
from db.models import Client, CoachingSession


async def session_coaches(session: AsyncSession, client: Client) -> set[int]:
    ids = await employee_ids(
        session,
        CoachingSession.coach_id,
        CoachingSession.client_id == client.id,
        CoachingSession.status == SessionStatus.PLANNED,
    )
    return ids | ({client.coach_id} if client.coach_id is not None else set())
