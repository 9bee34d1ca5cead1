"""Moving a session's client to the next stage of a programme they are in, from the session (its
card in the bot): whoever may run the session, through ``crm.coaching.programs.move_stage``
(which keeps the move and the note on the client's state in the history). The client is told
their new stage through the outbox."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from crm.coaching.enrolment_rules import actions
from crm.coaching.programs import move_stage
from crm.coaching.rules import may_coach, may_run, require
from crm.coaching.sessions import session_for
from crm.errors import NotFound
from crm.i18n import N_
from crm.notify import Notifier
from crm.permissions import Actor
from crm.telegram_html import escape
from db.models import CoachingSession, Enrolment, Program

_LOADED = (
    selectinload(Enrolment.program).selectinload(Program.stages),
    selectinload(Enrolment.stage),
    selectinload(Enrolment.client),
)


async def movable_enrolments(
    session: AsyncSession, *, actor: Actor, meeting: CoachingSession
) -> list[Enrolment]:
    """The programmes the session's client is in where ``actor`` may move them on to the next
    stage (``crm.coaching.enrolment_rules.actions``), for whoever may run the session (none for
    anyone else): the "Next stage" button shows when there are any."""
    if not may_run(actor, meeting):
        return []
    found = await session.scalars(
        select(Enrolment)
        .where(Enrolment.client_id == meeting.client_id)
        .options(*_LOADED)
        .order_by(Enrolment.id)
    )
    return [enrolment for enrolment in found if "next" in actions(actor, enrolment)]


async def enrolments_to_move(
    session: AsyncSession, *, actor: Actor, session_id: int
) -> list[Enrolment]:
    """As ``movable_enrolments``, checked: the session is visible and ``actor`` runs it."""
    meeting = await session_for(session, actor=actor, session_id=session_id)
    require(may_run(actor, meeting))
    may_coach(actor)
    return await movable_enrolments(session, actor=actor, meeting=meeting)


async def move_from_session(
    session: AsyncSession,
    notifier: Notifier,
    *,
    actor: Actor,
    session_id: int,
    enrolment_id: int,
    client_state: str,
    now: datetime,
) -> Enrolment:
    """The session's client moves to the next stage of that programme; they are told."""
    meeting = await session_for(session, actor=actor, session_id=session_id)
    require(may_run(actor, meeting))
    enrolment = await session.scalar(
        select(Enrolment)
        .where(Enrolment.id == enrolment_id, Enrolment.client_id == meeting.client_id)
        .options(*_LOADED)
    )
    if enrolment is None:
        raise NotFound(N_("that enrolment does not exist"))
    moved = await move_stage(
        session, actor=actor, enrolment_id=enrolment.id, now=now, client_state=client_state
    )
    client = moved.client
    if client.telegram_id is not None and not client.unreachable:
        text = notifier.translator(notifier.language_of(client)).gettext(
            "🪜 You are now at the stage “{stage}” of the programme “{program}”.",
            stage=escape(moved.stage.name),
            program=escape(moved.program.name),
        )
        await notifier.enqueue(session, client.telegram_id, text, now=now)
    return moved
