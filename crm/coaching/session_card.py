"""A coaching session as the admin site's card shows it, what its viewer may do with it, and the
changes the site makes besides the moves of ``crm.coaching.sessions``: changing a planned
session's time, length or format, and deleting one (owners and administrators)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from crm.coaching import notices as coaching_notices
from crm.coaching.reports import meeting_report
from crm.coaching.rules import (
    SESSION_STATUS_NAMES,
    actions,
    check_minutes,
    check_session_start,
    may_coach,
    may_run,
    require,
)
from crm.coaching.sessions import video_room
from crm.errors import Conflict, InvalidInput, NotFound
from crm.i18n import N_
from crm.notify import Notifier
from crm.people.clients import clients_named
from crm.permissions import Actor, is_manager, practitioner_rows, require_manager
from crm.subjects import forget_subject
from crm.visibility import load_visible
from db.enums import SessionFormat, SessionStatus
from db.models import CoachingSession, Employee, MeetingReport, SessionParticipant

_CARD = (
    selectinload(CoachingSession.client),
    selectinload(CoachingSession.coach),
    selectinload(CoachingSession.track),
    selectinload(CoachingSession.contract),
    selectinload(CoachingSession.participants).selectinload(SessionParticipant.client),
    selectinload(CoachingSession.recordings),
)


@dataclass(frozen=True)
class SessionCard:
    session: CoachingSession
    report: MeetingReport | None
    actions: frozenset[str]


async def _visible(session: AsyncSession, actor: Actor, session_id: int) -> CoachingSession:
    found = await load_visible(
        session, CoachingSession, session_id, visible_to=actor, options=_CARD
    )
    if found is None:
        raise NotFound(N_("session #{session_id} does not exist"), session_id=session_id)
    return found


async def session_card(
    session: AsyncSession, *, actor: Actor, session_id: int, now: datetime
) -> SessionCard:
    """The session with everything its card shows, if ``actor`` (staff) may see it, and what
    they may do with it at ``now`` (``crm.coaching.rules.actions``)."""
    meeting = await _visible(session, actor, session_id)
    report = await meeting_report(session, actor=actor, session_id=session_id)
    return SessionCard(meeting, report, actions(actor, meeting, now))


async def coaches_to_plan_for(session: AsyncSession, *, actor: Actor) -> list[Employee]:
    """Whom ``actor`` may plan a session for: owners and administrators for anyone who gives
    sessions (active specialists and managers), a coach or teacher for themselves."""
    me = may_coach(actor)
    if not is_manager(me):
        return [me]
    found = await session.scalars(
        select(Employee).where(practitioner_rows()).order_by(Employee.full_name, Employee.id)
    )
    return list(found)


async def session_to_change(
    session: AsyncSession, *, actor: Actor, session_id: int
) -> CoachingSession:
    """The planned session ``actor`` may change (its coach, managers)."""
    meeting = await _visible(session, actor, session_id)
    require(may_run(actor, meeting))
    if meeting.status is not SessionStatus.PLANNED:
        raise InvalidInput(
            N_("session #{session_id} is {status}: only a planned session is changed"),
            session_id=meeting.id,
            status=SESSION_STATUS_NAMES[meeting.status],
        )
    return meeting


async def edit_session(
    session: AsyncSession,
    notifier: Notifier,
    *,
    actor: Actor,
    session_id: int,
    starts_at: datetime,
    minutes: int,
    online: bool,
    now: datetime,
    participant_ids: Sequence[int] | None = None,
) -> CoachingSession:
    """Move a planned session, change its length or its format (online gets a video room of its
    own, in person drops it), or who else takes part (None: as they are); its clients hear the
    session as it now is."""
    meeting = await session_to_change(session, actor=actor, session_id=session_id)
    joined = participant_ids is not None and await _set_participants(
        session, actor, meeting, participant_ids
    )
    check_minutes(minutes)
    if starts_at != meeting.starts_at:
        check_session_start(starts_at, now)
    moved = (starts_at, minutes, online) != (
        meeting.starts_at,
        meeting.minutes,
        meeting.format is SessionFormat.ONLINE,
    )
    meeting.starts_at, meeting.minutes = starts_at, minutes
    if online and meeting.format is not SessionFormat.ONLINE:
        meeting.format, meeting.video_link = SessionFormat.ONLINE, video_room()
    elif not online:
        meeting.format, meeting.video_link = SessionFormat.IN_PERSON, None
    await session.flush()
    if moved or joined:
        await coaching_notices.session_planned(session, notifier, meeting, now=now)
    return meeting


async def _set_participants(
    session: AsyncSession, actor: Actor, meeting: CoachingSession, participant_ids: Sequence[int]
) -> bool:
    """The participants become ``participant_ids``: those already there may stay, and each one
    added is a client ``actor`` may already see (``crm.people.clients.clients_named``, as when
    planning). Whether anyone was added or removed."""
    wanted = [client_id for client_id in participant_ids if client_id != meeting.client_id]
    there = {taking.client_id for taking in meeting.participants}
    added = await clients_named(
        session,
        actor=actor,
        named=[client_id for client_id in wanted if client_id not in there],
        field="participant_ids",
    )
    kept = [taking for taking in meeting.participants if taking.client_id in wanted]
    if not added and len(kept) == len(meeting.participants):
        return False
    meeting.participants = kept + [SessionParticipant(client=client) for client in added]
    return True


async def session_to_delete(
    session: AsyncSession, *, actor: Actor, session_id: int
) -> CoachingSession:
    """The session an owner or administrator is about to delete."""
    require_manager(actor)
    return await _visible(session, actor, session_id)


async def delete_session(session: AsyncSession, *, actor: Actor, session_id: int) -> None:
    """Delete a session that did not take place, with its participants and recordings (owners,
    administrators). One that took place is kept: it used up a lesson and has its report."""
    meeting = await session_to_delete(session, actor=actor, session_id=session_id)
    if meeting.status is SessionStatus.DONE:
        raise Conflict(
            N_("session #{session_id} took place and is kept with its report"),
            session_id=meeting.id,
        )
    await forget_subject(session, coaching_notices.session_subject(meeting.id))
    await session.delete(meeting)
    await session.flush()
